// Softmax over the last axis (the only one TensorFlow.js normalises natively).
import type { OpDef } from './op.js';
import { elements } from './shapes.js';

export const softmax: OpDef = {
  name: 'softmax',
  doc: 'softmax(x): e^x / Σ e^x over the last axis.',
  surface: { name: 'softmax', inputs: ['x'], attrs: [{ name: 'axis', type: 'int', default: -1 }], doc: 'softmax(x, axis = -1): normalised exponentials over the last axis.' },
  infer([x], attrs) {
    if (!x) return { error: 'softmax takes one tensor', code: 'REC4002' };
    const axis = Number(attrs.axis ?? -1);
    if (axis !== -1 && axis !== x.shape.length - 1) return { error: `softmax works over the last axis; got axis ${axis} of a rank-${x.shape.length} tensor`, code: 'REC3008' };
    return { shape: x.shape, dtype: 'float32' };
  },
  // exp, sum and divide per element
  flops: (_ins, out) => 3 * elements(out),
  tfjs: (tf, [x]) => tf.softmax(x!),
  onnx: (tape, [x]) => tape.op('Softmax', [x!], { axis: -1 }),
  examples: [
    { inputs: [{ shape: ['batch', 5], dtype: 'float32' }], attrs: { axis: -1 } },
    { inputs: [{ shape: ['batch', 2, 1, 6], dtype: 'float32' }], attrs: { axis: -1 } },
  ],
};

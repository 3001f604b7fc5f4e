// Softmax along one non-batch axis (the last by default).
import { showShape, type OpDef } from './op.js';
import { keepAxis, sumTo } from './grad-helpers.js';
import { elements, intAttr, normAxis } from './shapes.js';

export const softmax: OpDef = {
  name: 'softmax',
  doc: 'softmax(x): e^x / Σ e^x along an axis (the last by default).',
  surface: { name: 'softmax', inputs: ['x'], attrs: [{ name: 'axis', type: 'int', default: -1 }], doc: 'softmax(x, axis = -1): normalised exponentials along an axis.' },
  infer([x], attrs) {
    if (!x || x.dtype !== 'float32') return { error: 'softmax takes one float tensor', code: 'REC4002' };
    const raw = intAttr(attrs, 'axis', -1);
    const axis = raw === undefined ? undefined : normAxis(raw, x.shape.length);
    if (axis === undefined || x.shape[axis] === 'batch') return { error: `softmax: axis ${String(attrs.axis ?? -1)} is not a non-batch axis of ${showShape(x.shape)}`, code: 'REC4002' };
    return { shape: x.shape, dtype: 'float32' };
  },
  // exp, sum and divide per element
  flops: (_ins, out) => 3 * elements(out),
  tfjs(tf, [x], attrs) {
    const axis = normAxis(Number(attrs.axis ?? -1), x!.rank)!;
    // tf.softmax normalises the last axis only; elsewhere the max-shifted form (same rounding).
    if (axis === x!.rank - 1) return tf.softmax(x!);
    const e = tf.exp(tf.sub(x!, tf.max(x!, axis, true)));
    return tf.div(e, tf.sum(e, axis, true));
  },
  // From opset 13 ONNX Softmax normalises exactly the given axis (not the flattened tail).
  onnx: (tape, [x], attrs) => tape.op('Softmax', [x!], { axis: Number(attrs.axis ?? -1) }),
  // y ⊙ (dy − Σ dy ⊙ y) along the axis
  vjp(g, _x, y, dy, attrs) {
    const axis = normAxis(Number(attrs.axis ?? -1), g.shape(y).length)!;
    const s = sumTo(g, g.add('mul', [dy, y]), keepAxis(g.shape(y), axis));
    return [g.add('mul', [y, g.add('sub', [dy, s])])];
  },
  examples: [
    { inputs: [{ shape: ['batch', 5], dtype: 'float32' }], attrs: { axis: -1 } },
    { inputs: [{ shape: ['batch', 2, 1, 6], dtype: 'float32' }], attrs: { axis: -1 } },
    { inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' }], attrs: { axis: 1 }, note: 'a middle axis' },
  ],
};

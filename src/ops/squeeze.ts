// Remove an axis of size 1 (not the batch axis): the gradient of `unsqueeze`, and of one item of
// `stack`.
import { showShape, type OpDef } from './op.js';
import { intAttr, normAxis } from './shapes.js';

export const squeeze: OpDef = {
  name: 'squeeze',
  doc: 'Remove an axis of size 1.',
  infer([x], attrs) {
    if (!x) return { error: 'squeeze takes one tensor', code: 'REC4002' };
    const raw = intAttr(attrs, 'axis');
    const axis = raw === undefined ? undefined : normAxis(raw, x.shape.length);
    if (axis === undefined || axis < 1 || x.shape[axis] !== 1) return { error: `squeeze: axis ${String(attrs.axis)} of ${showShape(x.shape)} is not a non-batch axis of size 1`, code: 'REC4002' };
    return { shape: x.shape.filter((_, i) => i !== axis), dtype: x.dtype };
  },
  flops: () => 0,
  tfjs: (tf, [x], attrs) => tf.squeeze(x!, [normAxis(Number(attrs.axis), x!.rank)!]),
  onnx: (tape, [x], attrs) => tape.op('Squeeze', [x!, tape.constInt64([Number(attrs.axis)], [1])]),
  vjp: (b, [x], _y, dy, attrs) => [b.add('unsqueeze', [dy], { axis: normAxis(Number(attrs.axis), b.shape(x!).length)! })],
  examples: [
    { inputs: [{ shape: ['batch', 1, 4], dtype: 'float32' }], attrs: { axis: 1 } },
    { inputs: [{ shape: ['batch', 3, 1], dtype: 'float32' }], attrs: { axis: -1 } },
  ],
};

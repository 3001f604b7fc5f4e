// Insert an axis of size 1.
import { showShape, type OpDef } from './op.js';
import { intAttr } from './shapes.js';

export const unsqueeze: OpDef = {
  name: 'unsqueeze',
  doc: 'Insert an axis of size 1.',
  infer([x], attrs) {
    if (!x) return { error: 'unsqueeze takes one tensor', code: 'REC4002' };
    const axis = intAttr(attrs, 'axis');
    const a = axis === undefined ? -1 : axis < 0 ? x.shape.length + 1 + axis : axis;
    if (a < 1 || a > x.shape.length) return { error: `unsqueeze: axis ${String(attrs.axis)} is out of range for ${showShape(x.shape)}`, code: 'REC4002' };
    return { shape: [...x.shape.slice(0, a), 1, ...x.shape.slice(a)], dtype: x.dtype };
  },
  flops: () => 0,
  tfjs: (tf, [x], attrs) => tf.expandDims(x!, Number(attrs.axis)),
  onnx: (tape, [x], attrs) => tape.op('Unsqueeze', [x!, tape.constInt64([Number(attrs.axis)], [1])]),
  vjp: (g, [x], _y, dy, attrs) => {
    const axis = Number(attrs.axis);
    return [g.add('squeeze', [dy], { axis: axis < 0 ? g.shape(x!).length + 1 + axis : axis })];
  },
  examples: [
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }], attrs: { axis: 1 } },
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }], attrs: { axis: -1 } },
  ],
};

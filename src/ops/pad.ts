// Zeros before and after the items of one non-batch axis: the gradient of `slice`.
import { showShape, type OpDef } from './op.js';
import { intAttr, normAxis } from './shapes.js';

export const pad: OpDef = {
  name: 'pad',
  doc: 'Zeros before and after along an axis.',
  infer([x], attrs) {
    if (!x) return { error: 'pad takes one tensor', code: 'REC4002' };
    const raw = intAttr(attrs, 'axis');
    const axis = raw === undefined ? undefined : normAxis(raw, x.shape.length);
    if (axis === undefined || x.shape[axis] === 'batch') return { error: `pad: axis ${String(attrs.axis)} is not a non-batch axis of ${showShape(x.shape)}`, code: 'REC4002' };
    const before = intAttr(attrs, 'before');
    const after = intAttr(attrs, 'after');
    if (before === undefined || after === undefined || before < 0 || after < 0) return { error: `pad: ${String(attrs.before)} before and ${String(attrs.after)} after are not counts`, code: 'REC4003' };
    const shape = [...x.shape];
    shape[axis] = (x.shape[axis] as number) + before + after;
    return { shape, dtype: x.dtype };
  },
  flops: () => 0,
  tfjs(tf, [x], attrs) {
    const axis = normAxis(Number(attrs.axis), x!.rank)!;
    return tf.pad(x!, x!.shape.map((_, i): [number, number] => (i === axis ? [Number(attrs.before), Number(attrs.after)] : [0, 0])));
  },
  onnx(tape, [x], attrs, node) {
    const rank = node.shape.length;
    const axis = normAxis(Number(attrs.axis), rank)!;
    const pads = new Array<number>(2 * rank).fill(0);
    pads[axis] = Number(attrs.before);
    pads[rank + axis] = Number(attrs.after);
    return tape.op('Pad', [x!, tape.constInt64(pads, [2 * rank])]);
  },
  vjp(b, [x], _y, dy, attrs) {
    const before = Number(attrs.before);
    const axis = normAxis(Number(attrs.axis), b.shape(x!).length)!;
    return [b.add('slice', [dy], { axis, start: before, end: before + (b.shape(x!)[axis] as number) })];
  },
  examples: [
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }], attrs: { axis: -1, before: 2, after: 3 } },
    { inputs: [{ shape: ['batch', 2, 3], dtype: 'float32' }], attrs: { axis: 1, before: 0, after: 2 } },
  ],
};

// Stack equal-shaped tensors along a new axis (MMoE's experts: [batch, E, d]).
import { showShape, type OpDef } from './op.js';
import { intAttr, normAxis } from './shapes.js';

export const stack: OpDef = {
  name: 'stack',
  doc: 'stack(a, b, …): tensors of one shape along a new axis 1.',
  surface: { name: 'stack', inputs: 'variadic', attrs: [{ name: 'axis', type: 'int', default: 1 }], doc: 'stack(a, b, …, axis = 1): same-shaped tensors along a new axis.' },
  infer(ins, attrs) {
    if (ins.length === 0) return { error: 'stack needs at least one tensor', code: 'REC4002' };
    const s = ins[0]!.shape;
    if (ins.some((i) => i.shape.join() !== s.join())) return { error: `stack: tensors must have one shape, found ${ins.map((i) => showShape(i.shape)).join(', ')}`, code: 'REC4001' };
    if (ins.some((i) => i.dtype !== ins[0]!.dtype)) return { error: `stack: tensors of different types (${ins.map((i) => i.dtype).join(', ')})`, code: 'REC4001' };
    const axis = intAttr(attrs, 'axis', 1);
    const a = axis === undefined ? -1 : axis < 0 ? s.length + 1 + axis : axis;
    if (a < 1 || a > s.length) return { error: `stack: axis ${String(attrs.axis)} is out of range for ${showShape(s)} (the new axis goes after the batch axis)`, code: 'REC4002' };
    return { shape: [...s.slice(0, a), ins.length, ...s.slice(a)], dtype: ins[0]!.dtype };
  },
  flops: () => 0,
  tfjs: (tf, ins, attrs) => tf.stack(ins, Number(attrs.axis ?? 1)),
  onnx(tape, ins, attrs, node) {
    const axis = Number(attrs.axis ?? 1);
    const a = axis < 0 ? node.shape.length + axis : axis;
    const ax = tape.constInt64([a], [1]);
    return tape.op('Concat', ins.map((i) => tape.op('Unsqueeze', [i, ax])), { axis: a });
  },
  // item i of dy along the new axis, without that axis
  vjp(g, ins, _y, dy, attrs) {
    const axis = normAxis(Number(attrs.axis ?? 1), g.shape(dy).length)!;
    return ins.map((_, i) => g.add('squeeze', [g.add('slice', [dy], { axis, start: i, end: i + 1 })], { axis }));
  },
  examples: [
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'float32' }], attrs: { axis: 1 } },
    { inputs: [{ shape: ['batch', 2, 3], dtype: 'float32' }, { shape: ['batch', 2, 3], dtype: 'float32' }], attrs: { axis: -1 }, note: 'a new last axis' },
  ],
};

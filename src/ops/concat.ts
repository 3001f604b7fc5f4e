// Concatenation along one axis; every other axis must agree.
import { showShape, type OpDef } from './op.js';
import { intAttr, normAxis } from './shapes.js';

export const concat: OpDef = {
  name: 'concat',
  doc: 'concat(a, b, …): join tensors along an axis (the last by default).',
  surface: { name: 'concat', inputs: 'variadic', attrs: [{ name: 'axis', type: 'int', default: -1 }], doc: 'concat(a, b, …, axis = -1): join tensors along an axis.' },
  infer(ins, attrs) {
    if (ins.length === 0) return { error: 'concat needs at least one tensor', code: 'REC4002' };
    const rank = ins[0]!.shape.length;
    const all = ins.map((i) => showShape(i.shape)).join(', ');
    if (ins.some((i) => i.shape.length !== rank)) {
      return { error: `concat: tensors of different ranks: ${all}`, code: 'REC4001' };
    }
    if (ins.some((i) => i.dtype !== ins[0]!.dtype)) return { error: `concat: tensors of different types (${ins.map((i) => i.dtype).join(', ')}): ${all}`, code: 'REC4001' };
    const raw = intAttr(attrs, 'axis', -1);
    const axis = raw === undefined ? undefined : normAxis(raw, rank);
    if (axis === undefined || axis === 0) return { error: `concat: axis ${String(attrs.axis)} is not a non-batch axis of ${all}`, code: 'REC4002' };
    let size = 0;
    for (const i of ins) {
      const d = i.shape[axis]!;
      if (d === 'batch') return { error: `concat: axis ${attrs.axis} is the batch axis`, code: 'REC4002' };
      size += d;
      for (let k = 0; k < rank; k++) if (k !== axis && i.shape[k] !== ins[0]!.shape[k]) return { error: `concat: shapes ${all} differ outside axis ${attrs.axis}`, code: 'REC4001' };
    }
    const shape = [...ins[0]!.shape];
    shape[axis] = size;
    return { shape, dtype: ins[0]!.dtype };
  },
  flops: () => 0,
  tfjs: (tf, ins, attrs) => (ins.length === 1 ? ins[0]! : tf.concat(ins, Number(attrs.axis ?? -1))),
  onnx: (tape, ins, attrs) => tape.op('Concat', ins, { axis: Number(attrs.axis ?? -1) }),
  // each input's items of dy along the axis
  vjp(g, ins, _y, dy, attrs) {
    const axis = normAxis(Number(attrs.axis ?? -1), g.shape(dy).length)!;
    let start = 0;
    return ins.map((i) => {
      const end = start + (g.shape(i)[axis] as number);
      const part = ins.length === 1 ? dy : g.add('slice', [dy], { axis, start, end });
      start = end;
      return part;
    });
  },
  examples: [
    { inputs: [{ shape: ['batch', 3], dtype: 'float32' }, { shape: ['batch', 5], dtype: 'float32' }], attrs: { axis: -1 } },
    { inputs: [{ shape: ['batch', 2, 3], dtype: 'float32' }, { shape: ['batch', 4, 3], dtype: 'float32' }], attrs: { axis: 1 } },
    { inputs: [{ shape: ['batch', 2], dtype: 'float32' }, { shape: ['batch', 1], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'float32' }], attrs: { axis: -1 }, note: 'three tensors' },
  ],
};

// Plain reduction along one non-batch axis.
import { showShape, type OpDef } from './op.js';
import { scale } from './grad-helpers.js';
import { elements, intAttr, normAxis } from './shapes.js';

export const reduce: OpDef = {
  name: 'reduce',
  doc: 'Sum, mean or max along an axis.',
  infer([x], attrs) {
    if (!x || x.dtype !== 'float32') return { error: 'reduce takes one float tensor', code: 'REC4002' };
    if (!['sum', 'mean', 'max'].includes(String(attrs.mode))) return { error: `unknown reduction \`${String(attrs.mode)}\` (sum, mean or max)`, code: 'REC3008' };
    const raw = intAttr(attrs, 'axis');
    const axis = raw === undefined ? undefined : normAxis(raw, x.shape.length);
    if (axis === undefined || axis === 0 || x.shape[axis] === 'batch') return { error: `cannot reduce axis ${String(attrs.axis)} of ${showShape(x.shape)}: not a non-batch axis`, code: 'REC4002' };
    const shape = attrs.keepdims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
    return { shape, dtype: 'float32' };
  },
  flops: ([x]) => elements(x!),
  tfjs(tf, [x], attrs) {
    const axis = Number(attrs.axis);
    const keep = Boolean(attrs.keepdims);
    return attrs.mode === 'sum' ? tf.sum(x!, axis, keep) : attrs.mode === 'mean' ? tf.mean(x!, axis, keep) : tf.max(x!, axis, keep);
  },
  onnx(tape, [x], attrs) {
    const keepdims = attrs.keepdims ? 1 : 0;
    const axis = Number(attrs.axis);
    // opset 17: ReduceSum takes axes as an input, ReduceMean/ReduceMax as an attribute.
    if (attrs.mode === 'sum') return tape.op('ReduceSum', [x!, tape.constInt64([axis], [1])], { keepdims });
    return tape.op(attrs.mode === 'mean' ? 'ReduceMean' : 'ReduceMax', [x!], { axes: [axis], keepdims });
  },
  vjp(g, [x], y, dy, attrs) {
    const shape = g.shape(x!);
    const axis = normAxis(Number(attrs.axis), shape.length)!;
    const kept = (v: number) => (attrs.keepdims ? v : g.add('unsqueeze', [v], { axis }));
    if (attrs.mode === 'max') return [g.add('mul', [kept(dy), g.add('compare', [x!, kept(y)], { mode: 'eq' })])];
    const d = attrs.mode === 'mean' ? scale(g, kept(dy), 1 / (shape[axis] as number)) : kept(dy);
    return [g.add('broadcast_like', [d, x!])];
  },
  examples: ['sum', 'mean', 'max'].flatMap((mode) => [
    { inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' as const }], attrs: { mode, axis: 1, keepdims: false } },
    { inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' as const }], attrs: { mode, axis: -1, keepdims: true } },
  ]),
};

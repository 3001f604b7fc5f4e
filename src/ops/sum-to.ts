// Sum a tensor down to a shape it broadcasts from: the gradient of broadcasting (of `+` with a
// bias, of a scalar). Unlike `reduce`, it may sum the batch axis: a parameter's gradient has the
// parameter's shape. attrs.shape writes the batch axis as -1 (axis 0 only); attrs.axes are the
// summed axes of x (sumAxes), stated because the ONNX form cannot see x's shape.
import type { Attrs, Shape } from '../ir/types.js';
import { showShape, type OpDef } from './op.js';
import { broadcast, elements, intsAttr } from './shapes.js';

/** attrs.shape as a Shape, or undefined when malformed. */
export function targetShape(attrs: Attrs): Shape | undefined {
  const s = intsAttr(attrs, 'shape');
  if (!s || s.some((d, i) => (i === 0 ? d !== -1 && d <= 0 : d <= 0))) return undefined;
  return s.map((d) => (d === -1 ? 'batch' : d));
}

/** The axes of x that are summed: the leading ones the target lacks, and those it keeps at 1. */
export function sumAxes(x: Shape, to: Shape): number[] {
  const off = x.length - to.length;
  return x.map((_, i) => i).filter((i) => i < off || (to[i - off] === 1 && x[i] !== 1));
}

export const sumTo: OpDef = {
  name: 'sum_to',
  doc: 'Sum x down to a shape it broadcasts from (the batch axis included).',
  infer([x], attrs) {
    const to = targetShape(attrs);
    const axes = intsAttr(attrs, 'axes');
    if (!x || x.dtype !== 'float32' || !to || !axes) return { error: 'sum_to takes one float tensor, a target shape and the summed axes', code: 'REC4002' };
    const b = broadcast(to, x.shape);
    if (!b || b.join() !== x.shape.join()) return { error: `sum_to: ${showShape(x.shape)} does not broadcast from ${showShape(to)}`, code: 'REC4001' };
    if (axes.join() !== sumAxes(x.shape, to).join()) return { error: `sum_to: axes [${axes.join(', ')}] are not the axes [${sumAxes(x.shape, to).join(', ')}] that take ${showShape(x.shape)} to ${showShape(to)}`, code: 'REC4002' };
    return { shape: to, dtype: 'float32' };
  },
  flops: ([x]) => elements(x!),
  tfjs(tf, [x], attrs) {
    const to = attrs.shape as number[];
    const axes = attrs.axes as number[];
    if (axes.length === 0) return x!;
    const s = tf.sum(x!, axes, true);
    return s.rank === to.length ? s : tf.reshape(s, to);
  },
  onnx(tape, [x], attrs) {
    const to = attrs.shape as number[];
    const axes = attrs.axes as number[];
    if (axes.length === 0) return tape.op('Identity', [x!]);
    const s = tape.op('ReduceSum', [x!, tape.constInt64(axes, [axes.length])], { keepdims: 1 });
    // A target with the batch axis has x's rank (batch is axis 0 of both), so the kept axes give
    // it; one without has a static shape, whatever leading axes were dropped.
    return to.includes(-1) ? s : tape.op('Reshape', [s, tape.constInt64(to, [to.length])]);
  },
  vjp: (b, [x], _y, dy) => [b.add('broadcast_like', [dy, x!])],
  examples: [
    { inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' }], attrs: { shape: [-1, 1, 3], axes: [1] } },
    { inputs: [{ shape: ['batch', 6], dtype: 'float32' }], attrs: { shape: [6], axes: [0] }, note: 'the batch axis summed' },
    { inputs: [{ shape: ['batch', 2, 3], dtype: 'float32' }], attrs: { shape: [1, 3], axes: [0, 1] }, note: 'a leading axis dropped, one kept at 1' },
    { inputs: [{ shape: ['batch', 3], dtype: 'float32' }], attrs: { shape: [], axes: [0, 1] }, note: 'to a scalar' },
  ],
};

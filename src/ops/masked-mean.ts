// A mean over the valid elements only: Σ x·m / max(Σ m, 1) over all elements (batch included) →
// a scalar []. m has x's shape, 1 for a valid element and 0 for padding (padded positions of a
// sequence, padded task rows); without any valid element the result is 0.
import { scalar, sumTo } from './grad-helpers.js';
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

export const maskedMean: OpDef = {
  name: 'masked_mean',
  doc: 'masked_mean(x, m): Σ x·m / max(Σ m, 1) over all elements → a scalar.',
  infer([x, m]) {
    if (!x || !m) return { error: 'masked_mean takes a tensor and its mask', code: 'REC4002' };
    if (x.dtype !== 'float32' || m.dtype !== 'float32' || x.shape.join() !== m.shape.join()) {
      return { error: `masked_mean needs a float tensor and a float mask of the same shape, found ${x.dtype} ${showShape(x.shape)} and ${m.dtype} ${showShape(m.shape)}`, code: 'REC4001' };
    }
    return { shape: [], dtype: 'float32' };
  },
  // multiply, two sums
  flops: ([x]) => 3 * elements(x!),
  tfjs: (tf, [x, m]) => tf.div(tf.sum(tf.mul(x!, m!)), tf.maximum(tf.sum(m!), 1)),
  onnx(tape, [x, m]) {
    // ReduceSum without an axes input reduces every axis.
    const total = tape.op('ReduceSum', [tape.op('Mul', [x!, m!])], { keepdims: 0 });
    return tape.op('Div', [total, tape.op('Max', [tape.op('ReduceSum', [m!], { keepdims: 0 }), tape.constFloat([1], [])])]);
  },
  // ∂/∂x = dy · m / max(Σ m, 1), with max(s, 1) = s + relu(1 − s) (the IR has no max of two)
  vjp(b, [, m], _y, dy) {
    const s = sumTo(b, m!, []);
    const den = b.add('add', [s, b.add('relu', [b.add('sub', [scalar(b, 1), s])])]);
    return [b.add('mul', [m!, b.add('div', [dy, den])]), undefined];
  },
  constantInputs: { 1: 'the mask is 0/1 validity data, not a learned value' },
  examples: [
    { inputs: [{ shape: ['batch', 5], dtype: 'float32' }, { shape: ['batch', 5], dtype: 'float32' }], attrs: {}, note: 'a mask of prefixes, the first row all zero' },
    { inputs: [{ shape: ['batch', 5], dtype: 'float32' }, { shape: ['batch', 5], dtype: 'float32' }], attrs: {}, note: 'every row masked out gives 0', values: { 1: { data: new Array<number>(15).fill(0), shape: [3, 5] } } },
    { inputs: [{ shape: ['batch'], dtype: 'float32' }, { shape: ['batch'], dtype: 'float32' }], attrs: {}, note: 'padded task rows', values: { 1: { data: [1, 0, 1], shape: [3] } } },
  ],
};

// Binary cross-entropy on logits, per sample: max(z, 0) − z·y + log(1 + e^−|z|), the stable form
// of −y·log σ(z) − (1 − y)·log(1 − σ(z)) (no exp of a large positive number, no log of 0).
// A task's logit z [batch, 1] against its label y [batch], or z and y of one shape S → S.
// The objective is its mean: batch_mean(bce_logits(z, y)) is train/losses.ts's bceWithLogits.
import { asLabel, scale } from './grad-helpers.js';
import type { OpDef } from './op.js';
import { elements, labelledShape } from './shapes.js';

export const bceLogits: OpDef = {
  name: 'bce_logits',
  doc: 'bce_logits(z, y): per-sample binary cross-entropy on logits, max(z, 0) − z·y + log(1 + e^−|z|).',
  infer: ([z, y]) => labelledShape('bce_logits', z, y),
  // relu, mul, sub, abs, neg, exp, log1p, add
  flops: (_ins, out) => 8 * elements(out),
  // bceWithLogits's ops in its order, so that the mean of this is the same float as today's loss.
  tfjs(tf, [z, y]) {
    const zz = tf.reshape(z!, y!.shape);
    return tf.add(tf.sub(tf.relu(zz), tf.mul(zz, y!)), tf.log1p(tf.exp(tf.neg(tf.abs(zz)))));
  },
  onnx(tape, [z, y]) {
    const zz = tape.op('Reshape', [z!, tape.op('Shape', [y!])]);
    // Softplus(−|z|) = log(1 + e^−|z|): ONNX has no Log1p, and Softplus keeps the small values.
    const soft = tape.op('Softplus', [tape.op('Neg', [tape.op('Abs', [zz])])]);
    return tape.op('Add', [tape.op('Sub', [tape.op('Relu', [zz]), tape.op('Mul', [zz, y!])]), soft]);
  },
  // ∂/∂z = σ(z) − y, ∂/∂y = −z (soft labels may be learned targets; the gradient is exact).
  vjp(b, [z, y], _l, dy) {
    const { p: zz, back } = asLabel(b, z!, y!);
    return [back(b.add('mul', [dy, b.add('sub', [b.add('sigmoid', [zz]), y!])])), scale(b, b.add('mul', [dy, zz]), -1)];
  },
  examples: [
    {
      inputs: [{ shape: ['batch', 1], dtype: 'float32' }, { shape: ['batch'], dtype: 'float32' }],
      attrs: {},
      note: "a task's logit and its 0/1 labels",
      values: { 0: { data: [-30, 0.5, 30], shape: [3, 1] }, 1: { data: [1, 0, 0], shape: [3] } },
    },
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'float32' }], attrs: {}, note: 'one shape S, soft labels' },
  ],
};

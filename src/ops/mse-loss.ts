// Squared error per sample: (p − y)². A task's output p [batch, 1] against its label y [batch], or
// p and y of one shape S → S. batch_mean(mse_loss(p, y)) is train/losses.ts's mseLoss.
import { asLabel, scale } from './grad-helpers.js';
import type { OpDef } from './op.js';
import { elements, labelledShape } from './shapes.js';

export const mseLoss: OpDef = {
  name: 'mse_loss',
  doc: 'mse_loss(p, y): per-sample squared error (p − y)².',
  infer: ([p, y]) => labelledShape('mse_loss', p, y),
  // subtract, square
  flops: (_ins, out) => 2 * elements(out),
  tfjs: (tf, [p, y]) => tf.square(tf.sub(tf.reshape(p!, y!.shape), y!)),
  onnx(tape, [p, y]) {
    const d = tape.op('Sub', [tape.op('Reshape', [p!, tape.op('Shape', [y!])]), y!]);
    return tape.op('Mul', [d, d]);
  },
  // ∂/∂p = 2(p − y), ∂/∂y = −2(p − y)
  vjp(b, [p, y], _l, dy) {
    const { p: pp, back } = asLabel(b, p!, y!);
    const d = scale(b, b.add('mul', [dy, b.add('sub', [pp, y!])]), 2);
    return [back(d), scale(b, d, -1)];
  },
  examples: [
    { inputs: [{ shape: ['batch', 1], dtype: 'float32' }, { shape: ['batch'], dtype: 'float32' }], attrs: {}, note: "a task's output and its labels" },
    { inputs: [{ shape: ['batch', 2, 3], dtype: 'float32' }, { shape: ['batch', 2, 3], dtype: 'float32' }], attrs: {}, note: 'one shape S' },
  ],
};

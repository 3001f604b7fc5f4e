// Softmax cross-entropy per position, classes on the last axis: z [..., C] logits, y [...] class
// indices (int32, or float32 holding integers: task labels are float32) → [...], the value
// −log softmax(z)[y]. A label outside 0..C−1 selects no class and gives 0 (tf.oneHot's zero row;
// the data loader is where labels are checked). Works for [batch, C] (a multiclass task) and
// [batch, L, V] (next-item prediction at every position).
// batch_mean(softmax_ce(z, y)) is train/losses.ts's softmaxCrossEntropy.
import { idsAsFloat, iota } from './grad-helpers.js';
import { logSoftmax } from './log-softmax.js';
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

export const softmaxCe: OpDef = {
  name: 'softmax_ce',
  doc: 'softmax_ce(z, y): per-position softmax cross-entropy, −log softmax(z)[y], classes on the last axis.',
  infer([z, y]) {
    if (!z || !y) return { error: 'softmax_ce takes logits [..., C] and class indices [...]', code: 'REC4002' };
    const c = z.shape[z.shape.length - 1];
    if (z.dtype !== 'float32' || z.shape.length < 2 || typeof c !== 'number') return { error: `softmax_ce needs float logits [..., C] with the classes on a non-batch last axis, found ${z.dtype} ${showShape(z.shape)}`, code: 'REC4002' };
    if (y.shape.join() !== z.shape.slice(0, -1).join()) return { error: `softmax_ce: the labels ${showShape(y.shape)} must have the logits' shape without its class axis, ${showShape(z.shape.slice(0, -1))}`, code: 'REC4001' };
    return { shape: y.shape, dtype: 'float32' };
  },
  // log-softmax (max, subtract, exp, sum, log, subtract), the one-hot product and its sum
  flops: ([z]) => 8 * elements(z!),
  // softmaxCrossEntropy's ops in its order (one-hot times log-softmax, summed over the classes).
  // The log-softmax is the nesting one: same forward floats as tf.logSoftmax, and a second
  // derivative (a MAML step over a multiclass task needs it).
  tfjs(tf, [z, y]) {
    const onehot = tf.oneHot(tf.cast(y!, 'int32'), z!.shape[z!.rank - 1]!);
    return tf.neg(tf.sum(tf.mul(onehot, logSoftmax(tf, z!)), -1));
  },
  onnx(tape, [z, y]) {
    // One-hot as Equal against 0..C−1 (C read from z): like tf.oneHot, an index outside the
    // range matches nothing (ONNX OneHot would wrap a negative one).
    const c = tape.op('Squeeze', [tape.op('Shape', [z!], { start: -1 })]);
    const classes = tape.op('Range', [tape.constInt64([0], []), c, tape.constInt64([1], [])]);
    const ids = tape.op('Unsqueeze', [tape.op('Cast', [y!], { to: 7 }), tape.constInt64([-1], [1])]);
    const onehot = tape.op('Cast', [tape.op('Equal', [ids, classes])], { to: 1 });
    const picked = tape.op('ReduceSum', [tape.op('Mul', [onehot, tape.op('LogSoftmax', [z!], { axis: -1 })]), tape.constInt64([-1], [1])], { keepdims: 0 });
    return tape.op('Neg', [picked]);
  },
  // ∂/∂z = dy · (softmax(z) − onehot(y)); a label outside 0..C−1 has a zero one-hot row, as in
  // the forward (float labels; int labels are ids the data loader has checked).
  vjp(b, [z, y], _l, dy) {
    const c = b.shape(z!)[b.shape(z!).length - 1] as number;
    const onehot = b.add('compare', [idsAsFloat(b, y!, c), iota(b, c)], { mode: 'eq' });
    const p = b.add('softmax', [z!], { axis: -1 });
    return [b.add('mul', [b.add('unsqueeze', [dy], { axis: b.shape(y!).length }), b.add('sub', [p, onehot])]), undefined];
  },
  constantInputs: { 1: 'class labels are indices: the loss is piecewise constant in them' },
  examples: [
    { inputs: [{ shape: ['batch', 11], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }], attrs: {}, note: 'int32 labels' },
    {
      inputs: [{ shape: ['batch', 5], dtype: 'float32' }, { shape: ['batch'], dtype: 'float32' }],
      attrs: {},
      note: 'float32 labels holding integers, as tasks have them',
      values: { 1: { data: [4, 0, 2], shape: [3] } },
    },
    { inputs: [{ shape: ['batch', 4, 11], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'int32' }], attrs: {}, note: 'next item at every position' },
  ],
};

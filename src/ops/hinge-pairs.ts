// Pairwise hinge loss (CMML Eq. 4): the mean over pairs k of max(0, 1 − (s[pos_k] − s[neg_k])),
// a scalar. s holds a task's scores [batch, 1] (or [batch]); pos and neg are the rows of the
// pairs, int32 [P], computed on the host from the labels (train/losses.ts's hingePairs) and fed as
// inputs. No pair (P = 0: a batch without both a positive and a negative) gives 0, with a zero
// gradient that still reaches s.
// P is dynamic. The IR's only dynamic dimension is `batch` (at axis 0), so pos and neg are written
// [batch]: the symbol stands for "a length known when the step runs" and P need not equal the
// scores' batch. A fixed number of pairs [P] is accepted too; pos and neg must agree.
import { scalar, sumTo } from './grad-helpers.js';
import { showShape, type OpDef } from './op.js';

export const hingePairs: OpDef = {
  name: 'hinge_pairs',
  doc: 'hinge_pairs(s, pos, neg): mean over pairs k of max(0, 1 − (s[pos_k] − s[neg_k])); 0 without pairs.',
  infer([s, pos, neg]) {
    if (!s || !pos || !neg) return { error: 'hinge_pairs takes scores [batch, 1] and the rows of the pairs, pos and neg [P]', code: 'REC4002' };
    const scores = s.shape.length === 1 || (s.shape.length === 2 && s.shape[1] === 1);
    if (s.dtype !== 'float32' || !scores) return { error: `hinge_pairs needs float scores [batch, 1] or [batch], found ${s.dtype} ${showShape(s.shape)}`, code: 'REC4002' };
    if (pos.dtype !== 'int32' || neg.dtype !== 'int32' || pos.shape.length !== 1 || neg.shape.length !== 1) {
      return { error: `hinge_pairs needs int row indices pos and neg of rank 1, found ${pos.dtype} ${showShape(pos.shape)} and ${neg.dtype} ${showShape(neg.shape)}`, code: 'REC4002' };
    }
    if (pos.shape[0] !== neg.shape[0]) return { error: `hinge_pairs: pos ${showShape(pos.shape)} and neg ${showShape(neg.shape)} must have the same length`, code: 'REC4001' };
    return { shape: [], dtype: 'float32' };
  },
  // per pair: two lookups' difference, 1 − it, max with 0, and the sum; P is not known here, so
  // the count is per pair (P = 1 with a dynamic P)
  flops: ([, pos]) => 4 * (typeof pos![0] === 'number' ? pos![0] : 1),
  tfjs(tf, [s, pos, neg]) {
    // pairHinge's ops, so that the value is the same float as today's loss.
    const flat = tf.reshape(s!, [-1]);
    // Zero that still depends on s, so the gradient map keeps every parameter.
    if (pos!.shape[0] === 0) return tf.mul(tf.sum(flat), 0);
    const sp = tf.gather(flat, pos!);
    const sn = tf.gather(flat, neg!);
    return tf.mean(tf.relu(tf.sub(1, tf.sub(sp, sn))));
  },
  onnx(tape, [s, pos, neg]) {
    const flat = tape.op('Reshape', [s!, tape.constInt64([-1], [1])]);
    const margin = tape.op('Sub', [tape.op('Gather', [flat, pos!], { axis: 0 }), tape.op('Gather', [flat, neg!], { axis: 0 })]);
    const hinge = tape.op('Relu', [tape.op('Sub', [tape.constFloat([1], []), margin])]);
    // Σ / max(P, 1): a sum over no pairs is 0, where a mean would be 0/0.
    const total = tape.op('ReduceSum', [hinge], { keepdims: 0 });
    const count = tape.op('Max', [tape.op('Cast', [tape.op('Size', [pos!])], { to: 1 }), tape.constFloat([1], [])]);
    return tape.op('Div', [total, count]);
  },
  // Pair k with a positive hinge (1 > s[pos_k] − s[neg_k]) adds dy / max(P, 1) at neg_k and takes
  // it away at pos_k. The scores, as a table [batch, 1], are gathered and scattered by row number.
  // max(P, 1) = P + relu(1 − P), with P counted when the graph runs.
  vjp(b, [s, pos, neg], _l, dy) {
    const flat = b.shape(s!).length === 1;
    const rows = flat ? b.add('unsqueeze', [s!], { axis: 1 }) : s!;
    const margin = b.add('sub', [b.add('gather', [rows, pos!]), b.add('gather', [rows, neg!])]);
    const active = b.add('compare', [scalar(b, 1), margin], { mode: 'gt' }); // [P, 1]
    const count = sumTo(b, b.add('broadcast_like', [scalar(b, 1), active]), []);
    const den = b.add('add', [count, b.add('relu', [b.add('sub', [scalar(b, 1), count])])]);
    const w = b.add('mul', [active, b.add('div', [dy, den])]);
    const ds = b.add('sub', [b.add('scatter_add', [w, neg!, rows]), b.add('scatter_add', [w, pos!, rows])]);
    return [flat ? b.add('squeeze', [ds], { axis: 1 }) : ds, undefined, undefined];
  },
  examples: [
    {
      inputs: [{ shape: ['batch', 1], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }, { shape: ['batch'], dtype: 'int32' }],
      attrs: {},
      note: 'four pairs over three rows',
      values: { 1: { data: [0, 0, 2, 2], shape: [4] }, 2: { data: [1, 2, 1, 0], shape: [4] } },
    },
    {
      inputs: [{ shape: ['batch', 1], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }, { shape: ['batch'], dtype: 'int32' }],
      attrs: {},
      note: 'P = 0: no pair gives 0',
      values: { 1: { data: [], shape: [0] }, 2: { data: [], shape: [0] } },
    },
    {
      inputs: [{ shape: ['batch'], dtype: 'float32' }, { shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'int32' }],
      attrs: {},
      note: 'scores [batch], a fixed number of pairs',
      values: { 1: { data: [1, 2], shape: [2] }, 2: { data: [0, 0], shape: [2] } },
    },
  ],
};

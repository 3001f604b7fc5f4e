// Sampled softmax cross-entropy for next-item pretraining (PeterRec: "full softmax or sampled
// softmax (20 % of the items)"). Per position, with h [..., d] the hidden state, table [V, d] the
// output embeddings, an optional bias [V], targets [...] the true item ids and negatives [N] item
// ids shared by the whole batch:
//   logit_0 = h · table[target] + bias[target],  logit_n = h · table[neg_n] + bias[neg_n],
//   loss = −log softmax(logit_0, logit_1, …, logit_N)[0]   → [...].
// A negative equal to the position's target (an accidental hit) is masked out of that position's
// softmax (its logit set to −3e38), as TensorFlow's sampled_softmax_loss does by default.
// Convention: the host draws the negatives uniformly without replacement (N distinct ids; a
// repeated id counts twice). TensorFlow subtracts log Q(id) from every logit; under a uniform
// sampler Q is the same for every id, and the softmax ignores a shift shared by all logits, so
// this is exactly sampled_softmax_loss with a uniform sampler. Another sampler (log-uniform, by
// popularity) would need that correction as an input.
import { idsAsFloat, scalar, scale, sumTo } from './grad-helpers.js';
import { logSoftmax } from './log-softmax.js';
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

const NEG = -3.0e38;

export const sampledSoftmaxCe: OpDef = {
  name: 'sampled_softmax_ce',
  doc: 'sampled_softmax_ce(h, table, targets, negatives, bias?): per-position cross-entropy of the target against shared sampled negatives (accidental hits masked).',
  infer([h, table, targets, negatives, bias]) {
    if (!h || !table || !targets || !negatives) return { error: 'sampled_softmax_ce takes h [..., d], table [V, d], targets [...], negatives [N] and an optional bias [V]', code: 'REC4002' };
    const d = h.shape[h.shape.length - 1];
    if (h.dtype !== 'float32' || h.shape.length < 2) return { error: `sampled_softmax_ce needs float hidden states [..., d], found ${h.dtype} ${showShape(h.shape)}`, code: 'REC4002' };
    if (table.dtype !== 'float32' || table.shape.length !== 2 || table.shape.includes('batch') || table.shape[1] !== d) {
      return { error: `sampled_softmax_ce: the table must be float [V, ${String(d)}] for hidden states ${showShape(h.shape)}, found ${table.dtype} ${showShape(table.shape)}`, code: 'REC4001' };
    }
    if (targets.dtype !== 'int32' || targets.shape.join() !== h.shape.slice(0, -1).join()) {
      return { error: `sampled_softmax_ce: the targets must be int ids ${showShape(h.shape.slice(0, -1))} (one per hidden state), found ${targets.dtype} ${showShape(targets.shape)}`, code: 'REC4001' };
    }
    if (negatives.dtype !== 'int32' || negatives.shape.length !== 1 || typeof negatives.shape[0] !== 'number') {
      return { error: `sampled_softmax_ce: the negatives must be int ids [N] shared by the batch, found ${negatives.dtype} ${showShape(negatives.shape)}`, code: 'REC4002' };
    }
    if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== table.shape[0])) {
      return { error: `sampled_softmax_ce: the bias must be float [${String(table.shape[0])}], one per row of the table, found ${bias.dtype} ${showShape(bias.shape)}`, code: 'REC4001' };
    }
    return { shape: targets.shape, dtype: 'float32' };
  },
  // per position: N + 1 dot products of length d, then the log-softmax over N + 1 logits
  flops([h, , , negatives], out) {
    const d = h![h!.length - 1] as number;
    const k = (negatives![0] as number) + 1;
    return elements(out) * (2 * d * k + 6 * k);
  },
  tfjs(tf, [h, table, targets, negatives, bias]) {
    const d = table!.shape[1]!;
    const lead = targets!.shape;
    const rows = tf.gather(table!, negatives!); // [N, d]
    let pos = tf.sum(tf.mul(h!, tf.gather(table!, targets!)), -1, true); // [..., 1]
    let neg = tf.reshape(tf.matMul(tf.reshape(h!, [-1, d]), rows, false, true), [...lead, rows.shape[0]!]); // [..., N]
    if (bias) {
      pos = tf.add(pos, tf.expandDims(tf.gather(bias, targets!), -1));
      neg = tf.add(neg, tf.gather(bias, negatives!));
    }
    const hit = tf.equal(tf.expandDims(targets!, -1), negatives!);
    neg = tf.where(hit, tf.fill(neg.shape, NEG), neg);
    const logp = logSoftmax(tf, tf.concat([pos, neg], -1));
    return tf.neg(tf.squeeze(tf.slice(logp, [...lead.map(() => 0), 0], [...lead, 1]), [lead.length]));
  },
  onnx(tape, [h, table, targets, negatives, bias]) {
    const last = tape.constInt64([-1], [1]);
    let pos = tape.op('ReduceSum', [tape.op('Mul', [h!, tape.op('Gather', [table!, targets!], { axis: 0 })]), last], { keepdims: 1 });
    let neg = tape.op('MatMul', [h!, tape.op('Transpose', [tape.op('Gather', [table!, negatives!], { axis: 0 })], { perm: [1, 0] })]);
    if (bias) {
      pos = tape.op('Add', [pos, tape.op('Unsqueeze', [tape.op('Gather', [bias, targets!], { axis: 0 }), last])]);
      neg = tape.op('Add', [neg, tape.op('Gather', [bias, negatives!], { axis: 0 })]);
    }
    const hit = tape.op('Equal', [tape.op('Unsqueeze', [targets!, last]), negatives!]);
    neg = tape.op('Where', [hit, tape.constFloat([NEG], []), neg]);
    const logp = tape.op('LogSoftmax', [tape.op('Concat', [pos, neg], { axis: -1 })], { axis: -1 });
    return tape.op('Neg', [tape.op('Gather', [logp, tape.constInt64([0], [])], { axis: -1 })]);
  },
  // The logits are recomputed in IR ops, p = softmax(logits) and ∂logits = dy · (p − e₀). Split
  // into ∂pos [..., 1] and ∂neg [..., N] (zero at a masked hit, where p is 0):
  //   ∂h = ∂pos · table[target] + ∂neg @ table[negatives]
  //   ∂table = rows ∂pos · h added at the targets, and ∂negᵀ h (summed over positions) at the negatives
  //   ∂bias = ∂pos added at the targets, Σ ∂neg at the negatives.
  vjp(b, [h, table, targets, negatives, bias], _l, dy) {
    const [v] = b.shape(table!) as [number, number];
    const n = b.shape(negatives!)[0] as number;
    const last = b.shape(h!).length - 1;
    const rows = b.add('gather', [table!, negatives!]); // [N, d]
    const own = b.add('gather', [table!, targets!]); // [..., d]
    let pos = b.add('reduce', [b.add('mul', [h!, own])], { mode: 'sum', axis: last, keepdims: true });
    let neg = b.add('matmul', [h!, b.add('transpose', [rows], { perm: [1, 0] })]);
    const biasCol = bias === undefined ? undefined : b.add('unsqueeze', [bias], { axis: 1 }); // [V, 1]
    if (biasCol !== undefined) {
      pos = b.add('add', [pos, b.add('gather', [biasCol, targets!])]);
      neg = b.add('add', [neg, b.add('squeeze', [b.add('gather', [biasCol, negatives!])], { axis: 1 })]);
    }
    const negIds = b.add('squeeze', [idsAsFloat(b, negatives!, v)], { axis: 1 });
    const hit = b.add('compare', [idsAsFloat(b, targets!, v), negIds], { mode: 'eq' });
    neg = b.add('add', [b.add('mul', [neg, b.add('sub', [scalar(b, 1), hit])]), scale(b, hit, NEG)]);
    const p = b.add('softmax', [b.add('concat', [pos, neg], { axis: -1 })], { axis: -1 });
    const first = b.add('const', [], { value: Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : 0)), shape: [n + 1] });
    const dl = b.add('mul', [b.add('unsqueeze', [dy], { axis: last }), b.add('sub', [p, first])]);
    const dpos = b.add('slice', [dl], { axis: last, start: 0, end: 1 });
    const dneg = b.add('slice', [dl], { axis: last, start: 1, end: n + 1 });
    const dh = b.add('add', [b.add('mul', [dpos, own]), b.add('matmul', [dneg, rows])]);
    const dtable = b.add('add', [
      b.add('scatter_add', [b.add('mul', [dpos, h!]), targets!], { rows: v }),
      b.add('scatter_add', [b.add('contract', [dneg, h!]), negatives!], { rows: v }),
    ]);
    if (bias === undefined) return [dh, dtable, undefined, undefined];
    const atNeg = b.add('scatter_add', [b.add('unsqueeze', [sumTo(b, dneg, [n])], { axis: 1 }), negatives!], { rows: v });
    const dbias = b.add('squeeze', [b.add('add', [b.add('scatter_add', [dpos, targets!], { rows: v }), atNeg])], { axis: 1 });
    return [dh, dtable, undefined, undefined, dbias];
  },
  examples: [
    {
      inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' }, { shape: [11, 3], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'int32' }, { shape: [5], dtype: 'int32' }],
      attrs: {},
      note: 'next item at every position, accidental hits',
      values: {
        2: { data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 5], shape: [3, 4] },
        3: { data: [5, 9, 2, 7, 10], shape: [5] },
      },
    },
    {
      inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' }, { shape: [11, 3], dtype: 'float32' }, { shape: ['batch', 4], dtype: 'int32' }, { shape: [5], dtype: 'int32' }, { shape: [11], dtype: 'float32' }],
      attrs: {},
      note: 'with the output bias, accidental hits',
      values: {
        2: { data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 5], shape: [3, 4] },
        3: { data: [5, 9, 2, 7, 10], shape: [5] },
      },
    },
    {
      inputs: [{ shape: ['batch', 3], dtype: 'float32' }, { shape: [11, 3], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }, { shape: [1], dtype: 'int32' }],
      attrs: {},
      note: 'one negative, the last row hits it',
      values: { 2: { data: [3, 8, 4], shape: [3] }, 3: { data: [4], shape: [1] } },
    },
  ],
};

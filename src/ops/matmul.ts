// `a @ b`: a [..., M?, K] times a weight [K, N], or batched [..., M, K] @ [..., K, N] with equal
// leading dimensions (attention: [batch, H, 1, d] @ [batch, H, d, L]).
import type { Dim } from '../ir/types.js';
import { showShape, type OpDef, type Tensor, type TF } from './op.js';
import { perSample } from './shapes.js';

function tfMatmul(tf: TF, a: Tensor, b: Tensor): Tensor {
  const k = a.shape[a.shape.length - 1]!;
  if (b.rank === 2) {
    // Any rank @ a weight: fold the leading axes into rows (one plain 2-D matmul is fastest).
    const lead = a.shape.slice(0, -1);
    const y = tf.matMul(tf.reshape(a, [-1, k]), b);
    return tf.reshape(y, [...lead, b.shape[1]!]);
  }
  if (a.rank === 3) return tf.matMul(a, b);
  const lead = a.shape.slice(0, -2);
  const y = tf.matMul(tf.reshape(a, [-1, a.shape[a.rank - 2]!, k]), tf.reshape(b, [-1, b.shape[b.rank - 2]!, b.shape[b.rank - 1]!]));
  return tf.reshape(y, [...lead, a.shape[a.rank - 2]!, b.shape[b.rank - 1]!]);
}

export const matmul: OpDef = {
  name: 'matmul',
  doc: 'a @ b: matrix product over the last two axes.',
  infer([a, b]) {
    if (!a || !b) return { error: '`@` takes two tensors', code: 'REC4002' };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return { error: `\`@\` needs float tensors, found ${a.dtype} ${showShape(a.shape)} @ ${b.dtype} ${showShape(b.shape)}`, code: 'REC4002' };
    if (a.shape.length < 2 || b.shape.length < 2) return { error: `\`@\` needs tensors of rank ≥ 2, found ${showShape(a.shape)} @ ${showShape(b.shape)}`, code: 'REC4002' };
    const k = a.shape[a.shape.length - 1];
    const kb = b.shape[b.shape.length - 2];
    if (k !== kb) return { error: `\`@\`: the last axis of ${showShape(a.shape)} (${k}) must equal the second-to-last of ${showShape(b.shape)} (${kb})`, code: 'REC4001' };
    const n = b.shape[b.shape.length - 1]!;
    if (b.shape.length === 2) {
      if (b.shape.includes('batch')) return { error: `\`@\`: a [K, N] right operand cannot hold the batch axis, found ${showShape(b.shape)}`, code: 'REC4001' };
      return { shape: [...a.shape.slice(0, -1), n], dtype: 'float32' };
    }
    const leadA = a.shape.slice(0, -2).join();
    const leadB = b.shape.slice(0, -2).join();
    if (leadA !== leadB) return { error: `\`@\`: batched operands need the same leading axes, found ${showShape(a.shape)} @ ${showShape(b.shape)}`, code: 'REC4001' };
    return { shape: [...a.shape.slice(0, -1), n], dtype: 'float32' };
  },
  flops([a], out) {
    const k = perSample(a![a!.length - 1] as Dim);
    return 2 * k * out.reduce<number>((s, d) => s * perSample(d), 1);
  },
  tfjs: (tf, [a, b]) => tfMatmul(tf, a!, b!),
  onnx: (tape, [a, b]) => tape.op('MatMul', [a!, b!]),
  vjp(g, [a, b], _y, dy) {
    const rank = g.shape(b!).length;
    if (rank === 2) {
      // a [..., K] @ W [K, N]: W's gradient sums over every row, the batch included (contract)
      return [g.add('matmul', [dy, g.add('transpose', [b!], { perm: [1, 0] })]), g.add('contract', [a!, dy])];
    }
    // batched: [..., M, K] @ [..., K, N], the same leading axes on both sides
    const swap = Array.from({ length: rank }, (_, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
    return [g.add('matmul', [dy, g.add('transpose', [b!], { perm: swap })]), g.add('matmul', [g.add('transpose', [a!], { perm: swap }), dy])];
  },
  examples: [
    { inputs: [{ shape: ['batch', 5], dtype: 'float32' }, { shape: [5, 3], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: ['batch', 4, 5], dtype: 'float32' }, { shape: [5, 3], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: ['batch', 2, 1, 4], dtype: 'float32' }, { shape: ['batch', 2, 4, 6], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: ['batch', 3, 4], dtype: 'float32' }, { shape: ['batch', 4, 2], dtype: 'float32' }], attrs: {} },
  ],
};

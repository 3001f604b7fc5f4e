// Global gradient-norm clipping (one norm over all gradients together, as torch.nn.utils.clip_grad_norm_).
import type * as tfc from '@tensorflow/tfjs-core';

type TF = typeof tfc;

/**
 * Scale gradients so their global L2 norm (over all of them together) is at most `max`; returns
 * the norm before clipping. One read-back per step, not one per tensor. The gradients of the
 * tables `padded` names leave out row 0: a padding row is a constant (src/ir/padding-rows.ts),
 * and its gradient, which no optimizer applies, must not shrink the others.
 */
export function clipByGlobalNorm(tf: TF, grads: Record<string, tfc.Tensor>, max: number, padded: (key: string) => boolean = () => false): { grads: Record<string, tfc.Tensor>; norm: number } {
  const list = Object.entries(grads);
  if (list.length === 0) return { grads, norm: 0 };
  const sq = tf.tidy(() => tf.addN(list.map(([k, g]) => tf.sum(tf.square(padded(k) ? tf.slice(g, [1, 0], [-1, -1]) : g)))));
  const norm = Math.sqrt(sq.dataSync()[0]!);
  sq.dispose();
  if (!(norm > max)) return { grads, norm };
  const scale = max / norm;
  const out: Record<string, tfc.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.mul(g, scale);
    g.dispose();
  }
  return { grads: out, norm };
}

// The learning-rate schedule (linear warm-up, then constant or cosine decay), and global
// gradient-norm clipping.
// The update rules themselves are in fused-optimizer.ts and update-rules.ts.
import type * as tfc from '@tensorflow/tfjs-core';

type TF = typeof tfc;

export interface Schedule {
  /** Steps of linear warm-up from lr/warmup to lr. */
  warmupSteps?: number;
  /** After warm-up: keep lr, or decay it along a half cosine to 0 at `totalSteps`. */
  decay?: 'constant' | 'cosine';
  totalSteps?: number;
}

/**
 * Learning rate for optimizer step `step` (0-based): base·(step+1)/W during the W warm-up steps,
 * then base (constant) or base·½(1 + cos(π·t)) with t = (step − W)/(total − W) clamped to [0, 1].
 */
export function learningRate(base: number, step: number, s: Schedule = {}): number {
  const w = s.warmupSteps ?? 0;
  if (w > 0 && step < w) return (base * (step + 1)) / w;
  if (s.decay !== 'cosine' || s.totalSteps === undefined) return base;
  const t = Math.min(1, Math.max(0, (step - w) / Math.max(1, s.totalSteps - w)));
  return base * 0.5 * (1 + Math.cos(Math.PI * t));
}

/**
 * Scale gradients so their global L2 norm (over all of them together) is at most `max`; returns
 * the norm before clipping. One read-back per step, not one per tensor.
 */
export function clipByGlobalNorm(tf: TF, grads: Record<string, tfc.Tensor>, max: number): { grads: Record<string, tfc.Tensor>; norm: number } {
  const list = Object.values(grads);
  if (list.length === 0) return { grads, norm: 0 };
  const sq = tf.tidy(() => tf.addN(list.map((g) => tf.sum(tf.square(g)))));
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

// One optimizer per parameter group (PEPNet §2.3: embeddings with AdaGrad, dense with Adam),
// the learning-rate schedule (linear warm-up, then constant or cosine decay), and global
// gradient-norm clipping.
import type * as tfc from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../ir/types.js';

type TF = typeof tfc;

/** Defaults follow each method's paper and PyTorch (Adam ε = 1e-8), not tfjs (1e-7). */
export function makeOptimizer(tf: TF, spec: OptimizerSpec): tfc.Optimizer {
  switch (spec.kind) {
    case 'adam':
      return tf.train.adam(spec.lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-8);
    case 'adagrad':
      return tf.train.adagrad(spec.lr, spec.initialAccumulator ?? 0.1);
    case 'sgd':
      return tf.train.sgd(spec.lr);
  }
}

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
 * Change an optimizer's learning rate between steps. Adam and AdaGrad read the field at each
 * step; SGD caches it in a scalar, which only its own setter replaces.
 */
export function setLearningRate(opt: tfc.Optimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === lr) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
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

// One optimizer per parameter group (PEPNet §2.3: embeddings with AdaGrad, dense with Adam),
// a linear warm-up of the learning rate, and global gradient-norm clipping.
import type * as tfc from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../ir/types.js';

type TF = typeof tfc;

export function makeOptimizer(tf: TF, spec: OptimizerSpec): tfc.Optimizer {
  switch (spec.kind) {
    case 'adam':
      return tf.train.adam(spec.lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-7);
    case 'adagrad':
      return tf.train.adagrad(spec.lr, spec.initialAccumulator ?? 0.1);
    case 'sgd':
      return tf.train.sgd(spec.lr);
  }
}

/** Learning rate at a step: linear warm-up from lr/warmup to lr, then constant. */
export function learningRate(base: number, step: number, warmup: number | undefined): number {
  if (!warmup || step >= warmup) return base;
  return (base * (step + 1)) / warmup;
}

export function setLearningRate(opt: tfc.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

/** Scale gradients so their global L2 norm is at most `max`; returns the norm before clipping. */
export function clipByGlobalNorm(tf: TF, grads: Record<string, tfc.Tensor>, max: number): { grads: Record<string, tfc.Tensor>; norm: number } {
  const norm = Math.sqrt(Object.values(grads).reduce((s, g) => s + (tf.sum(tf.square(g)).dataSync()[0] ?? 0), 0));
  if (norm <= max || norm === 0) return { grads, norm };
  const scale = max / norm;
  const out: Record<string, tfc.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.mul(g, scale);
    g.dispose();
  }
  return { grads: out, norm };
}

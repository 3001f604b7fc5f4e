// Comparisons are piecewise constant: their gradient is zero. Stock tfjs registers one for
// GreaterEqual only, so a nested tf.grad through a gradient that builds a mask (Maximum's uses
// Less, Max's uses Equal) throws "gradient function not found". These fill the gaps.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';

export const COMPARISONS = ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'] as const;

export function zeroGrad(kernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved) => {
      const [a, b] = saved as [Tensor, Tensor];
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  };
}

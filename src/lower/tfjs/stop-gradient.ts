// tfjs has no stopGradient. A customGrad whose gradient is zero: identity forward, nothing flows
// back, and the zero gradient stays zero under nested (higher-order) tf.grad (runtime-notes.md).
import type { Tensor } from '@tensorflow/tfjs-core';

type TF = typeof import('@tensorflow/tfjs-core');

export function stopGradient<T extends Tensor>(tf: TF, x: T): T {
  const f = tf.customGrad((v) => ({ value: (v as Tensor).clone(), gradFunc: (dy) => tf.zerosLike(dy as Tensor) }));
  return f(x) as T;
}

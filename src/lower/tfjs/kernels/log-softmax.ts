// log-softmax whose gradient nests. tf.logSoftmax is a customGrad that saves its output outside
// the tape, so its second derivative is lost under nested tf.grad. Here it is built from ops
// whose gradients nest: x − m − log Σ exp(x − m), with the shift m = max(x) held constant (the
// result does not depend on m; the shift only keeps exp from overflowing).
import type { Tensor } from '@tensorflow/tfjs-core';
import { stopGradientTf as stopGradient } from '../../../ops/stop-gradient.js';

import type { TF } from '../../../ops/op.js';

export function logSoftmax(tf: TF, x: Tensor, axis = -1): Tensor {
  const shifted = tf.sub(x, stopGradient(tf, tf.max(x, axis, true)));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}

// log-softmax on TensorFlow.js whose gradient nests, for the cross-entropy ops (softmax_ce,
// sampled_softmax_ce); not an op itself. tf.logSoftmax is a customGrad that saves its output
// outside the tape, so its second derivative is lost under nested tf.grad (a second-order MAML
// step differentiates the loss's gradient). Here it is built from ops whose gradients nest:
// x − m − log Σ exp(x − m), with the shift m = max(x) held constant (the result does not depend
// on m; the shift only keeps exp from overflowing). The forward runs the same kernels in the same
// order as tf.logSoftmax (max, sub, exp, sum, log, sub), so the values are the same floats.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { TF } from './op.js';
import { stopGradientTf as stopGradient } from './stop-gradient.js';

export function logSoftmax(tf: TF, x: Tensor, axis = -1): Tensor {
  const shifted = tf.sub(x, stopGradient(tf, tf.max(x, axis, true)));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}

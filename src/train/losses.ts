// Losses on the TensorFlow.js side. Each takes a task's logits [batch, classes] and labels [batch].
import type * as tfc from '@tensorflow/tfjs-core';
import type { LossKind } from '../ir/types.js';

type TF = typeof tfc;
type Tensor = tfc.Tensor;

/** Binary cross-entropy on logits, stable form: max(z, 0) − z·y + log(1 + e^−|z|). */
export function bceWithLogits(tf: TF, z: Tensor, y: Tensor): Tensor {
  const zz = tf.reshape(z, [-1]);
  return tf.mean(tf.add(tf.sub(tf.relu(zz), tf.mul(zz, y)), tf.log1p(tf.exp(tf.neg(tf.abs(zz))))));
}

export function mseLoss(tf: TF, z: Tensor, y: Tensor): Tensor {
  return tf.mean(tf.square(tf.sub(tf.reshape(z, [-1]), y)));
}

/** Softmax cross-entropy; labels are class indices 0..C-1. */
export function softmaxCrossEntropy(tf: TF, z: Tensor, y: Tensor): Tensor {
  const classes = z.shape[1]!;
  const onehot = tf.oneHot(tf.cast(y, 'int32'), classes);
  return tf.mean(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(z)), 1)));
}

/**
 * Hinge loss on (positive, negative) pairs of the batch (CMML Eq. 4): mean over pairs of
 * max(0, 1 − (s_p − s_n)). Pairs: every positive with every negative (at most 4096 pairs,
 * taken in order, so the loss is deterministic).
 */
export function pairHinge(tf: TF, z: Tensor, y: Tensor, labels: Float32Array): Tensor {
  const pos: number[] = [];
  const neg: number[] = [];
  labels.forEach((l, i) => (l > 0.5 ? pos : neg).push(i));
  const pi: number[] = [];
  const ni: number[] = [];
  for (const p of pos) {
    for (const n of neg) {
      if (pi.length >= 4096) break;
      pi.push(p);
      ni.push(n);
    }
  }
  const s = tf.reshape(z, [-1]);
  if (pi.length === 0) return tf.mul(tf.sum(s), 0);
  const sp = tf.gather(s, tf.tensor1d(pi, 'int32'));
  const sn = tf.gather(s, tf.tensor1d(ni, 'int32'));
  return tf.mean(tf.relu(tf.sub(1, tf.sub(sp, sn))));
}

export function taskLoss(tf: TF, kind: LossKind, z: Tensor, y: Tensor, labels: Float32Array): Tensor {
  switch (kind) {
    case 'bce':
      return bceWithLogits(tf, z, y);
    case 'mse':
      return mseLoss(tf, z, y);
    case 'softmax_ce':
      return softmaxCrossEntropy(tf, z, y);
    case 'hinge':
      return pairHinge(tf, z, y, labels);
  }
}

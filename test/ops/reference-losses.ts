// The losses as the trainer computed them in TensorFlow.js before they became IR ops (src/ops:
// bce_logits, mse_loss, softmax_ce, hinge_pairs, batch_mean). Kept here as the second
// implementation the ops are checked against, bit for bit (losses-match-train.test.ts).
import type * as tfc from '@tensorflow/tfjs-core';
import type { LossKind } from '../../src/ir/types.js';
import { hingePairs } from '../../src/train/hinge-pairs.js';

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
 * Hinge loss on (positive, negative) pairs of the batch (CMML Eq. 4): the mean over pairs of
 * max(0, 1 − (s_p − s_n)). A batch without both a positive and a negative contributes 0.
 */
export function pairHinge(tf: TF, z: Tensor, labels: ArrayLike<number>): Tensor {
  const { pos, neg } = hingePairs(labels);
  const s = tf.reshape(z, [-1]);
  // Zero that still depends on z, so the gradient map keeps every parameter.
  if (pos.length === 0) return tf.mul(tf.sum(s), 0);
  const sp = tf.gather(s, tf.tensor1d(pos, 'int32'));
  const sn = tf.gather(s, tf.tensor1d(neg, 'int32'));
  return tf.mean(tf.relu(tf.sub(1, tf.sub(sp, sn))));
}

/** A task's loss; `labels` are the host copy of `y` (the hinge loss pairs rows by them). */
export function taskLoss(tf: TF, kind: LossKind, z: Tensor, y: Tensor, labels: ArrayLike<number>): Tensor {
  switch (kind) {
    case 'bce':
      return bceWithLogits(tf, z, y);
    case 'mse':
      return mseLoss(tf, z, y);
    case 'softmax_ce':
      return softmaxCrossEntropy(tf, z, y);
    case 'hinge':
      return pairHinge(tf, z, labels);
  }
}

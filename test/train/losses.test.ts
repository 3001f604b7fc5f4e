// The trainer's losses against values computed by hand (the expected numbers are written out,
// from the formulas in the comments), including the pair hinge of CMML Eq. 4 and its gradient.
// The trainer takes them from the graph (ir/passes/objectives.ts): a task's loss op, then
// batch_mean; the hinge's pairs come from hingePairs. Here those ops run on their own.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LossKind } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { hingePairs } from '../../src/train/hinge-pairs.js';
import { opTfjs, type Value } from '../ops/run-op.js';

const val = (t: tf.Tensor) => t.dataSync()[0]!;
const sym = (t: tf.Tensor): Value => ({ data: [], shape: t.shape, sym: ['batch', ...t.shape.slice(1)], dtype: t.dtype as Value['dtype'] });
/** `batch_mean(<op>(z, y))`, the objective node of one task. */
const mean = (op: string) => (_: typeof tf, z: tf.Tensor, y: tf.Tensor) => {
  const loss = opTfjs(op, [sym(z), sym(y)], {})([z, y]);
  return opTfjs('batch_mean', [sym(loss)], {})([loss]);
};
const bceWithLogits = mean('bce_logits');
const mseLoss = mean('mse_loss');
const softmaxCrossEntropy = mean('softmax_ce');
/** `hinge_pairs(s, pos, neg)` with the pairs the trainer picks from the labels. */
function pairHinge(_: typeof tf, s: tf.Tensor, labels: number[]): tf.Tensor {
  const { pos, neg } = hingePairs(labels);
  const [p, n] = [tf.tensor1d(pos, 'int32'), tf.tensor1d(neg, 'int32')];
  return opTfjs('hinge_pairs', [sym(s), sym(p), sym(n)], {})([s, p, n]);
}
const LOSSES: Record<LossKind, (t: typeof tf, z: tf.Tensor, y: tf.Tensor, labels: ArrayLike<number>) => tf.Tensor> = {
  bce: bceWithLogits,
  mse: mseLoss,
  softmax_ce: softmaxCrossEntropy,
  hinge: (t, z, _y, labels) => pairHinge(t, z, Array.from(labels)),
};
const taskLoss = (t: typeof tf, kind: LossKind, z: tf.Tensor, y: tf.Tensor, labels: ArrayLike<number>) => LOSSES[kind](t, z, y, labels);

describe('losses', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('BCE on logits: mean of log(1 + e^−z) for y = 1 and log(1 + e^z) for y = 0', () => {
    // log(1+e^-2) = 0.126928011, log(1+e^-1) = 0.313261688, log 2 = 0.693147181
    const l = bceWithLogits(tf, tf.tensor2d([[2], [-1], [0]]), tf.tensor1d([1, 0, 1]));
    expect(val(l)).toBeCloseTo(0.37777896, 6);
  });

  it('BCE stays finite and exact for large logits (the naive form overflows)', () => {
    // wrong-side logit of magnitude m costs m (+ log(1 + e^-m) ≈ 0); right side costs ~0
    expect(val(bceWithLogits(tf, tf.tensor1d([100, -100, 1000]), tf.tensor1d([0, 1, 0])))).toBeCloseTo((100 + 100 + 1000) / 3, 3);
    expect(val(bceWithLogits(tf, tf.tensor1d([100, -1000]), tf.tensor1d([1, 0])))).toBeCloseTo(0, 6);
  });

  it('BCE gradient is (σ(z) − y)/n', () => {
    const g = tf.grad((z: tf.Tensor) => bceWithLogits(tf, z, tf.tensor1d([1, 0])))(tf.tensor1d([0, 0]));
    // σ(0) = 0.5: (0.5 − 1)/2, (0.5 − 0)/2
    expect(Array.from(g.dataSync())).toEqual([-0.25, 0.25]);
  });

  it('MSE', () => {
    // ((1−0)² + (2−2)² + (4−1)²)/3 = 10/3
    expect(val(mseLoss(tf, tf.tensor2d([[1], [2], [4]]), tf.tensor1d([0, 2, 1])))).toBeCloseTo(10 / 3, 6);
  });

  it('softmax cross-entropy on class indices', () => {
    // row 1: −log(e³/(e+e²+e³)) = log(1 + e^-1 + e^-2) = 0.407605964; row 2 (three equal logits): log 3
    const l = softmaxCrossEntropy(tf, tf.tensor2d([[1, 2, 3], [0, 0, 0]]), tf.tensor1d([2, 0]));
    expect(val(l)).toBeCloseTo((0.4076059644 + Math.log(3)) / 2, 6);
    expect(val(softmaxCrossEntropy(tf, tf.tensor2d([[0, 0]]), tf.tensor1d([1])))).toBeCloseTo(Math.log(2), 6);
  });

  it('pair hinge (CMML Eq. 4): mean over (p, n) of max(0, 1 − (s_p − s_n)), with its gradient', () => {
    const labels = [1, 0, 1, 0];
    // pairs (0,1): 1−1.5 → 0; (0,3): 1−3 → 0; (2,1): 1−0.5 = 0.5; (2,3): 1−2 → 0; mean 0.125
    const s = tf.tensor1d([2, 0.5, 1, -1]);
    expect(val(pairHinge(tf, s, labels))).toBeCloseTo(0.125, 6);
    expect(val(taskLoss(tf, 'hinge', s, tf.tensor1d(labels), Float32Array.from(labels)))).toBeCloseTo(0.125, 6);
    // only pair (2,1) is active: d/ds2 = −1/4, d/ds1 = +1/4
    const g = tf.grad((z: tf.Tensor) => pairHinge(tf, z, labels))(s);
    expect(Array.from(g.dataSync())).toEqual([0, 0.25, -0.25, 0]);
  });

  it('pair hinge samples pairs deterministically and evenly above the cap, and is 0 without pairs', () => {
    const labels = [1, 1, 1, 0, 0, 0]; // P = N = 3: 9 pairs
    expect(hingePairs(labels)).toEqual({ pos: [0, 0, 0, 1, 1, 1, 2, 2, 2], neg: [3, 4, 5, 3, 4, 5, 3, 4, 5] });
    // cap 4: pair k = ⌊9k/4⌋ = 0, 2, 4, 6 → (p0,n0), (p0,n2), (p1,n1), (p2,n0)
    expect(hingePairs(labels, 4)).toEqual({ pos: [0, 0, 1, 2], neg: [3, 5, 4, 3] });
    expect(val(pairHinge(tf, tf.tensor1d([1, 2]), [1, 1]))).toBe(0);
  });
});

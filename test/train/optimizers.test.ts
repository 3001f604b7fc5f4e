// Optimizer steps, the learning-rate schedule and clipping against hand computation, on the
// two-parameter problem f(w) = (w1 − 3)² + 2·w2², starting at w = (1, 1): ∇f = (2(w1 − 3), 4·w2).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { FusedOptimizer } from '../../src/train/fused-optimizer.js';
import { clipByGlobalNorm } from '../../src/train/clip-norm.js';
import { learningRate, scheduleOf } from '../../src/train/schedule.js';

const f = (w: tf.Variable) => tf.add(tf.square(tf.sub(w.slice(0, 1), 3)), tf.mul(2, tf.square(w.slice(1, 1)))).sum() as tf.Scalar;
const grad = ([w1, w2]: number[]) => [2 * (w1! - 3), 4 * w2!];
let n = 0;

/** k steps of the training loop's optimizer from w = (1, 1), at lrs[i] (else the spec's lr). */
function steps(spec: OptimizerSpec, k: number, lrs?: number[]): number[] {
  const w = tf.variable(tf.tensor1d([1, 1]), true, `opt-test-${n++}`);
  const opt = new FusedOptimizer(spec);
  for (let i = 0; i < k; i++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => f(w), [w]);
      opt.apply(tf, [{ name: 'w', variable: w, grad: grads[w.name]! }], lrs?.[i] ?? spec.lr);
    });
  }
  const out = Array.from(w.dataSync());
  w.dispose();
  return out;
}

describe('optimizers', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('one Adam step moves each weight by lr·g/(|g| + ε) (bias-corrected moments)', () => {
    // g = (−4, 4); m̂ = g, v̂ = g²: w = (1 + 0.1·4/(4 + 1e-8), 1 − 0.1·4/(4 + 1e-8))
    const w = steps({ kind: 'adam', lr: 0.1 }, 1);
    // (float32 bias correction: 1 − 0.999 carries a 1e-5 relative error)
    expect(w[0]).toBeCloseTo(1.1, 5);
    expect(w[1]).toBeCloseTo(0.9, 5);
  });

  it('three Adam steps match the textbook recurrences', () => {
    const [b1, b2, eps, lr] = [0.8, 0.99, 1e-3, 0.05];
    let w = [1, 1];
    let m = [0, 0];
    let v = [0, 0];
    for (let t = 1; t <= 3; t++) {
      const g = grad(w);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! ** 2);
      w = w.map((wi, i) => wi - (lr * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + eps));
    }
    const got = steps({ kind: 'adam', lr, beta1: b1, beta2: b2, epsilon: eps }, 3);
    expect(got[0]).toBeCloseTo(w[0]!, 5);
    expect(got[1]).toBeCloseTo(w[1]!, 5);
  });

  it('one AdaGrad step: acc = 0.1 + g², w −= lr·g/√acc', () => {
    // acc = 16.1 for both; w = 1 ± 0.5·4/√16.1
    const w = steps({ kind: 'adagrad', lr: 0.5 }, 1);
    expect(w[0]).toBeCloseTo(1.4984448, 5);
    expect(w[1]).toBeCloseTo(0.5015552, 5);
  });

  it('SGD takes the learning rate of each step (warm-up reaches it)', () => {
    // step 1 at lr 0.1: w = (1.4, 0.6), g = (−3.2, 2.4); step 2 at lr 0.2: w = (2.04, 0.12)
    const w = steps({ kind: 'sgd', lr: 0.1 }, 2, [0.1, 0.2]);
    expect(w[0]).toBeCloseTo(2.04, 6);
    expect(w[1]).toBeCloseTo(0.12, 6);
  });

  it('linear warm-up, then constant or cosine decay', () => {
    expect([0, 1, 2, 3, 4, 100].map((s) => learningRate(1, s, { warmupSteps: 4 }))).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    expect(learningRate(0.01, 7, {})).toBe(0.01);
    const cos = (s: number) => learningRate(2, s, { warmupSteps: 2, decay: 'cosine', totalSteps: 10 });
    // t = (s − 2)/8: s = 2 → 2, s = 6 → 2·½(1 + cos(π/2)) = 1, s = 10 → 0, beyond → 0
    expect(cos(0)).toBe(1);
    expect(cos(2)).toBe(2);
    expect(cos(4)).toBeCloseTo(1 + Math.cos(Math.PI / 4), 12);
    expect(cos(6)).toBeCloseTo(1, 12);
    expect(cos(10)).toBeCloseTo(0, 12);
    expect(cos(50)).toBeCloseTo(0, 12);
  });

  it('a warm-up given as a fraction of the run is that share of its steps, rounded up', () => {
    // 0.05 of 30 steps is 1.5 → 2 steps; 0.05 of 20 is exactly 1; of 1 step, 1
    expect(scheduleOf({ warmupFraction: 0.05 }, 30)).toEqual({ warmupSteps: 2, decay: 'constant', totalSteps: 30 });
    expect(scheduleOf({ warmupFraction: 0.05 }, 20).warmupSteps).toBe(1);
    expect(scheduleOf({ warmupFraction: 0.05 }, 1).warmupSteps).toBe(1);
    // a step count wins, and no warm-up at all stays none
    expect(scheduleOf({ warmupSteps: 0, lrDecay: 'cosine' }, 30)).toEqual({ warmupSteps: 0, decay: 'cosine', totalSteps: 30 });
    expect(scheduleOf({}, 30).warmupSteps).toBeUndefined();
    expect([0, 1, 2].map((s) => learningRate(1, s, scheduleOf({ warmupFraction: 0.05 }, 30)))).toEqual([0.5, 1, 1]);
  });

  it('clips the global norm over all gradients together', () => {
    // ‖(3, 4, 12)‖ = 13; max 6.5 halves every gradient
    const r = clipByGlobalNorm(tf, { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) }, 6.5);
    expect(r.norm).toBeCloseTo(13, 5);
    expect(Array.from(r.grads.a!.dataSync())).toEqual([1.5, 2]);
    expect(Array.from(r.grads.b!.dataSync())).toEqual([6]);
    const same = { a: tf.tensor1d([3, 4]) };
    const u = clipByGlobalNorm(tf, same, 20);
    expect(u.norm).toBeCloseTo(5, 5);
    expect(u.grads.a).toBe(same.a);
  });
});

// The fused optimizer (src/train/fused-optimizer.ts) against independent references: tfjs's own
// tf.train.adam / adagrad / sgd for dense steps (to 1e-6), and, for sparse (lazy) steps on an
// embedding table, tfjs's dense optimizers where sparse and dense agree (SGD, AdaGrad, Adam when
// every row is touched) and a plain double-precision loop of lazy Adam where they do not.
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { FusedOptimizer } from '../../src/train/fused-optimizer.js';

const rng = seedrandom('fused');
const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * s);
const SHAPES: Record<string, number[]> = { kernel: [7, 3], bias: [4] };
const STEPS = 5;
const LRS = [0.1, 0.05, 0.2, 0.01, 0.1];
const init = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, rand(s.reduce((a, d) => a * d, 1))]));
const grads = Array.from({ length: STEPS }, () => Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, rand(s.reduce((a, d) => a * d, 1), 3)])));
let n = 0;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** tfjs's optimizer with the same hyper-parameters, fed the same gradients and learning rates. */
function stockRun(spec: OptimizerSpec): Record<string, Float32Array> {
  const vars = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, tf.variable(tf.tensor(init[k]!, s), true, `stock-${n++}-${k}`)]));
  const make = (lr: number): tf.Optimizer =>
    spec.kind === 'adam' ? tf.train.adam(lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-8) : spec.kind === 'adagrad' ? tf.train.adagrad(lr, spec.initialAccumulator ?? 0.1) : tf.train.sgd(lr);
  const opt = make(LRS[0]!);
  for (let s = 0; s < STEPS; s++) {
    // Adam and AdaGrad read `learningRate` at each step; SGD caches it behind its setter
    const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
    if (o.setLearningRate) o.setLearningRate(LRS[s]!);
    else o.learningRate = LRS[s]!;
    opt.applyGradients(Object.fromEntries(Object.entries(SHAPES).map(([k, sh]) => [vars[k]!.name, tf.tensor(grads[s]![k]!, sh)])));
  }
  const out = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.dataSync() as Float32Array]));
  Object.values(vars).forEach((v) => v.dispose());
  opt.dispose();
  return out;
}

function fusedRun(spec: OptimizerSpec, split?: number): Record<string, Float32Array> {
  const vars = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, tf.variable(tf.tensor(init[k]!, s), true, `fused-${n++}-${k}`)]));
  let opt = new FusedOptimizer(spec);
  for (let s = 0; s < STEPS; s++) {
    if (s === split) {
      // checkpoint and resume into a new optimizer
      const shapes = SHAPES;
      const saved = opt.slots(shapes);
      opt = new FusedOptimizer(spec);
      expect(opt.load(saved, s, { kernel: 21, bias: 4 })).toEqual([]);
    }
    tf.tidy(() => opt.apply(tf, Object.entries(SHAPES).map(([k, sh]) => ({ name: k, variable: vars[k]!, grad: tf.tensor(grads[s]![k]!, sh) })), LRS[s]!));
  }
  const out = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.dataSync() as Float32Array]));
  Object.values(vars).forEach((v) => v.dispose());
  return out;
}

const SPECS: OptimizerSpec[] = [
  { kind: 'adam', lr: 0 },
  { kind: 'adam', lr: 0, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 },
  { kind: 'adagrad', lr: 0 },
  { kind: 'adagrad', lr: 0, initialAccumulator: 0.5 },
  { kind: 'sgd', lr: 0 },
];

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`fused optimizer on ${backend}`, () => {
    for (const spec of SPECS) {
      it(`${JSON.stringify(spec)}: ${STEPS} dense steps equal tfjs's optimizer to 1e-6, also when saved and restored midway`, async () => {
        await initBackend(backend);
        const stock = stockRun(spec);
        const fused = fusedRun(spec);
        const resumed = fusedRun(spec, 2);
        for (const k of Object.keys(SHAPES)) {
          expect(maxDiff(fused[k]!, stock[k]!)).toBeLessThanOrEqual(1e-6);
          expect(Array.from(resumed[k]!)).toEqual(Array.from(fused[k]!));
        }
        // the steps moved the weights (a test that compares two unchanged copies would pass too)
        expect(maxDiff(fused.kernel!, init.kernel!)).toBeGreaterThan(1e-3);
      });
    }

    // A table of V rows looked up by a few ids per step: the gradient of Σ c ⊙ gather(table, ids)
    // is zero outside the looked-up rows.
    const V = 9;
    const D = 3;
    const table0 = rand(V * D);
    const batches = [[1, 4, 4, 7], [2, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8], [8, 8, 1]];
    const coef = batches.map((ids) => rand(ids.length * D, 2));

    /** Sparse steps through FusedOptimizer with the distinct ids as rows, on the real gradient. */
    function sparseRun(spec: OptimizerSpec, lr: number): Float32Array {
      const table = tf.variable(tf.tensor2d(table0, [V, D]), true, `table-${n++}`);
      const opt = new FusedOptimizer(spec);
      batches.forEach((ids, s) => {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, tf.tensor1d(ids, 'int32')), tf.tensor2d(coef[s]!, [ids.length, D]))) as tf.Scalar, [table]);
          const rows = Int32Array.from(new Set(ids)).sort();
          opt.apply(tf, [{ name: 'table', variable: table, grad: grads[table.name]!, rows }], lr);
        });
      });
      const out = table.dataSync() as Float32Array;
      table.dispose();
      return out;
    }

    function denseStockRun(opt: tf.Optimizer, only?: number): Float32Array {
      const table = tf.variable(tf.tensor2d(table0, [V, D]), true, `dense-${n++}`);
      batches.forEach((ids, s) => {
        if (only !== undefined && s !== only) return;
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, tf.tensor1d(ids, 'int32')), tf.tensor2d(coef[s]!, [ids.length, D]))) as tf.Scalar, [table]);
          opt.applyGradients(grads);
        });
      });
      const out = table.dataSync() as Float32Array;
      table.dispose();
      opt.dispose();
      return out;
    }

    it('sparse SGD and AdaGrad steps equal the dense ones (a zero gradient changes neither)', async () => {
      await initBackend(backend);
      expect(maxDiff(sparseRun({ kind: 'sgd', lr: 0.3 }, 0.3), denseStockRun(tf.train.sgd(0.3)))).toBeLessThanOrEqual(1e-6);
      expect(maxDiff(sparseRun({ kind: 'adagrad', lr: 0.3 }, 0.3), denseStockRun(tf.train.adagrad(0.3, 0.1)))).toBeLessThanOrEqual(1e-6);
    });

    it('a sparse Adam step that touches every row is a dense Adam step', async () => {
      await initBackend(backend);
      // batch 2 names all rows; run it alone as the first step of both
      const table = tf.variable(tf.tensor2d(table0, [V, D]), true, `all-${n++}`);
      const opt = new FusedOptimizer({ kind: 'adam', lr: 0.1 });
      tf.tidy(() => {
        const ids = batches[2]!;
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, tf.tensor1d(ids, 'int32')), tf.tensor2d(coef[2]!, [ids.length, D]))) as tf.Scalar, [table]);
        opt.apply(tf, [{ name: 'table', variable: table, grad: grads[table.name]!, rows: Int32Array.from(ids) }], 0.1);
      });
      const got = table.dataSync() as Float32Array;
      table.dispose();
      expect(maxDiff(got, denseStockRun(tf.train.adam(0.1, 0.9, 0.999, 1e-8), 2))).toBeLessThanOrEqual(1e-6);
    });

    it('sparse Adam is lazy Adam: touched rows follow Adam with the global step count, the others and their moments stay', async () => {
      await initBackend(backend);
      const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.05];
      // reference: plain double-precision loops over the touched rows only; β^t as the float32
      // product tfjs keeps (1 − β^t in float32 moves a step by ~1e-5 relative)
      const w = Array.from(table0, Number);
      const m = new Array(V * D).fill(0);
      const v = new Array(V * D).fill(0);
      const f = Math.fround;
      let [p1, p2] = [1, 1];
      batches.forEach((ids, s) => {
        p1 = f(p1 * f(b1));
        p2 = f(p2 * f(b2));
        const g = new Array(V * D).fill(0);
        ids.forEach((r, p) => {
          for (let j = 0; j < D; j++) g[r * D + j] += coef[s]![p * D + j]!;
        });
        for (const r of new Set(ids)) {
          for (let j = 0; j < D; j++) {
            const i = r * D + j;
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            w[i] -= (lr * (m[i] / (1 - p1))) / (Math.sqrt(v[i] / (1 - p2)) + eps);
          }
        }
      });
      const got = sparseRun({ kind: 'adam', lr }, lr);
      expect(maxDiff(got, w)).toBeLessThanOrEqual(1e-6);
      // and it is not dense Adam: rows untouched in later steps kept moving there
      const dense = denseStockRun(tf.train.adam(lr, b1, b2, eps));
      expect(maxDiff(got, dense)).toBeGreaterThan(1e-3);
    });
  });
}

describe('fused optimizer state', () => {
  it('refuses slots of another kind or size, and reports them', () => {
    const opt = new FusedOptimizer({ kind: 'adam', lr: 0.1 });
    const t = (k: number) => ({ shape: [k], data: new Float32Array(k) });
    const problems = opt.load({ 'a/m': t(3), 'a/v': t(3), 'a/accumulator': t(3), 'b/m': t(2), 'c/m': t(4) }, 5, { a: 3, b: 3 });
    expect(problems).toEqual([
      "optimizer slot a/accumulator is not one of adam's (m, v)",
      'optimizer slot b/m has 2 values, the parameter has 3',
      'optimizer slot c/m has 4 values, the parameter does not exist',
    ]);
    expect(opt.step).toBe(5);
    expect(Object.keys(opt.slots({ a: [3] }))).toEqual(['a/m', 'a/v']);
  });
});

// Ops against values computed by hand (or by a plain loop straight from the equation), in
// TensorFlow.js on both backends and in onnxruntime.
import { describe, expect, it } from 'vitest';
import type { Attrs } from '../../src/ir/types.js';
import { OPS } from '../../src/ops/registry.js';
import { checkHandCases, type HandCase } from './hand-cases.js';
import { batched, weight } from './run-op.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A GRU by plain loops, PyTorch's equations (gates r, z, n; linear_before_reset). */
function gruByLoop(x: number[][][], mask: number[][], W: number[], U: number[], bw: number[], bu: number[], d: number, h: number): number[][] {
  return x.map((seq, b) => {
    let state = new Array<number>(h).fill(0);
    seq.forEach((xt, t) => {
      if (mask[b]![t] === 0) return;
      const gx = (g: number, j: number) => bw[g * h + j]! + xt.reduce((s, v, k) => s + v * W[k * 3 * h + g * h + j]!, 0);
      const gh = (g: number, j: number) => bu[g * h + j]! + state.reduce((s, v, k) => s + v * U[k * 3 * h + g * h + j]!, 0);
      state = state.map((hj, j) => {
        const r = sigmoid(gx(0, j) + gh(0, j));
        const z = sigmoid(gx(1, j) + gh(1, j));
        const n = Math.tanh(gx(2, j) + r * gh(2, j));
        return (1 - z) * n + z * hj;
      });
    });
    void d;
    return state;
  });
}

// GRU weights: D = 2, H = 1, so each gate is one column: W [2, 3] = [[r, z, n], [r, z, n]].
const W = [0.5, -0.3, 0.8, 0.2, 0.4, -0.6];
const U = [0.7, -0.2, 0.9];
const BW = [0.1, 0.0, -0.1];
const BU = [0.05, 0.2, 0.3];
const gruX = [
  [[1, 2], [0.5, -1], [9, 9]],
  [[-1, 0.5], [7, 7], [7, 7]],
];
const gruM = [
  [1, 1, 0],
  [1, 0, 0],
];
// One step by hand for row 1 (x = [-1, 0.5], h0 = 0):
//   r = σ(0.5·-1 + 0.2·0.5 + 0.1 + 0.05) = σ(-0.25); z = σ(-0.3·-1 + 0.4·0.5 + 0 + 0.2) = σ(0.7)
//   n = tanh(0.8·-1 + -0.6·0.5 - 0.1 + r·0.3); h1 = (1 - z)·n
const r1 = sigmoid(-0.25);
const z1 = sigmoid(0.7);
const h1 = (1 - z1) * Math.tanh(-1.2 + r1 * 0.3);

const LN = [1, 2, 3, 4];
const lnMean = 2.5;
const lnVar = 1.25; // ((1.5² + 0.5²) · 2) / 4
const lnNorm = LN.map((v) => (v - lnMean) / Math.sqrt(lnVar + 1e-5));

const cases: HandCase[] = [
  {
    name: 'pool mean with a mask (an empty row gives 0)',
    op: 'pool',
    ins: [batched([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60], [2, 3, 2]), batched([1, 1, 0, 0, 0, 0], [2, 3])],
    attrs: { mode: 'mean' },
    expected: [2, 3, 0, 0], // (1+3)/2, (2+4)/2; Σ mask = 0 → divide by 1
  },
  {
    name: 'pool sum with a mask',
    op: 'pool',
    ins: [batched([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60], [2, 3, 2]), batched([1, 0, 1, 0, 1, 1], [2, 3])],
    attrs: { mode: 'sum' },
    expected: [6, 8, 80, 100],
  },
  {
    name: 'pool max over valid positions only (negative values, an empty row)',
    op: 'pool',
    ins: [batched([-5, -1, -2, -7, 100, 100, -3, 4, 1, 1, 1, 1], [2, 3, 2]), batched([1, 1, 0, 0, 0, 0], [2, 3])],
    attrs: { mode: 'max' },
    expected: [-2, -1, 0, 0],
  },
  {
    name: 'gru: one valid step by hand, padding keeps the state',
    op: 'gru',
    ins: [batched(gruX.flat(2), [2, 3, 2]), batched(gruM.flat(), [2, 3]), weight(W, [2, 3]), weight(U, [1, 3]), weight(BW, [3]), weight(BU, [3])],
    attrs: { length: 3 },
    expected: gruByLoop(gruX, gruM, W, U, BW, BU, 2, 1).flat(),
  },
  {
    name: 'layer_norm over the last axis',
    op: 'layer_norm',
    ins: [batched(LN, [1, 4]), weight([1, 2, 1, 1], [4]), weight([0, 0, 1, 0], [4])],
    attrs: { epsilon: 1e-5 },
    expected: [lnNorm[0]!, 2 * lnNorm[1]!, lnNorm[2]! + 1, lnNorm[3]!],
  },
  {
    name: 'softmax of [1, 2, 3]',
    op: 'softmax',
    ins: [batched([1, 2, 3], [1, 3])],
    attrs: { axis: -1 },
    expected: [0.09003057317038046, 0.24472847105479764, 0.6652409557748219],
  },
  {
    name: 'softmax along axis 1 of [[0, 1], [ln 3, 1]]',
    op: 'softmax',
    ins: [batched([0, 1, Math.log(3), 1], [1, 2, 2])],
    attrs: { axis: 1 },
    expected: [0.25, 0.5, 0.75, 0.5],
  },
  {
    name: 'mask: 1 where the id is not padding',
    op: 'mask',
    ins: [batched([0, 3, 0, 7, 1, 0], [2, 3], 'int32')],
    attrs: {},
    expected: [0, 1, 0, 1, 1, 0],
  },
  {
    name: 'gather: embedding rows by id',
    op: 'gather',
    ins: [weight([0, 0, 1, 10, 2, 20, 3, 30], [4, 2]), batched([2, 0, 3, 1], [2, 2], 'int32')],
    attrs: {},
    expected: [2, 20, 0, 0, 3, 30, 1, 10],
  },
  {
    name: 'matmul: attention scores [batch, H, 1, d] @ [batch, H, d, L]',
    op: 'matmul',
    ins: [batched([1, 2, 3, 4], [1, 2, 1, 2]), batched([1, 0, 1, 0, 1, 1, 2, 0, 0, 1, 1, 1], [1, 2, 2, 3])],
    attrs: {},
    // head 0: [1, 2] @ [[1, 0, 1], [0, 1, 1]] = [1, 2, 3]; head 1: [3, 4] @ [[2, 0, 0], [1, 1, 1]] = [10, 4, 4]
    expected: [1, 2, 3, 10, 4, 4],
  },
  {
    name: 'matmul: a sequence times a weight [batch, L, K] @ [K, N]',
    op: 'matmul',
    ins: [batched([1, 2, 3, 4], [1, 2, 2]), weight([1, 0, 2, 0, 1, -1], [2, 3])],
    attrs: {},
    expected: [1, 2, 0, 3, 4, 2],
  },
  {
    name: 'reduce mean along axis 1',
    op: 'reduce',
    ins: [batched([1, 2, 3, 4, 8, 9], [1, 3, 2])],
    attrs: { mode: 'mean', axis: 1, keepdims: false },
    expected: [4, 5], // (1 + 3 + 8) / 3, (2 + 4 + 9) / 3
  },
];

describe('ops against hand-computed values', () => {
  it('the GRU reference agrees with the one-step hand computation', () => {
    expect(gruByLoop(gruX, gruM, W, U, BW, BU, 2, 1)[1]![0]).toBeCloseTo(h1, 12);
  });

  checkHandCases(cases);
});

describe('shape rules never throw and explain misuse with shapes', () => {
  const f = (...shape: Array<number | 'batch'>) => ({ shape, dtype: 'float32' as const });
  const ids = (...shape: Array<number | 'batch'>) => ({ shape, dtype: 'int32' as const });
  const garbage: Array<{ ins: Parameters<(typeof OPS)[string]['infer']>[0]; attrs: Attrs }> = [
    { ins: [], attrs: {} },
    { ins: [f('batch', 3)], attrs: {} },
    { ins: [ids('batch', 3), ids('batch', 3)], attrs: { axis: 'x', mode: 'median' } },
    { ins: [f('batch', 30, 16), f('batch', 8), f(2), f(3), f(4), f(5)], attrs: { axis: 7, perm: [1, 0], shape: [2, 2], start: 3, end: 1, value: [1], length: 9, epsilon: -1 } },
    { ins: [f()], attrs: { axis: 1.5, shape: 'no', perm: 'no', value: 'no' } },
  ];

  it('every op returns a shape or an error on garbage', () => {
    for (const op of Object.values(OPS)) {
      for (const g of garbage) {
        let r: ReturnType<typeof op.infer> | undefined;
        expect(() => (r = op.infer(g.ins, g.attrs)), `${op.name} on ${JSON.stringify(g)}`).not.toThrow();
        expect(r && ('error' in r ? typeof r.error === 'string' : Array.isArray(r.shape))).toBe(true);
      }
    }
  });

  it('messages show the shapes involved', () => {
    const err = (op: string, ins: Parameters<(typeof OPS)[string]['infer']>[0], attrs: Attrs = {}) => {
      const r = OPS[op]!.infer(ins, attrs);
      return 'error' in r ? r.error : '(no error)';
    };
    expect(err('add', [f('batch', 30, 16), f('batch', 8)])).toContain('[batch, 30, 16] and [batch, 8]');
    expect(err('concat', [f('batch', 2, 3), f('batch', 4, 5)], { axis: 1 })).toContain('[batch, 2, 3], [batch, 4, 5]');
    expect(err('matmul', [f('batch', 30, 16), f(8, 4)])).toContain('[batch, 30, 16]');
    expect(err('pool', [f('batch', 5, 3), f('batch', 4)], { mode: 'sum' })).toContain('[batch, 4]');
    expect(err('gather', [f(10, 4), f('batch', 3)])).toContain('float32 [batch, 3]');
    expect(err('reshape', [f('batch', 12)], { shape: [-1, 5] })).toContain('[batch, 12]');
  });

  it('broadcasting: batch matches only batch or 1', () => {
    const r = OPS.add!.infer([f('batch', 4, 6), f(1, 6)], {});
    expect(r).toEqual({ shape: ['batch', 4, 6], dtype: 'float32' });
    expect('error' in OPS.add!.infer([f('batch', 6), f(3, 6)], {})).toBe(true);
  });
});

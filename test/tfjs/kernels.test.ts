// The project's kernels and gradient replacements give the stock cpu kernels' values (≤ 1e-5) on
// random inputs. References are computed first, with the stock kernels and stock gradients only
// (the umbrella package registers those); then the project's versions are installed and rerun on
// wasm and on cpu. Each test file runs in its own process, so the stock registry is pristine here.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { segmentSum } from '../../src/lower/tfjs/kernels/unsorted-segment-sum.js';

const rng = seedrandom('kernels');
const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
const ints = (n: number, hi: number) => Int32Array.from({ length: n }, () => Math.floor(rng() * hi));

// Inputs (kept as plain arrays so they can be rebuilt on each backend)
const VOCAB = 300;
const N = 700;
const D = 8;
const rows = rand(N * D);
const ids = ints(N, VOCAB);
ids[1] = ids[0]!; // repeated ids must accumulate
const badIds = ids.slice();
badIds[5] = -1; // out-of-range ids contribute nothing
badIds[9] = VOCAB + 3;
const table = rand(VOCAB * D);
const gatherIds = ints(N, VOCAB);
const weights = rand(N * D);
const intRows = ints(N * D, 50);
const A = rand(6 * 5);
const B = rand(5 * 4);
const W = rand(6 * 4);
const batchA = rand(3 * 6 * 5);
const batchB = rand(3 * 5 * 4);
const batchW = rand(3 * 6 * 4);

type Results = Record<string, Float32Array | Int32Array>;

function compute(): Results {
  const out: Results = {};
  tf.tidy(() => {
    const x = tf.tensor2d(rows, [N, D]);
    const seg = tf.tensor1d(ids, 'int32');
    out.segsum = tf.unsortedSegmentSum(x, seg, VOCAB).dataSync() as Float32Array;
    out.segsumOutOfRange = tf.unsortedSegmentSum(x, tf.tensor1d(badIds, 'int32'), VOCAB).dataSync() as Float32Array;
    out.segsum3d = tf.unsortedSegmentSum(tf.reshape(x, [N, 2, D / 2]), seg, VOCAB).dataSync() as Float32Array;
    out.segsumInt = tf.unsortedSegmentSum(tf.tensor2d(intRows, [N, D], 'int32'), seg, VOCAB).dataSync() as Int32Array;
    const t = tf.tensor2d(table, [VOCAB, D]);
    const gi = tf.tensor1d(gatherIds, 'int32');
    out.gather = tf.gather(t, gi).dataSync() as Float32Array;
    out.gather2d = tf.gather(t, tf.reshape(gi, [N / 7, 7])).dataSync() as Float32Array;
    out.gather1d = tf.gather(tf.tensor1d(table), gi).dataSync() as Float32Array;
    const w = tf.tensor2d(weights, [N, D]);
    out.embeddingGrad = tf.grad((tt: tf.Tensor) => tf.sum(tf.mul(tf.gather(tt, gi), w)))(t).dataSync() as Float32Array;
    const a = tf.tensor2d(A, [6, 5]);
    const b = tf.tensor2d(B, [5, 4]);
    const ww = tf.tensor2d(W, [6, 4]);
    const combos: Array<[string, tf.Tensor, tf.Tensor, boolean, boolean]> = [
      ['nn', a, b, false, false],
      ['tn', tf.transpose(a), b, true, false],
      ['nt', a, tf.transpose(b), false, true],
      ['tt', tf.transpose(a), tf.transpose(b), true, true],
    ];
    for (const [name, p, q, ta, tb] of combos) {
      const [ga, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(u, v, ta, tb), ww)))([p, q]);
      out[`matmul-${name}-a`] = ga!.dataSync() as Float32Array;
      out[`matmul-${name}-b`] = gb!.dataSync() as Float32Array;
    }
    const ba = tf.tensor3d(batchA, [3, 6, 5]);
    const bb = tf.tensor3d(batchB, [3, 5, 4]);
    const bw = tf.tensor3d(batchW, [3, 6, 4]);
    const [gba, gbb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(u, v), bw)))([ba, bb]);
    out['batch-matmul-a'] = gba!.dataSync() as Float32Array;
    out['batch-matmul-b'] = gbb!.dataSync() as Float32Array;
  });
  return out;
}

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

let stock: Results;
let stockCpuKernel: unknown;
let wasm: Results;
let cpu: Results;

beforeAll(async () => {
  // Stock gradients, stock cpu kernels: the reference.
  createRequire(import.meta.url)('@tensorflow/tfjs');
  // production mode, as initBackend() sets it: no advice to install tfjs-node printed into the test run
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  stock = compute();
  stockCpuKernel = tf.getKernel('UnsortedSegmentSum', 'cpu')!.kernelFunc;
  await initBackend('wasm');
  wasm = compute();
  await initBackend('cpu');
  cpu = compute();
});

describe('project kernels against stock cpu', () => {
  it('the kernels are the project\'s ones', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')!.kernelFunc).not.toBe(stockCpuKernel);
  });

  for (const key of ['segsum', 'segsumOutOfRange', 'segsum3d', 'segsumInt', 'gather', 'gather2d', 'gather1d', 'embeddingGrad', 'matmul-nn-a', 'matmul-nn-b', 'matmul-tn-a', 'matmul-tn-b', 'matmul-nt-a', 'matmul-nt-b', 'matmul-tt-a', 'matmul-tt-b', 'batch-matmul-a', 'batch-matmul-b']) {
    it(`${key}: wasm and cpu match stock cpu within 1e-5`, () => {
      expect(maxDiff(wasm[key]!, stock[key]!)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(cpu[key]!, stock[key]!)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('integer segment sums are exact', () => {
    expect(Array.from(wasm.segsumInt!)).toEqual(Array.from(stock.segsumInt!));
    expect(Array.from(cpu.segsumInt!)).toEqual(Array.from(stock.segsumInt!));
  });

  it('segmentSum by hand: repeated ids add up, out-of-range ids are dropped', () => {
    const x = [1, 2, 10, 20, 100, 200, 5, 5];
    expect(Array.from(segmentSum(x, [2, 0, 2, 7], 2, 3))).toEqual([10, 20, 0, 0, 101, 202]);
  });
});

// The kernels that speed up a training step on wasm (zero-copy Identity, row sums through the
// matmul, the embedding and sum gradients without transposes or ones, zeros for out-of-range
// lookups) give the
// stock kernels' values. The reference is computed first on the stock cpu backend with the stock
// gradients only (this file runs in its own process, so the registry is pristine), then again on
// wasm with the project's kernels.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';

const rng = seedrandom('step-kernels');
const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
const X = rand(37 * 11);
const X3 = rand(5 * 6 * 7);
const A = rand(4 * 37);
const TABLE = rand(20 * 3);
const IDS = Int32Array.from({ length: 24 }, () => Math.floor(rng() * 20));
const W = rand(24 * 3);
const W2 = rand(20 * 24);

type Results = Record<string, Float32Array>;

function compute(): Results {
  const out: Results = {};
  const read = (k: string, t: tf.Tensor) => (out[k] = Float32Array.from(t.dataSync()));
  tf.tidy(() => {
    const x = tf.tensor2d(X, [37, 11]);
    read('sum0', tf.sum(x, 0));
    read('sumNeg', tf.sum(x, -2));
    read('sumKeep', tf.sum(x, [0], true));
    read('sum1', tf.sum(x, 1));
    read('sumAll', tf.sum(x));
    const x3 = tf.tensor3d(X3, [5, 6, 7]);
    read('sum3d0', tf.sum(x3, 0));
    read('sum3d1', tf.sum(x3, 1));
    read('sum3d01', tf.sum(x3, [0, 1]));
    // the summed tensor then used as a matmul's right operand (the backend caches its packing)
    const fresh = tf.add(x, 1);
    read('sumThenMatmul', tf.concat([tf.sum(fresh, 0), tf.reshape(tf.matMul(tf.tensor2d(A, [4, 37]), fresh), [-1])]));
    const table = tf.tensor2d(TABLE, [20, 3]);
    const ids = tf.tensor1d(IDS, 'int32');
    read('gatherGrad1d', tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), tf.tensor2d(W, [24, 3]))))(table));
    read('gatherGrad2d', tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.reshape(ids, [4, 6])), tf.tensor3d(W, [4, 6, 3]))))(table));
    read('gatherGradNegAxis', tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids, -2), tf.tensor2d(W, [24, 3]))))(table));
    read('gatherGradAxis1', tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(tf.transpose(t), ids, 1), tf.tensor2d(W2.subarray(0, 3 * 24), [3, 24]))))(table));
    read('clone', tf.clone(x));
    const w3 = tf.tensor3d(X3.map((v) => v * 3), [5, 6, 7]);
    const sumGrad = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), tf.sin(f(w3)))))(x3);
    read('sumGradAxis1', sumGrad((t) => tf.sum(t, 1)));
    read('sumGradKeep', sumGrad((t) => tf.sum(t, [0, 2], true)));
    read('sumGradAll', tf.grad((t: tf.Tensor) => tf.mul(tf.sum(t), 3))(x3));
    // second order through the sum's gradient: d/dt Σ (d/dt Σ_axis1(t)²)·w
    read('sumGrad2nd', tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.sum(u, 1))))(t), w3)))(x3));
  });
  return out;
}

let stock: Results;
let wasm: Results;

beforeAll(async () => {
  createRequire(import.meta.url)('@tensorflow/tfjs');
  // production mode, as initBackend() sets it: no advice to install tfjs-node printed into the test run
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  stock = compute();
  await initBackend('wasm');
  wasm = compute();
});

describe('training-step kernels on wasm against stock cpu', () => {
  for (const key of ['sum0', 'sumNeg', 'sumKeep', 'sum1', 'sumAll', 'sum3d0', 'sum3d1', 'sum3d01', 'sumThenMatmul', 'gatherGrad1d', 'gatherGrad2d', 'gatherGradNegAxis', 'gatherGradAxis1', 'clone', 'sumGradAxis1', 'sumGradKeep', 'sumGradAll', 'sumGrad2nd']) {
    it(`${key} within 1e-5 (relative to values above 1: sums in another order)`, () => {
      expect(wasm[key]!.length).toBe(stock[key]!.length);
      let m = 0;
      wasm[key]!.forEach((v, i) => (m = Math.max(m, Math.abs(v - stock[key]![i]!) / Math.max(1, Math.abs(stock[key]![i]!)))));
      expect(m).toBeLessThanOrEqual(1e-5);
    });
  }

  it('a row sum keeps the shapes of the stock kernel', async () => {
    await initBackend('wasm');
    const x = tf.zeros([6, 4]);
    expect(tf.sum(x, 0).shape).toEqual([4]);
    expect(tf.sum(x, 0, true).shape).toEqual([1, 4]);
    tf.dispose(x);
  });

  it('a clone shares the buffer and outlives its source', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    // one buffer (the stock wasm Identity copied it)
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a lookup of an out-of-range id gives zeros, whatever the reused memory held', async () => {
    await initBackend('wasm');
    // leave non-zero bytes where the next allocation of the same size is likely to land
    tf.fill([3, 3], 7).dispose();
    const out = tf.tidy(() => tf.gather(tf.tensor2d(TABLE, [20, 3]), tf.tensor1d([-1, 25, 2], 'int32')));
    expect(Array.from(out.dataSync())).toEqual([0, 0, 0, 0, 0, 0, ...Array.from(TABLE.subarray(6, 9))]);
    out.dispose();
  });
});

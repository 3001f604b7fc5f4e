// The kernels the project supplies (src/lower/tfjs/kernels/) against independent values: the
// cpu backend's stock Gather, and plain loops for the embedding gradient and the matmul gradient.
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';

const rng = seedrandom('kernels');
const V = 50;
const D = 4;
const table = Array.from({ length: V * D }, () => rng() * 2 - 1);
const ids = Array.from({ length: 6 * 5 }, () => Math.floor(rng() * V));
const A = Array.from({ length: 3 * 4 }, () => rng() - 0.5);
const B = Array.from({ length: 4 * 2 }, () => rng() - 0.5);
const C = Array.from({ length: 3 * 2 }, () => rng() - 0.5);

async function run(backend: 'cpu' | 'wasm') {
  await initBackend(backend);
  return tf.tidy(() => {
    const t = tf.tensor2d(table, [V, D]);
    const i = tf.tensor2d(ids, [6, 5], 'int32');
    const gathered = Array.from(tf.gather(t, i).dataSync());
    // d/dtable of Σ w ⊙ gather(table, ids), w = 1..n: each row collects the weights of its ids
    const w = tf.tensor3d(Array.from({ length: 6 * 5 * D }, (_, k) => (k % 7) + 1), [6, 5, D]);
    const gt = Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, i), w)))(t).dataSync());
    const [ga, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), tf.tensor2d(C, [3, 2]))))([tf.tensor2d(A, [3, 4]), tf.tensor2d(B, [4, 2])]);
    return { gathered, gt, ga: Array.from(ga!.dataSync()), gb: Array.from(gb!.dataSync()) };
  });
}

describe('project kernels', () => {
  it('give the values of plain loops and of the cpu backend, on wasm and cpu', async () => {
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    // embedding gradient by hand: row r gets Σ over positions with id r of the weights there
    const expectGt = new Array(V * D).fill(0);
    ids.forEach((r, p) => {
      for (let d = 0; d < D; d++) expectGt[r * D + d] += ((p * D + d) % 7) + 1;
    });
    // matmul gradient by hand: dA = C Bᵀ, dB = Aᵀ C
    const dA = Array.from({ length: 12 }, (_, k) => {
      const [r, c] = [Math.floor(k / 4), k % 4];
      return C[r * 2]! * B[c * 2]! + C[r * 2 + 1]! * B[c * 2 + 1]!;
    });
    const dB = Array.from({ length: 8 }, (_, k) => {
      const [r, c] = [Math.floor(k / 2), k % 2];
      return A[r]! * C[c]! + A[4 + r]! * C[2 + c]! + A[8 + r]! * C[4 + c]!;
    });
    for (const got of [cpu, wasm]) {
      got.gathered.forEach((v, k) => expect(v).toBeCloseTo(table[ids[Math.floor(k / D)]! * D + (k % D)]!, 6));
      got.gt.forEach((v, k) => expect(v).toBeCloseTo(expectGt[k]!, 5));
      got.ga.forEach((v, k) => expect(v).toBeCloseTo(dA[k]!, 6));
      got.gb.forEach((v, k) => expect(v).toBeCloseTo(dB[k]!, 6));
    }
    wasm.gathered.forEach((v, k) => expect(v).toBe(cpu.gathered[k]));
  });
});

// The in-place Slice, Unpack and SplitV kernels of the wasm backend (src/lower/tfjs/kernels/slice.ts)
// against the cpu backend's stock kernels, on shapes and ranges that exercise every path: whole
// trailing axes folded into one block, short and long blocks, negative axes, int32.
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';


const CASES = {
  slices: [
    { shape: [4, 7], begin: [1, 2], size: [2, 4] },
    { shape: [3, 5, 6], begin: [0, 1, 0], size: [3, 3, 6] }, // last axis whole: folds
    { shape: [3, 5, 6], begin: [1, 0, 0], size: [2, 5, 6] }, // contiguous
    { shape: [2, 3, 4, 70], begin: [1, 1, 2, 3], size: [1, 2, 2, 66] }, // long blocks
    { shape: [2, 3, 4, 5, 2], begin: [0, 1, 1, 0, 1], size: [2, 2, 3, 5, 1] }, // rank 5
  ],
  unstack: [
    { shape: [4, 6, 3], axis: 1 },
    { shape: [4, 6, 80], axis: 1 },
    { shape: [5, 2], axis: 0 },
    { shape: [3, 4, 2], axis: -1 },
  ],
  splits: [
    { shape: [4, 9], sizes: 3, axis: 1 },
    { shape: [3, 4, 96], sizes: [32, 64], axis: 2 },
    { shape: [6, 2, 3], sizes: [1, 2, 3], axis: 0 },
  ],
};

async function run(backend: 'cpu' | 'wasm', dtype: 'float32' | 'int32') {
  await initBackend(backend);
  const r = seedrandom('fixed');
  const data = (n: number) => Array.from({ length: n }, () => (dtype === 'int32' ? Math.floor(r() * 100) : Math.round((r() * 2 - 1) * 1000) / 100));
  return tf.tidy(() => ({
    slices: CASES.slices.map((c) => Array.from(tf.slice(tf.tensor(data(c.shape.reduce((a, b) => a * b)), c.shape, dtype), c.begin, c.size).dataSync())),
    unstack: CASES.unstack.map((c) => tf.unstack(tf.tensor(data(c.shape.reduce((a, b) => a * b)), c.shape, dtype), c.axis).map((t) => [t.shape, Array.from(t.dataSync())])),
    splits: CASES.splits.map((c) => tf.split(tf.tensor(data(c.shape.reduce((a, b) => a * b)), c.shape, dtype), c.sizes, c.axis).map((t) => [t.shape, Array.from(t.dataSync())])),
  }));
}

describe('wasm Slice, Unpack and SplitV read their input in place', () => {
  for (const dtype of ['float32', 'int32'] as const) {
    it(`equal the cpu backend's (${dtype})`, async () => {
      const cpu = await run('cpu', dtype);
      const wasm = await run('wasm', dtype);
      expect(wasm).toEqual(cpu);
    });
  }

  it('never copy their input out of the wasm heap (the stock kernels read all of it per output)', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown };
    const stock = backend.readSync.bind(backend);
    let reads = 0;
    backend.readSync = (...a: unknown[]) => {
      reads++;
      return stock(...a);
    };
    try {
      tf.tidy(() => {
        const x = tf.ones([8, 32, 12]);
        tf.unstack(x, 1);
        tf.split(x, 3, 2);
        tf.slice(x, [0, 3, 0], [8, 4, 12]);
      });
    } finally {
      backend.readSync = stock;
    }
    expect(reads).toBe(0);
  });

  it('gradients through them (unstack, split) equal the cpu backend\'s', async () => {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await initBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor3d(Array.from({ length: 2 * 5 * 6 }, (_, i) => Math.sin(i)), [2, 5, 6]);
        const f = (t: tf.Tensor) => {
          const steps = tf.unstack(t, 1);
          const [a, b] = tf.split(steps[3]!, [2, 4], 1);
          return tf.add(tf.sum(tf.mul(a!, a!)), tf.sum(tf.mul(tf.slice(steps[1]!, [1, 0], [1, 6]), 3))).add(tf.sum(b!));
        };
        return Array.from(tf.grad(f)(x).dataSync());
      });
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i]!, 6));
  });
});

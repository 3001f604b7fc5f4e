// Backend selection: optional native backends fail with instructions, the installed ones start,
// start-up is idempotent, and the project's kernels are registered once per backend.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, initBackend } from '../../src/lower/tfjs/backend.js';

describe('initBackend', () => {
  it('explains how to install tfjs-node-gpu when gpu is asked for', async () => {
    const e = await initBackend('gpu').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as Error).message).toContain('npm install @tensorflow/tfjs-node-gpu');
    expect((e as Error).message).toContain('internet');
    expect((e as Error).message).toContain('CUDA');
  });

  it('explains how to install tfjs-node when node is asked for', async () => {
    const e = await initBackend('node').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as Error).message).toContain('npm install @tensorflow/tfjs-node ');
  });

  it('auto falls back to wasm here (neither native package is installed), and is idempotent', async () => {
    const a = await initBackend('auto');
    expect(a.backend).toBe('wasm');
    const before = tf.getKernel('GatherV2', 'wasm')!.kernelFunc;
    const b = await initBackend('wasm');
    expect(b.backend).toBe('wasm');
    expect(tf.getKernel('GatherV2', 'wasm')!.kernelFunc).toBe(before); // not wrapped twice
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    // [[1,2],[3,4]] · [[5],[6]] = [[17],[39]], computed on the wasm heap
    expect(Array.from(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync()))).toEqual([17, 39]);
  });

  it('switches to cpu and back', async () => {
    expect((await initBackend('cpu')).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend('wasm')).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

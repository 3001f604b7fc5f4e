// Seeded initial weights: the same seed gives the same weights (on any backend, since they are
// generated in JavaScript), and each initializer follows its definition.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Init, IRGraph, ParamDecl } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { initParams, initWeights } from '../../src/lower/tfjs/init.js';

const SPAN = { file: 'x.rec', start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
const p = (name: string, shape: number[], init: Init, trainable = true): ParamDecl => ({ name, shape, init, group: 'dense', trainable, span: SPAN });

const graph = {
  features: [],
  params: [
    p('a.kernel', [64, 32], { kind: 'glorot_uniform', fanIn: 64, fanOut: 32 }),
    p('b.kernel', [64, 32], { kind: 'glorot_uniform', fanIn: 64, fanOut: 32 }),
    p('emb.table', [2001, 5], { kind: 'normal', std: 0.05 }),
    p('u', [1000], { kind: 'uniform', limit: 0.3 }),
    p('z', [3], { kind: 'zeros' }),
    p('o', [3], { kind: 'ones' }),
    p('c', [2, 2], { kind: 'constant', value: -0.25 }, false),
  ],
} as unknown as IRGraph;

const stats = (xs: Float32Array) => {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
  let min = Infinity;
  let max = -Infinity;
  for (const v of xs) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return { mean, std, min, max };
};

describe('initWeights', () => {
  const w = initWeights(graph, 42);

  it('is deterministic per seed, and parameters draw independent streams', () => {
    expect(initWeights(graph, 42)['a.kernel']).toEqual(w['a.kernel']);
    expect(initWeights(graph, 43)['a.kernel']).not.toEqual(w['a.kernel']);
    expect(w['b.kernel']).not.toEqual(w['a.kernel']);
  });

  it('glorot_uniform stays within ±sqrt(6 / (fanIn + fanOut)) and fills the range', () => {
    const limit = Math.sqrt(6 / 96);
    const s = stats(w['a.kernel']!);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.95 * limit);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 2); // uniform(-l, l): std = l / √3
  });

  it('normal has the asked standard deviation, uniform its limit', () => {
    const n = stats(w['emb.table']!);
    expect(Math.abs(n.mean)).toBeLessThan(0.002);
    expect(n.std).toBeGreaterThan(0.049);
    expect(n.std).toBeLessThan(0.051);
    const u = stats(w.u!);
    expect(u.min).toBeGreaterThanOrEqual(-0.3);
    expect(u.max).toBeLessThanOrEqual(0.3);
  });

  it('zeros, ones and constants', () => {
    expect(Array.from(w.z!)).toEqual([0, 0, 0]);
    expect(Array.from(w.o!)).toEqual([1, 1, 1]);
    expect(Array.from(w.c!)).toEqual([-0.25, -0.25, -0.25, -0.25]);
  });
});

describe('initParams', () => {
  it('gives the same variables on cpu and wasm, trainable as declared', async () => {
    const seen: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const vars = initParams(tf, graph, 7, `${backend}/`);
      expect(vars.c!.trainable).toBe(false);
      expect(vars['a.kernel']!.trainable).toBe(true);
      expect(vars['emb.table']!.shape).toEqual([2001, 5]);
      for (const [k, v] of Object.entries(vars)) (seen[k] ??= []).push(v.dataSync() as Float32Array);
      Object.values(vars).forEach((v) => v.dispose());
    }
    const ref = initWeights(graph, 7);
    for (const [k, [cpu, wasm]] of Object.entries(seen)) {
      expect(cpu, k).toEqual(ref[k]);
      expect(wasm, k).toEqual(ref[k]);
    }
  });
});

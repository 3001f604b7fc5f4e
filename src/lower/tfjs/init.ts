// Seeded initial weights, generated in JavaScript so the same seed gives the same weights on
// every backend (and in the ONNX file written without training).
import type * as tfc from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { clearPaddingRow, paddedTables } from '../../ir/padding-rows.js';
import type { IRGraph, Init } from '../../ir/types.js';

export type Weights = Record<string, Float32Array>;

function fill(init: Init, n: number, rng: () => number): Float32Array {
  const out = new Float32Array(n);
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'glorot_uniform': {
      const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
      for (let i = 0; i < n; i++) out[i] = (2 * rng() - 1) * limit;
      return out;
    }
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = (2 * rng() - 1) * init.limit;
      return out;
    case 'normal':
      // Box–Muller, two values per pair of uniforms.
      for (let i = 0; i < n; i += 2) {
        const u = Math.max(rng(), 1e-12);
        const v = rng();
        const r = Math.sqrt(-2 * Math.log(u)) * init.std;
        out[i] = r * Math.cos(2 * Math.PI * v);
        if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
      return out;
  }
}

/**
 * Initial weights for every parameter; each parameter has its own stream (seed + name). The
 * padding row of a feature table (padding-rows.ts) is zeroed after its stream filled the whole
 * table, so the other rows keep the values they had before that rule.
 */
export function initWeights(graph: IRGraph, seed: number): Weights {
  const w: Weights = Object.create(null); // parameter names come from the user's names
  const padded = paddedTables(graph);
  for (const p of graph.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    w[p.name] = fill(p.init, n, seedrandom(`${seed}:${p.name}`));
    if (padded.has(p.name)) clearPaddingRow(w[p.name]!, p.shape[1] ?? 1);
  }
  return w;
}

/**
 * The same weights as tf.Variables (trainable as declared), for a forward pass under
 * tf.variableGrads. `prefix` keeps variable names unique when several runs share one process.
 */
export function initParams(tf: typeof tfc, graph: IRGraph, seed: number, prefix = ''): Record<string, tfc.Variable> {
  const w = initWeights(graph, seed);
  return Object.fromEntries(graph.params.map((p) => [p.name, tf.variable(tf.tensor(w[p.name]!, p.shape, 'float32'), p.trainable, `${prefix}${p.name}`)]));
}

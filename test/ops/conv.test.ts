// PeterRec's ops against plain loops straight from the official code's equations (float64): the
// causal dilated convolution, GELU (tanh form) and NextItNet's layer norm (ε = 1e-8), in
// TensorFlow.js on both backends and in onnxruntime; and the convolution's gradients with a
// dilation, which tf.conv1d does not have.
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { checkHandCases, type HandCase } from './hand-cases.js';
import { batched, opTfjs, weight } from './run-op.js';

/** y[b][t][o] = bias[o] + Σ_j Σ_i xpad[b][t + j·d][i] · w[j][i][o], xpad = (k−1)·d zeros, then x. */
function convByLoop(x: number[][][], w: number[][][], bias: number[], d: number): number[][][] {
  const k = w.length;
  const pad = (k - 1) * d;
  return x.map((seq) => {
    const cin = seq[0]!.length;
    const xpad = [...Array.from({ length: pad }, () => new Array<number>(cin).fill(0)), ...seq];
    return seq.map((_, t) =>
      bias.map((b, o) => {
        let s = b;
        for (let j = 0; j < k; j++) for (let i = 0; i < cin; i++) s += xpad[t + j * d]![i]! * w[j]![i]![o]!;
        return s;
      }),
    );
  });
}

const geluByFormula = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** (x − μ) / sqrt(σ² + ε) · γ + β over the last axis, σ² the population variance (tf.nn.moments). */
function layerNormByLoop(rows: number[][], gamma: number[], beta: number[], eps: number): number[][] {
  return rows.map((r) => {
    const mu = r.reduce((a, b) => a + b, 0) / r.length;
    const v = r.reduce((a, b) => a + (b - mu) ** 2, 0) / r.length;
    return r.map((x, i) => ((x - mu) / Math.sqrt(v + eps)) * gamma[i]! + beta[i]!);
  });
}

const rng = seedrandom('conv');
const rand = (...shape: number[]): number[] => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round((rng() * 4 - 2) * 100) / 100);
/** A flat row-major array as nested arrays of the given shape. */
function nest(flat: number[], shape: number[]): unknown[] {
  if (shape.length === 1) return flat;
  const n = flat.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(flat.slice(i * n, (i + 1) * n), shape.slice(1)));
}

interface ConvSetting {
  name: string;
  batch: number;
  len: number;
  k: number;
  cin: number;
  cout: number;
  d: number;
}

const settings: ConvSetting[] = [
  { name: 'k = 3, d = 1', batch: 2, len: 5, k: 3, cin: 2, cout: 3, d: 1 },
  { name: 'k = 3, d = 2', batch: 2, len: 6, k: 3, cin: 2, cout: 2, d: 2 },
  { name: 'k = 3, d = 4 over L = 3 < (k−1)·d = 8: only w[k−1] meets the sequence', batch: 1, len: 3, k: 3, cin: 2, cout: 2, d: 4 },
  { name: 'k = 2, d = 8 (NextItNet second conv of a block with d = 4)', batch: 1, len: 10, k: 2, cin: 1, cout: 1, d: 8 },
];

const convCases: HandCase[] = settings.map((c) => {
  const x = rand(c.batch, c.len, c.cin);
  const w = rand(c.k, c.cin, c.cout);
  const b = rand(c.cout);
  return {
    name: `conv1d_causal: ${c.name}`,
    op: 'conv1d_causal',
    ins: [batched(x, [c.batch, c.len, c.cin]), weight(w, [c.k, c.cin, c.cout]), weight(b, [c.cout])],
    attrs: { dilation: c.d },
    expected: convByLoop(nest(x, [c.batch, c.len, c.cin]) as number[][][], nest(w, [c.k, c.cin, c.cout]) as number[][][], b, c.d).flat(2),
    shape: [c.batch, c.len, c.cout],
  };
});

const GX = [-4, -1.5, -1, -0.1, 0, 0.3, 1, 2.5, 6];
const LNX = [
  [1, 2, 3, 4],
  [0.5, 0.5, 0.5, 0.5], // constant: x − μ = 0, ε keeps it finite
  [-3, 1e-3, 2, 7],
  [0, 1e-4, 0, -1e-4], // σ² = 5e-9, of ε's size: ε = 1e-5 would give values 30 times smaller
];
const G = [1, 2, 0.5, 1];
const B = [0, 1, 0, -1];

const cases: HandCase[] = [
  {
    name: 'conv1d_causal by hand: w[k−1] at the current position, w[0] two steps back (k = 2, d = 2)',
    op: 'conv1d_causal',
    // x = 1, 2, 3, 4 (one channel); y[t] = 0.5 + 10·x[t − 2] + 1·x[t]
    ins: [batched([1, 2, 3, 4], [1, 4, 1]), weight([10, 1], [2, 1, 1]), weight([0.5], [1])],
    attrs: { dilation: 2 },
    expected: [1.5, 2.5, 13.5, 24.5],
  },
  ...convCases,
  {
    name: 'gelu: the tanh form',
    op: 'gelu',
    ins: [batched(GX, [1, 9])],
    attrs: {},
    expected: GX.map(geluByFormula),
  },
  {
    name: "layer_norm with NextItNet's ε = 1e-8 over the channels of a sequence (population variance)",
    op: 'layer_norm',
    ins: [batched(LNX.flat(), [1, LNX.length, 4]), weight(G, [4]), weight(B, [4])],
    attrs: { epsilon: 1e-8 },
    expected: layerNormByLoop(LNX, G, B, 1e-8).flat(),
  },
];

describe('PeterRec ops against plain loops', () => {
  it('the references agree with values worked by hand', () => {
    expect(convByLoop([[[1], [2], [3], [4]]], [[[10]], [[1]]], [0.5], 2).flat(2)).toEqual([1.5, 2.5, 13.5, 24.5]);
    // GELU(1) = 0.5·(1 + tanh(√(2/π)·1.044715)); the erf form would give 0.8413447
    expect(geluByFormula(1)).toBeCloseTo(0.8411919906, 9);
    expect(geluByFormula(0)).toBe(0);
    // [1, 2, 3, 4]: μ = 2.5, σ² = 1.25 (population, not the sample variance 5/3)
    expect(layerNormByLoop([[1, 2, 3, 4]], [1, 1, 1, 1], [0, 0, 0, 0], 0)[0]![0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 12);
  });

  checkHandCases(cases);
});

describe('conv1d_causal gradients on TensorFlow.js (a dilation > 1)', () => {
  // L = Σ c ⊙ y: ∂L/∂w[j][i][o] = Σ_{b,t} c[b][t][o] · xpad[b][t + j·d][i], ∂L/∂b[o] = Σ_{b,t} c[b][t][o].
  // (tf.conv1d with a dilation has a forward on both backends but throws in its gradient.)
  const c = settings[1]!;
  const x = rand(c.batch, c.len, c.cin);
  const w = rand(c.k, c.cin, c.cout);
  const b = rand(c.cout);
  const cw = rand(c.batch, c.len, c.cout);
  const xs = nest(x, [c.batch, c.len, c.cin]) as number[][][];
  const cs = nest(cw, [c.batch, c.len, c.cout]) as number[][][];
  const pad = (c.k - 1) * c.d;
  const xpad = xs.map((seq) => [...Array.from({ length: pad }, () => new Array<number>(c.cin).fill(0)), ...seq]);
  const wantW: number[] = [];
  for (let j = 0; j < c.k; j++)
    for (let i = 0; i < c.cin; i++)
      for (let o = 0; o < c.cout; o++) {
        let s = 0;
        for (let bb = 0; bb < c.batch; bb++) for (let t = 0; t < c.len; t++) s += cs[bb]![t]![o]! * xpad[bb]![t + j * c.d]![i]!;
        wantW.push(s);
      }
  const wantB = Array.from({ length: c.cout }, (_, o) => cs.flat().reduce((s, row) => s + row[o]!, 0));

  for (const backend of ['cpu', 'wasm'] as const) {
    it(backend, async () => {
      await initBackend(backend);
      const f = opTfjs('conv1d_causal', [batched(x, [c.batch, c.len, c.cin]), weight(w, [c.k, c.cin, c.cout]), weight(b, [c.cout])], { dilation: c.d });
      const [gw, gb] = tf.tidy(() => {
        const loss = (wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(f([tf.tensor3d(x, [c.batch, c.len, c.cin]), wt, bt]), tf.tensor3d(cw, [c.batch, c.len, c.cout])));
        return tf.grads(loss)([tf.tensor3d(w, [c.k, c.cin, c.cout]), tf.tensor1d(b)]).map((g) => Array.from(g.dataSync()));
      });
      gw!.forEach((v, i) => expect(v).toBeCloseTo(wantW[i]!, 4));
      gb!.forEach((v, i) => expect(v).toBeCloseTo(wantB[i]!, 4));
    });
  }
});

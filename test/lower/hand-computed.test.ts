// POSO (MLP) Eq. 11 and PEPNet's Gate NU Eq. 2–3 on tiny hand-set weights: both lowerings must
// give the values computed here with plain loops straight from the papers' equations.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { analyze } from '../../src/semantics/analyze.js';
import { ort, runOnnx } from '../helpers/onnx.js';

const SPEC = `use std.poso
use std.pepnet
model tiny {
  features {
    x: dense(2)
    p: dense(2)
    y: label
  }
  let trunk = poso.mlp(x, pc: p, units: [2], hidden: 2)
  let gated = pepnet.gate_nu(p, 2, hidden: 2) * x
  task poso_out : regression(label: y) { from: trunk }
  task gate_out : regression(label: y) { from: gated }
}`;

const W: Record<string, number[]> = {
  'trunk.gate0.dense0.kernel': [0.5, -1.0, 0.25, 0.75], // [2, 2] row-major: in × out
  'trunk.gate0.dense0.bias': [0.1, -0.2],
  'trunk.gate0.dense1.kernel': [1.0, -0.5, 0.3, 0.8],
  'trunk.gate0.dense1.bias': [0.0, 0.1],
  'trunk.dense0.kernel': [0.6, -0.4, -0.3, 0.9],
  'trunk.dense0.bias': [0.05, -0.05],
  'poso_out.out.kernel': [1.0, -2.0],
  'poso_out.out.bias': [0.5],
  'gated.gate_nu0.dense0.kernel': [-0.7, 0.2, 0.4, 0.6],
  'gated.gate_nu0.dense0.bias': [0.3, 0.0],
  'gated.gate_nu0.dense1.kernel': [0.9, 0.1, -0.6, 0.5],
  'gated.gate_nu0.dense1.bias': [-0.1, 0.2],
  'gate_out.out.kernel': [0.7, 1.3],
  'gate_out.out.bias': [-0.2],
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const relu = (z: number) => Math.max(0, z);
/** y = x W + b for a 2-vector and a 2×2 row-major W. */
const lin = (x: number[], w: number[], b: number[]) => [x[0]! * w[0]! + x[1]! * w[2]! + b[0]!, x[0]! * w[1]! + x[1]! * w[3]! + b[1]!];

/** POSO Eq. 11 (one layer): x̂ = C · g(pc) ⊙ relu(W x), g = σ(MLP(pc)), C = 2; then the linear head. */
function posoByHand(x: number[], p: number[]): number {
  const hidden = lin(p, W['trunk.gate0.dense0.kernel']!, W['trunk.gate0.dense0.bias']!).map(relu);
  const gate = lin(hidden, W['trunk.gate0.dense1.kernel']!, W['trunk.gate0.dense1.bias']!).map((z) => 2 * sigmoid(z));
  const h = lin(x, W['trunk.dense0.kernel']!, W['trunk.dense0.bias']!).map(relu).map((v, i) => gate[i]! * v);
  return h[0]! * W['poso_out.out.kernel']![0]! + h[1]! * W['poso_out.out.kernel']![1]! + W['poso_out.out.bias']![0]!;
}

/** Gate NU Eq. 2–3: x1 = relu(x0 W0 + b0), x2 = γ σ(x1 W1 + b1), γ = 2; it scales x; then the head. */
function gateNuByHand(x: number[], p: number[]): number {
  const x1 = lin(p, W['gated.gate_nu0.dense0.kernel']!, W['gated.gate_nu0.dense0.bias']!).map(relu);
  const x2 = lin(x1, W['gated.gate_nu0.dense1.kernel']!, W['gated.gate_nu0.dense1.bias']!).map((z) => 2 * sigmoid(z));
  const h = [x2[0]! * x[0]!, x2[1]! * x[1]!];
  return h[0]! * W['gate_out.out.kernel']![0]! + h[1]! * W['gate_out.out.kernel']![1]! + W['gate_out.out.bias']![0]!;
}

const xs = [[1.0, 2.0], [-0.5, 0.3], [0.0, 0.0]];
const ps = [[0.2, -1.0], [1.5, 0.5], [-2.0, 3.0]];

describe('POSO (MLP) and Gate NU against their equations', () => {
  const a = analyze(SPEC, '/virtual/tiny.rec');
  const g = a.graph!;
  const weights = Object.fromEntries(Object.entries(W).map(([k, v]) => [k, Float32Array.from(v)]));
  const expected = { poso_out: xs.map((x, i) => posoByHand(x, ps[i]!)), gate_out: xs.map((x, i) => gateNuByHand(x, ps[i]!)) };

  it('declares exactly the hand-set parameters', () => {
    expect(a.diagnostics).toEqual([]);
    expect(g.params.map((p) => p.name).sort()).toEqual(Object.keys(W).sort());
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`TensorFlow.js (${backend})`, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      it('computes the equations', () => {
        const out = tf.tidy(() => {
          const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
          const r = buildForward(tf, g)(params, { x: tf.tensor2d(xs), p: tf.tensor2d(ps) });
          return { poso_out: Array.from(r.outputs.poso_out!.dataSync()), gate_out: Array.from(r.outputs.gate_out!.dataSync()) };
        });
        for (const k of ['poso_out', 'gate_out'] as const) out[k].forEach((v, i) => expect(v).toBeCloseTo(expected[k][i]!, 5));
      });
    });
  }

  it('ONNX in onnxruntime computes the equations', async () => {
    const out = await runOnnx(lowerToOnnx(g, weights, { reccVersion: 'test' }), {
      x: new ort.Tensor('float32', Float32Array.from(xs.flat()), [3, 2]),
      p: new ort.Tensor('float32', Float32Array.from(ps.flat()), [3, 2]),
    });
    for (const k of ['poso_out', 'gate_out'] as const) Array.from(out[k]!).forEach((v, i) => expect(v).toBeCloseTo(expected[k][i]!, 5));
  });
});

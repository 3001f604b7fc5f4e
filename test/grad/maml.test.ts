// Second order, as MAML takes it, built in the IR: θ' = θ − α ∇θ L_support(θ) (one and two inner
// steps), then the outer gradient ∇θ L_query(θ'), on a two-layer relu/sigmoid MLP. The adapted
// forward is the support loss's graph again with θ replaced by θ' (passes/substitute.ts); first
// order puts stop_gradient on the inner gradients. Checked against an independent PyTorch program
// (test/grad/reference/maml.py, autograd with create_graph=True) in float64 through the PyTorch
// lowering, and in float32 through onnxruntime and the TF.js lowering.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphAppender } from '../../src/ir/append.js';
import { grad } from '../../src/ir/passes/grad.js';
import { substitute } from '../../src/ir/passes/substitute.js';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { lowerFunction } from '../../src/lower/onnx/function.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { ort, runOnnx } from '../helpers/onnx.js';
import { haveTorch, runTorch } from '../helpers/torch.js';
import { maxAbs, relError } from './close.js';
import { SmallGraph } from './small-graph.js';

const N = 6; // rows of the support and of the query set (one batch axis in the IR)
const D = 3;
const H = 4;
const ALPHA = 0.5;
const PARAMS = { W1: [D, H], b1: [H], W2: [H, 1], b2: [1] } as const;
type Name = keyof typeof PARAMS;
const NAMES = Object.keys(PARAMS) as Name[];

const rng = seedrandom('maml');
const rand = (n: number, scale: number) => Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const weights = Object.fromEntries(NAMES.map((k) => [k, rand(size(PARAMS[k]), 1.2)])) as Record<Name, number[]>;
const data = {
  'support.x': { data: rand(N * D, 1.5), shape: [N, D] },
  'support.y': { data: Array.from({ length: N }, () => (rng() < 0.5 ? 0 : 1)), shape: [N, 1] },
  'query.x': { data: rand(N * D, 1.5), shape: [N, D] },
  'query.y': { data: Array.from({ length: N }, () => (rng() < 0.5 ? 0 : 1)), shape: [N, 1] },
};

/** The outer gradient's graph: `steps` inner SGD steps, second or first order. */
function mamlGraph(steps: number, order: 'first' | 'second'): { graph: IRGraph; outer: number[] } {
  const s = new SmallGraph();
  const theta0 = NAMES.map((k) => s.param(k, [...PARAMS[k]]));
  const [w1, b1, w2, b2] = theta0 as [number, number, number, number];
  const xs = s.input('support.x', 'float32', ['batch', D]);
  const ys = s.input('support.y', 'float32', ['batch', 1]);
  const xq = s.input('query.x', 'float32', ['batch', D]);
  const yq = s.input('query.y', 'float32', ['batch', 1]);
  const hidden = s.add('relu', [s.add('add', [s.add('matmul', [xs, w1]), b1])]);
  const f = s.add('sigmoid', [s.add('add', [s.add('matmul', [hidden, w2]), b2])]);
  const e = s.add('sub', [f, ys]);
  const support = s.add('mul', [s.sum(s.add('mul', [e, e])), s.add('const', [], { value: [1 / N], shape: [] })]);
  // the query loss: the support loss's graph on the query rows
  const q = substitute(s.graph(), [support], new Map([[xs, xq], [ys, yq]]));
  let g = q.graph;
  const query = q.outputs[0]!;

  let theta = theta0;
  for (let step = 0; step < steps; step++) {
    const adapted = step === 0 ? { graph: g, outputs: [support] } : substitute(g, [support], new Map(theta0.map((t, k) => [t, theta[k]!])));
    const inner = grad(adapted.graph, adapted.outputs[0]!, theta);
    const a = new GraphAppender(inner.graph);
    const alpha = a.add('const', [], { value: [ALPHA], shape: [] });
    const next = theta.map((t, k) => {
      const gk = order === 'first' ? a.add('stop_gradient', [inner.grads[k]!]) : inner.grads[k]!;
      return a.add('sub', [t, a.add('mul', [gk, alpha])]);
    });
    const done = a.finish(next);
    g = done.graph;
    theta = next.map(done.at);
  }
  const adaptedQuery = substitute(g, [query], new Map(theta0.map((t, k) => [t, theta[k]!])));
  const outer = grad(adaptedQuery.graph, adaptedQuery.outputs[0]!, theta0);
  return { graph: outer.graph, outer: outer.grads.map((x) => x!) };
}

function reference(steps: number): { second: Record<Name, number[]>; first: Record<Name, number[]> } {
  const payload = { params: Object.fromEntries(NAMES.map((k) => [k, { data: weights[k], shape: PARAMS[k] }])), data: { xs: data['support.x'], ys: data['support.y'], xq: data['query.x'], yq: data['query.y'] }, alpha: ALPHA, steps };
  const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'reference/maml.py')], { input: JSON.stringify(payload), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof reference>;
}

const flat = (r: Record<Name, number[]>) => NAMES.flatMap((k) => r[k]);
const maxDiff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe.runIf(haveTorch())('MAML outer gradient (second order) in the IR', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  for (const steps of [1, 2]) {
    describe(`${steps} inner step${steps > 1 ? 's' : ''}`, () => {
      const second = mamlGraph(steps, 'second');
      const first = mamlGraph(steps, 'first');
      const ref = reference(steps);
      let irSecond: number[] = [];
      let irFirst: number[] = [];
      beforeAll(async () => {
        [irSecond, irFirst] = (
          await runTorch(
            [second, first].map((m) => ({
              graph: m.graph,
              outputs: m.outer,
              params: Object.fromEntries(NAMES.map((k) => [k, { data: weights[k], shape: [...PARAMS[k]] }])),
              inputs: data,
            })),
          )
        ).map((r) => r.outputs.flat()) as [number[], number[]];
      });

      it('the graphs pass verify()', () => {
        expect(verify(second.graph)).toEqual([]);
        expect(verify(first.graph)).toEqual([]);
      });

      it('equals PyTorch autograd (create_graph=True) in float64 to 1e-6, and first order to its own', () => {
        expect(maxDiff(irSecond, flat(ref.second))).toBeLessThanOrEqual(1e-6);
        expect(maxDiff(irFirst, flat(ref.first))).toBeLessThanOrEqual(1e-6);
      });

      it('differs from the first-order gradient by more than 1e-3', () => {
        expect(maxDiff(flat(ref.second), flat(ref.first))).toBeGreaterThan(1e-3);
        expect(maxDiff(irSecond, irFirst)).toBeGreaterThan(1e-3);
      });

      // float32: both lowerings compute the same graph; the reference is float64
      it('in onnxruntime and through the TF.js lowering (float32), within 1e-5 of the largest value', async () => {
        const feeds = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, new ort.Tensor('float32', Float32Array.from(v.data), v.shape)]));
        const w32 = Object.fromEntries(NAMES.map((k) => [k, Float32Array.from(weights[k])]));
        const outputs = Object.fromEntries(NAMES.map((k, i) => [`grad.${k}`, second.outer[i]!]));
        const got = await runOnnx(lowerFunction(second.graph, { outputs, weights: w32 }), feeds);
        const fromOrt = NAMES.flatMap((k) => Array.from(got[`grad.${k}`]!));
        const fromTfjs = tf.tidy(() => {
          const { nodes } = buildForward(tf, second.graph, undefined, { also: second.outer })(
            Object.fromEntries(NAMES.map((k) => [k, tf.tensor(w32[k]!, [...PARAMS[k]])])),
            Object.fromEntries(Object.entries(data).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])),
          );
          return second.outer.flatMap((id) => Array.from(nodes.get(id)!.dataSync()));
        });
        const want = flat(ref.second);
        expect(relError(fromOrt, want), `largest ${maxAbs(want)}`).toBeLessThanOrEqual(1e-5);
        expect(relError(fromTfjs, want)).toBeLessThanOrEqual(1e-5);
      });
    });
  }
});

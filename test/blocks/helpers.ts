// Shared machinery of the block tests (test/blocks/*.test.ts). A block test writes a tiny spec,
// hand-sets every weight by parameter path, computes the block's output with plain loops from
// the paper's equation, and checks TF.js (cpu and wasm) and ONNX (onnxruntime) against it; then
// checks the same block on larger random weights against a NumPy script (reference/*.py).
//
// The block's output is read whole, coordinate by coordinate: `probes(name, width)` adds one
// regression task per coordinate of the let `name`, whose output layer is set to pick that
// coordinate (kernel = one-hot, bias = 0), so each task's prediction is one number of the block.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IRGraph } from '../../src/ir/types.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyze } from '../../src/semantics/analyze.js';
import { ort, runOnnx } from '../helpers/onnx.js';

// ── plain arithmetic for the hand computations (no recc code) ───────────────────────────────

export type Vec = number[];
export type Mat = number[][];

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
export const relu = (z: number): number => Math.max(0, z);
export function softmax(z: Vec): Vec {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
/** x W + b for x of length n and a row-major kernel W of n × m (as stored in a parameter). */
export function lin(x: Vec, kernel: Vec, bias: Vec): Vec {
  const m = bias.length;
  const n = x.length;
  if (kernel.length !== n * m) throw new Error(`lin: kernel of ${kernel.length} for ${n} × ${m}`);
  const y: Vec = [];
  for (let j = 0; j < m; j++) {
    let s = bias[j]!;
    for (let i = 0; i < n; i++) s += x[i]! * kernel[i * m + j]!;
    y.push(s);
  }
  return y;
}
export const dot = (a: Vec, b: Vec): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
export const mul = (a: Vec, b: Vec): Vec => a.map((v, i) => v * b[i]!);
export const add = (a: Vec, b: Vec): Vec => a.map((v, i) => v + b[i]!);
export const scale = (c: number, a: Vec): Vec => a.map((v) => c * v);

/** `dense` by hand: the kernel and bias of the parameter path `prefix` (…kernel, …bias). */
export function denseBy(w: Record<string, Vec>, prefix: string, x: Vec, opts: { bias?: boolean } = {}): Vec {
  const k = w[`${prefix}.kernel`];
  const units = k ? k.length / x.length : 0;
  const b = opts.bias === false ? new Array<number>(units).fill(0) : w[`${prefix}.bias`];
  if (!k || !b) throw new Error(`no weights for ${prefix}`);
  if (opts.bias === false && w[`${prefix}.bias`]) throw new Error(`${prefix} has a bias`);
  return lin(x, k, b);
}

// ── hand-set weights ────────────────────────────────────────────────────────────────────────

/**
 * Hand-set weights for the given parameter shapes: small values of both signs, different in every
 * parameter and position (a fixed rule of the name and index, so the test reads the same each
 * run), unless given explicitly in `explicit`.
 */
export function handWeights(shapes: Record<string, number[]>, explicit: Record<string, Vec> = {}): Record<string, Vec> {
  const out: Record<string, Vec> = {};
  const seen = new Map<string, string>();
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (explicit[name]) {
      if (explicit[name]!.length !== n) throw new Error(`${name}: ${explicit[name]!.length} values for [${shape}]`);
      out[name] = explicit[name]!;
      continue;
    }
    let s = 17;
    for (const c of name) s = (Math.imul(s, 31) + c.charCodeAt(0)) >>> 0;
    // multiples of 0.05 in [-1, 1], never 0 (a zero would hide a missing term)
    out[name] = Array.from({ length: n }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const k = (s >>> 8) % 40;
      return (k < 20 ? k - 20 : k - 19) / 20;
    });
    // two parameters with the same values would hide a swap of one for the other
    const key = JSON.stringify(out[name]);
    if (n > 1 && seen.has(key)) throw new Error(`handWeights: ${name} and ${seen.get(key)} got the same values`);
    seen.set(key, name);
  }
  return out;
}

// ── probes: one regression task per output coordinate ───────────────────────────────────────

/** The task lines reading every coordinate of `name` ([batch, width]); the label is `y`. */
export function probes(name: string, width: number): string {
  return Array.from({ length: width }, (_, j) => `  task ${name}_${j} : regression(label: y) { from: ${name} }`).join('\n');
}

/** The output layers of `probes(name, width)`: coordinate j of `name` is task `name_j`. */
export function probeWeights(name: string, width: number): Record<string, { shape: number[]; data: Vec }> {
  const out: Record<string, { shape: number[]; data: Vec }> = {};
  for (let j = 0; j < width; j++) {
    out[`${name}_${j}.out.kernel`] = { shape: [width, 1], data: Array.from({ length: width }, (_, i) => (i === j ? 1 : 0)) };
    out[`${name}_${j}.out.bias`] = { shape: [1], data: [0] };
  }
  return out;
}

// ── compiling and running ───────────────────────────────────────────────────────────────────

export function compile(spec: string): IRGraph {
  const a = analyze(spec, '/virtual/block.rec');
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a.graph!;
}

/** An input: a float matrix (`dense(n)`) or an int id matrix (`seq(id(hash: …))`). */
export interface Input {
  shape: number[];
  data: number[];
  ids?: boolean;
}

export type Outputs = Record<string, Vec[]>; // probe name → [batch][width]

/** Gather the probe tasks' predictions into [batch][width] per probed name; `heads` are tasks
 *  read whole (their predictions as the task computes them, e.g. a sigmoid). */
function collect(graph: IRGraph, read: (task: string) => number[], widths: Record<string, number>, batch: number, heads: string[] = []): Outputs {
  const out: Outputs = {};
  for (const task of heads) {
    const v = read(task);
    const per = v.length / batch;
    out[task] = Array.from({ length: batch }, (_, b) => v.slice(b * per, (b + 1) * per));
  }
  for (const [name, width] of Object.entries(widths)) {
    const rows: Vec[] = Array.from({ length: batch }, () => []);
    for (let j = 0; j < width; j++) {
      const task = `${name}_${j}`;
      if (!graph.tasks.some((t) => t.name === task)) throw new Error(`no probe task ${task}`);
      read(task).forEach((v, b) => rows[b]!.push(v));
    }
    out[name] = rows;
  }
  return out;
}

export async function runTfjs(backend: 'cpu' | 'wasm', graph: IRGraph, weights: Record<string, Float32Array>, inputs: Record<string, Input>, widths: Record<string, number>, heads: string[] = []): Promise<Outputs> {
  await initBackend(backend);
  const batch = Object.values(inputs)[0]!.shape[0]!;
  return tf.tidy(() => {
    const params = Object.fromEntries(graph.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
    const feed = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, v.ids ? 'int32' : 'float32')]));
    const r = buildForward(tf, graph)(params, feed);
    return collect(graph, (t) => Array.from(r.outputs[t]!.dataSync()), widths, batch, heads);
  });
}

export async function runOrt(graph: IRGraph, weights: Record<string, Float32Array>, inputs: Record<string, Input>, widths: Record<string, number>, heads: string[] = []): Promise<Outputs> {
  const batch = Object.values(inputs)[0]!.shape[0]!;
  const feeds = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, v.ids ? new ort.Tensor('int64', BigInt64Array.from(v.data.map(BigInt)), v.shape) : new ort.Tensor('float32', Float32Array.from(v.data), v.shape)]),
  );
  const out = await runOnnx(lowerToOnnx(graph, weights, { reccVersion: 'test' }), feeds);
  return collect(graph, (t) => Array.from(out[t]!), widths, batch, heads);
}

export function expectClose(actual: Outputs, expected: Outputs, digits = 5): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, rows] of Object.entries(expected)) {
    expect(actual[name]!.length, name).toBe(rows.length);
    rows.forEach((row, b) => {
      expect(actual[name]![b]!.length, `${name}[${b}]`).toBe(row.length);
      row.forEach((v, j) => {
        if (Math.abs(actual[name]![b]![j]! - v) >= 0.5 * 10 ** -digits) expect.fail(`${name}[${b}][${j}] = ${actual[name]![b]![j]}, expected ${v}`);
      });
    });
  }
}

/**
 * The hand-computed check of one block: the spec's parameters are exactly `shapes` (plus the
 * probes' output layers), and TF.js cpu, TF.js wasm and ONNX all give `expected` on `weights`.
 */
export function handChecks(c: { spec: string; shapes: Record<string, number[]>; weights: Record<string, Vec>; inputs: Record<string, Input>; widths: Record<string, number>; heads?: string[]; expected: () => Outputs }): void {
  const graph = compile(c.spec);
  const all: Record<string, Float32Array> = Object.fromEntries(Object.entries(c.weights).map(([k, v]) => [k, Float32Array.from(v)]));
  const shapes: Record<string, number[]> = { ...c.shapes };
  for (const [name, width] of Object.entries(c.widths)) {
    for (const [k, v] of Object.entries(probeWeights(name, width))) {
      all[k] = Float32Array.from(v.data);
      shapes[k] = v.shape;
    }
  }
  it('declares exactly the hand-set parameters, with their shapes', () => {
    expect(Object.fromEntries(graph.params.map((p) => [p.name, p.shape]))).toEqual(shapes);
    for (const [k, v] of Object.entries(c.weights)) expect(v.length, k).toBe(shapes[k]!.reduce((a, b) => a * b, 1));
  });
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`TensorFlow.js (${backend}) computes the equation`, async () => {
      expectClose(await runTfjs(backend, graph, all, c.inputs, c.widths, c.heads), c.expected());
    });
  }
  it('ONNX in onnxruntime computes the equation', async () => {
    expectClose(await runOrt(graph, all, c.inputs, c.widths, c.heads), c.expected());
  });
}

// ── the NumPy reference ─────────────────────────────────────────────────────────────────────

const REFERENCE = join(import.meta.dirname, 'reference');

/** Run reference/<script>.py with a JSON payload on stdin; its JSON answer. */
export function runReference(script: string, payload: unknown): Record<string, Vec[]> {
  const r = spawnSync('/usr/bin/python3', [join(REFERENCE, `${script}.py`)], { input: JSON.stringify(payload), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script}.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Vec[]>;
}

/** Deterministic inputs in [-1.5, 1.5) (a small LCG; the tests need no statistics). */
export function randomInputs(shape: number[], seed: number): Input {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0 || 1;
  const data = Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.round((s / 2 ** 32) * 3000 - 1500) / 1000;
  });
  return { shape, data };
}

/**
 * The reference check of one block: random (seeded) weights of a larger instance, the block's
 * output from TF.js cpu and from ONNX against `reference/<script>.py` fed the same weights and
 * inputs as JSON ({ block, config, params: {name: {shape, data}}, inputs: {name: {shape, data}} }).
 */
export function referenceChecks(c: { spec: string; script: string; block: string; config?: Record<string, unknown>; inputs: Record<string, Input>; widths: Record<string, number>; heads?: string[]; seed?: number; explicit?: Record<string, Vec> }): void {
  const graph = compile(c.spec);
  const weights = initWeights(graph, c.seed ?? 7);
  // zero biases would hide a missing bias: give every bias a value
  for (const p of graph.params) if (p.name.endsWith('.bias')) weights[p.name] = weights[p.name]!.map((_, i) => 0.1 * ((i % 5) - 2) + 0.05);
  for (const [name, width] of Object.entries(c.widths)) for (const [k, v] of Object.entries(probeWeights(name, width))) weights[k] = Float32Array.from(v.data);
  for (const [k, v] of Object.entries(c.explicit ?? {})) weights[k] = Float32Array.from(v);
  const payload = {
    block: c.block,
    config: c.config ?? {},
    params: Object.fromEntries(graph.params.map((p) => [p.name, { shape: p.shape, data: Array.from(weights[p.name]!) }])),
    inputs: c.inputs,
  };
  let expected: Outputs;
  beforeAll(() => {
    expected = runReference(c.script, payload);
  });
  it('TensorFlow.js (cpu) agrees with the NumPy reference', async () => {
    expectClose(await runTfjs('cpu', graph, weights, c.inputs, c.widths, c.heads), expected, 4);
  });
  it('ONNX in onnxruntime agrees with the NumPy reference', async () => {
    expectClose(await runOrt(graph, weights, c.inputs, c.widths, c.heads), expected, 4);
  });
}

export { describe };

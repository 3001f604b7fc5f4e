// The training loop on hand-built IR graphs (no parser): one SGD step against the hand-computed
// logistic-regression gradient, per-group optimizers and frozen parameters, learning a separable
// problem, resume = uninterrupted run, early stopping, and a diverging task named.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/preprocess.js';
import type { Span } from '../../src/diagnostics/span.js';
import { GraphBuilder, type AddResult } from '../../src/ir/builder.js';
import type { IRGraph, IRNode, TaskSpec, TrainSpec } from '../../src/ir/types.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { CHECKPOINT, STATE_JSON, type TrainState } from '../../src/train/checkpoint.js';
import { auc } from '../../src/train/metrics.js';
import { train, TrainError, type TrainOptions } from '../../src/train/train.js';

const pos = { offset: 0, line: 1, column: 1 };
const SPAN: Span = { file: '/virtual/lr.rec', start: pos, end: pos };
const site = { span: SPAN, trace: [], scope: '' };

function node(r: AddResult | { node: IRNode } | { duplicate: true }): IRNode {
  if (!('node' in r)) throw new Error(`bad test graph: ${JSON.stringify(r)}`);
  return r.node;
}

/** p = σ(x·w + b + offset): w dense (zeros), b in the embedding group, offset frozen at 0.25. */
function logistic(train: Partial<TrainSpec>, extraTasks: (z: IRNode) => TaskSpec[] = () => []): IRGraph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['batch', 2], site);
  const w = node(b.param('w', [2, 1], { kind: 'zeros' }, 'dense', true, site));
  const bias = node(b.param('b', [1], { kind: 'zeros' }, 'embedding', true, site));
  const offset = node(b.param('offset', [1], { kind: 'constant', value: 0.25 }, 'dense', false, site));
  const z = node(b.add('add', [node(b.add('add', [node(b.add('matmul', [x.id, w.id], {}, site)).id, bias.id], {}, site)).id, offset.id], {}, site));
  const p = node(b.add('sigmoid', [z.id], {}, site));
  const click: TaskSpec = { name: 'click', kind: 'binary', classes: 1, label: { kind: 'Name', name: 'y', span: SPAN }, loss: 'bce', weight: 1, output: p.id, logit: z.id };
  const sgd = { kind: 'sgd' as const, lr: 0.1 };
  return {
    model: 'lr',
    file: SPAN.file,
    features: [{ kind: 'dense', name: 'x', column: 'x', size: 2 }, { kind: 'label', name: 'y', column: 'y' }],
    inputs: { x: x.id },
    nodes: b.nodes,
    params: b.params,
    tasks: [click, ...extraTasks(z)],
    train: { optimizer: { embedding: sgd, dense: sgd }, batch: 64, epochs: 1, split: { kind: 'random', test: 0.25 }, metrics: [{ kind: 'auc' }], seed: 3, ...train },
    pcs: [],
    instances: [],
  };
}

/** p = σ(table[id]·w + 0.25): an id feature (ids 1..6 of a table of 8 rows, dim 2), w dense. */
function embedded(train: Partial<TrainSpec>): IRGraph {
  const g = logistic(train);
  const b = new GraphBuilder();
  const ids = b.input('id', 'int32', ['batch'], site);
  const table = node(b.param('table', [8, 2], { kind: 'normal', std: 0.1 }, 'embedding', true, site));
  const w = node(b.param('w', [2, 1], { kind: 'normal', std: 0.1 }, 'dense', true, site));
  const offset = node(b.param('offset', [1], { kind: 'constant', value: 0.25 }, 'dense', false, site));
  const e = node(b.add('gather', [table.id, ids.id], {}, site));
  const z = node(b.add('add', [node(b.add('matmul', [e.id, w.id], {}, site)).id, offset.id], {}, site));
  const p = node(b.add('sigmoid', [z.id], {}, site));
  return {
    ...g,
    features: [{ kind: 'id', name: 'id', column: 'id', source: { kind: 'hash', buckets: 7 }, dim: 2, table: 'table', rows: 8 }, { kind: 'label', name: 'y', column: 'y' }],
    inputs: { id: ids.id },
    nodes: b.nodes,
    params: b.params,
    tasks: [{ ...g.tasks[0]!, output: p.id, logit: z.id }],
  };
}

/** n rows of an id in 1..6; ids 1–3 are positive, 4–6 negative, with 10 % of labels flipped. */
function idData(n: number, seed: string): Dataset {
  const rng = seedrandom(seed);
  const id = Int32Array.from({ length: n }, () => 1 + Math.floor(rng() * 6));
  const y = Float32Array.from(id, (v) => ((v <= 3) !== rng() < 0.1 ? 1 : 0));
  return { n, inputs: { id }, shapes: { id: [] }, labels: { click: y }, keys: {} };
}

/** n rows of x ~ U(−1, 1)², y = [x1 + 0.5·x2 > 0], a group column splitting rows by sign of x1. */
function separable(n: number, seed = 'data'): Dataset {
  const rng = seedrandom(seed);
  const x = Float32Array.from({ length: 2 * n }, () => 2 * rng() - 1);
  const y = Float32Array.from({ length: n }, (_, i) => (x[2 * i]! + 0.5 * x[2 * i + 1]! > 0 ? 1 : 0));
  return { n, inputs: { x }, shapes: { x: [2] }, labels: { click: y }, keys: { seg: Array.from({ length: n }, (_, i) => (x[2 * i]! > 0 ? 'pos' : 'neg')) } };
}

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
const out = () => mkdtempSync(join(tmpdir(), 'recc-loop-'));
const opts = (extra: Partial<TrainOptions> = {}): TrainOptions => ({ outDir: out(), resume: false, checkpointEvery: 1000, log: () => undefined, progress: false, ...extra });
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('training loop on hand-built graphs', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('one full-batch SGD step equals the hand-computed gradient; groups get their own lr; frozen stays', async () => {
    const X = [
      [1, 2],
      [-1, 0.5],
      [0.5, -1],
      [2, 1],
    ];
    const Y = [1, 0, 0, 1];
    const ds: Dataset = { n: 4, inputs: { x: Float32Array.from(X.flat()) }, shapes: { x: [2] }, labels: { click: Float32Array.from(Y) }, keys: {} };
    const g = logistic({ batch: 4, optimizer: { dense: { kind: 'sgd', lr: 1 }, embedding: { kind: 'sgd', lr: 0.5 } } });
    g.tasks[0]!.weight = 2; // the task weight scales its gradient
    const r = await train(tf, g, ds, { train: range(0, 4), test: range(0, 4) }, opts());
    // z = 0.25 for every row at w = 0, b = 0: ∂L/∂w = 2·Xᵀ(σ(0.25) − y)/4, ∂L/∂b = 2·mean(σ(0.25) − y)
    const d = Y.map((y) => sigmoid(0.25) - y);
    const gw = [0, 1].map((j) => (2 * X.reduce((s, row, i) => s + row[j]! * d[i]!, 0)) / 4);
    const gb = (2 * d.reduce((a, c) => a + c, 0)) / 4;
    expect(r.weights.w![0]).toBeCloseTo(-1 * gw[0]!, 6);
    expect(r.weights.w![1]).toBeCloseTo(-1 * gw[1]!, 6);
    expect(r.weights.b![0]).toBeCloseTo(-0.5 * gb, 6);
    expect(r.weights.offset![0]).toBe(0.25);
    expect(r.state.step).toBe(1);
  });

  it('learns a separable problem (held-out AUC > 0.95) and reports metrics per group', async () => {
    const ds = separable(2000);
    const g = logistic({ optimizer: { dense: { kind: 'adam', lr: 0.05 }, embedding: { kind: 'adagrad', lr: 0.1 } }, epochs: 3, groupBy: 'seg', warmupSteps: 5, clipNorm: 5, lrDecay: 'cosine' });
    const lines: string[] = [];
    const r = await train(tf, g, ds, { train: range(0, 1500), test: range(1500, 2000) }, opts({ log: (l) => lines.push(l) }));
    const all = r.evaluation.tasks.click!;
    expect(all.all!.auc).toBeGreaterThan(0.95);
    expect(all.all!.n).toBe(500);
    // the group rows are the metrics of the rows with that value, recomputed here from the weights
    const test = Array.from(range(1500, 2000));
    for (const seg of ['pos', 'neg']) {
      const rows = test.filter((i) => ds.keys.seg![i] === seg);
      const p = rows.map((i) => sigmoid(ds.inputs.x[2 * i]! * r.weights.w![0]! + ds.inputs.x[2 * i + 1]! * r.weights.w![1]! + r.weights.b![0]! + 0.25));
      expect(all[`seg=${seg}`]!.n).toBe(rows.length);
      expect(all[`seg=${seg}`]!.auc).toBeCloseTo(auc(p, rows.map((i) => ds.labels.click![i]!)), 4);
    }
    expect(lines.filter((l) => /^epoch \d\/3: loss [\d.]+ \| click: auc/.test(l))).toHaveLength(3);
    expect(r.state.history).toHaveLength(3);
  });

  it('a run stopped mid-epoch and resumed ends with the same weights as an uninterrupted run', async () => {
    const ds = separable(600, 'resume');
    const g = logistic({ optimizer: { dense: { kind: 'adam', lr: 0.05 }, embedding: { kind: 'adagrad', lr: 0.1 } }, epochs: 2, batch: 50, warmupSteps: 4 });
    const split = { train: range(0, 500), test: range(500, 600) };
    const full = await train(tf, g, ds, split, opts());
    const dir = out();
    const part = await train(tf, g, ds, split, opts({ outDir: dir, maxSteps: 7 }));
    expect(part.state.step).toBe(7);
    const ck = decodeSafetensors(readFileSync(join(dir, CHECKPOINT)));
    if ('error' in ck) throw new Error(ck.error);
    // Adam's m and v of w (dense), AdaGrad's accumulator of b (embedding); step counts in the state
    expect(Object.keys(ck.tensors).filter((k) => k.startsWith('optimizer/')).sort()).toEqual(['optimizer/b/accumulator', 'optimizer/w/m', 'optimizer/w/v']);
    const state = JSON.parse(readFileSync(join(dir, STATE_JSON), 'utf8')) as { step: number; batchInEpoch: number; rng: { consumedRows: number }; optimizer: Record<string, { step: number }> };
    expect([state.step, state.batchInEpoch, state.rng.consumedRows]).toEqual([7, 7, 350]);
    expect([state.optimizer.dense!.step, state.optimizer.embedding!.step]).toEqual([7, 7]);
    const logs: string[] = [];
    const resumed = await train(tf, g, ds, split, opts({ outDir: dir, resume: true, log: (l) => logs.push(l) }));
    expect(logs[0]).toBe('resuming from step 7 (epoch 1, batch 7)');
    expect(resumed.state.step).toBe(full.state.step);
    for (const k of ['w', 'b']) {
      Array.from(full.weights[k]!).forEach((v, i) => expect(resumed.weights[k]![i]).toBeCloseTo(v, 6));
    }
    expect(resumed.evaluation.tasks.click!.all!.auc).toBeCloseTo(full.evaluation.tasks.click!.all!.auc!, 6);
  });

  it('a run interrupted before a step checkpoints the steps taken, stops at once, and resumes to the uninterrupted weights', async () => {
    const ds = separable(600, 'interrupt');
    const g = logistic({ optimizer: { dense: { kind: 'adam', lr: 0.05 }, embedding: { kind: 'adagrad', lr: 0.1 } }, epochs: 2, batch: 50 });
    const split = { train: range(0, 500), test: range(500, 600) };
    const full = await train(tf, g, ds, split, opts());
    const dir = out();
    const interrupt: { signal?: string } = {};
    const logs: string[] = [];
    const finals: boolean[] = [];
    // the signal comes during step 13 (epoch 2, batch 3): the loop stops before step 14
    const part = await train(tf, g, ds, split, opts({ outDir: dir, interrupt, log: (l) => logs.push(l), onStep: ({ step }) => void (step === 13 && (interrupt.signal = 'SIGTERM')), onEpoch: (e) => void finals.push(e.final) }));
    expect(part.interrupted).toBe('SIGTERM');
    expect(part.state.step).toBe(13);
    // no evaluation after the interrupt: the one of the last whole epoch
    expect(part.evaluation).toEqual(part.state.history[0]!.metrics);
    // the first epoch's end wrote artefacts; the interrupt wrote none, only the checkpoint
    expect(finals).toEqual([false]);
    expect(logs.at(-1)).toBe('stopped by SIGTERM after step 13 (epoch 2, batch 3): checkpoint written; continue with --resume');
    const state = JSON.parse(readFileSync(join(dir, STATE_JSON), 'utf8')) as { step: number; epoch: number; batchInEpoch: number };
    expect([state.step, state.epoch, state.batchInEpoch]).toEqual([13, 1, 3]);
    const resumed = await train(tf, g, ds, split, opts({ outDir: dir, resume: true }));
    expect(resumed.state.step).toBe(full.state.step);
    for (const k of ['w', 'b']) Array.from(full.weights[k]!).forEach((v, i) => expect(resumed.weights[k]![i]).toBeCloseTo(v, 6));
    // interrupted again right after the resume, before any step: nothing to write
    const idle = { signal: 'SIGINT' };
    const again = await train(tf, g, ds, split, opts({ outDir: out(), interrupt: idle, log: (l) => logs.push(l) }));
    expect([again.interrupted, again.state.step]).toEqual(['SIGINT', 0]);
    expect(logs.at(-1)).toBe('stopped by SIGINT after step 0 (epoch 1, batch 0): no step taken, nothing written; continue with --resume');
  });

  it('refuses to resume from a checkpoint of another model, or a damaged one', async () => {
    const ds = separable(200, 'x');
    const split = { train: range(0, 150), test: range(150, 200) };
    const dir = out();
    await train(tf, logistic({}), ds, split, opts({ outDir: dir }));
    const other = logistic({});
    other.model = 'other';
    await expect(train(tf, other, ds, split, opts({ outDir: dir, resume: true }))).rejects.toThrow(/does not match the spec[\s\S]*written for model `lr`/);
    writeFileSync(join(dir, CHECKPOINT), readFileSync(join(dir, CHECKPOINT)).subarray(0, 100));
    await expect(train(tf, logistic({}), ds, split, opts({ outDir: dir, resume: true }))).rejects.toBeInstanceOf(TrainError);
  });

  it('stops early when the first metric does not improve for `patience` epochs, and a resume stays stopped', async () => {
    const ds = separable(300, 'es');
    const frozen = { kind: 'sgd' as const, lr: 0 }; // nothing changes: AUC is flat after epoch 1
    const g = logistic({ optimizer: { dense: frozen, embedding: frozen }, epochs: 10, earlyStop: { patience: 2 } });
    const dir = out();
    const split = { train: range(0, 200), test: range(200, 300) };
    const r = await train(tf, g, ds, split, opts({ outDir: dir }));
    expect(r.state.epoch).toBe(3);
    expect(r.state.earlyStopped).toBe(true);
    const again = await train(tf, g, ds, split, opts({ outDir: dir, resume: true }));
    expect(again.state.step).toBe(r.state.step);
  });

  it('stops on a non-finite loss, naming the step and the task', async () => {
    const ds = separable(100, 'nan');
    ds.labels.watch = Float32Array.from({ length: 100 }, () => 1e30); // (z − 1e30)² overflows float32
    const g = logistic({ batch: 10 }, (z) => [{ name: 'watch', kind: 'regression', classes: 1, label: { kind: 'Name', name: 'w', span: SPAN }, loss: 'mse', weight: 1, output: z.id, logit: z.id }]);
    await expect(train(tf, g, ds, { train: range(0, 80), test: range(80, 100) }, opts())).rejects.toThrow(/the loss became Infinity at step 1 \(epoch 1, batch 1\) in task `watch`/);
  });

  it('an embedding table looked up by ids trains sparsely, and resumes exactly (lazy Adam slots in the checkpoint)', async () => {
    const ds = idData(600, 'sparse');
    const g = embedded({ optimizer: { dense: { kind: 'adam', lr: 0.05 }, embedding: { kind: 'adam', lr: 0.1 } }, epochs: 2, batch: 40 });
    const split = { train: range(0, 480), test: range(480, 600) };
    const full = await train(tf, g, ds, split, opts());
    expect(full.evaluation.tasks.click!.all!.auc).toBeGreaterThan(0.9);
    // rows no training id names (ids are 1..6, row 0 and 7 never appear) keep their initial values
    const init = initWeights(g, g.train.seed).table!;
    for (const r of [0, 7]) expect(Array.from(full.weights.table!.subarray(2 * r, 2 * r + 2))).toEqual(Array.from(init.subarray(2 * r, 2 * r + 2)));
    const dir = out();
    await train(tf, g, ds, split, opts({ outDir: dir, maxSteps: 7 }));
    const ck = decodeSafetensors(readFileSync(join(dir, CHECKPOINT)));
    if ('error' in ck) throw new Error(ck.error);
    expect(ck.tensors['optimizer/table/m']!.shape).toEqual([8, 2]);
    const resumed = await train(tf, g, ds, split, opts({ outDir: dir, resume: true }));
    for (const k of ['table', 'w']) expect(Array.from(resumed.weights[k]!)).toEqual(Array.from(full.weights[k]!));
  });

  it('resumes from a checkpoint written with tfjs optimizers (positional slots, `iter` step count)', async () => {
    const ds = separable(600, 'legacy');
    const g = logistic({ optimizer: { dense: { kind: 'adam', lr: 0.05 }, embedding: { kind: 'adagrad', lr: 0.1 } }, epochs: 2, batch: 50 });
    const split = { train: range(0, 500), test: range(500, 600) };
    const full = await train(tf, g, ds, split, opts());
    const dir = out();
    await train(tf, g, ds, split, opts({ outDir: dir, maxSteps: 7 }));
    // Rewrite the checkpoint the way recc wrote it with tfjs's optimizers: getWeights() order
    // (the iteration count, then each variable's slots) under `<group>/<index>`, and the state
    // listing `<group>/<index> (<tfjs slot name>)`.
    const path = join(dir, CHECKPOINT);
    const ck = decodeSafetensors(readFileSync(path));
    if ('error' in ck) throw new Error(ck.error);
    const state = JSON.parse(ck.metadata['recc.state']!) as TrainState;
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [k, v] of Object.entries(ck.tensors)) if (!k.startsWith('optimizer/')) tensors[k] = v;
    const legacy = (group: string, names: string[]) => {
      const listed = [`${group}/000000 (iter)`];
      tensors[`optimizer/${group}/000000`] = { shape: [], data: Float32Array.of(state.optimizer![group]!.step!) };
      names.forEach((name, i) => {
        const key = `${group}/${String(i + 1).padStart(6, '0')}`;
        tensors[`optimizer/${key}`] = ck.tensors[`optimizer/${name}`]!;
        listed.push(`${key} (${name})`);
      });
      state.optimizer![group] = { kind: state.optimizer![group]!.kind, lr: state.optimizer![group]!.lr, slots: listed };
    };
    legacy('dense', ['w/m', 'w/v']);
    legacy('embedding', ['b/accumulator']);
    writeFileSync(path, encodeSafetensors(tensors, { 'recc.state': JSON.stringify(state) }));
    const resumed = await train(tf, g, ds, split, opts({ outDir: dir, resume: true }));
    for (const k of ['w', 'b']) expect(Array.from(resumed.weights[k]!)).toEqual(Array.from(full.weights[k]!));
  });
});

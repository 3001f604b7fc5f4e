// PeterRec end to end on the synthetic setting (src/data/synth/peterrec.ts): a pretraining stage
// (next-item prediction) and a fine-tuning stage that freezes the network and the item table,
// grafts serial patches and trains them, the blocks' second layer norms and a profile head.
// Checked: the parameter counts against the paper's formulas by hand; the next-item objective
// against NumPy (test/blocks/reference/peterrec.py); every frozen parameter bit-identical after
// fine-tuning while the trained ones move; and starting the fine-tuning from another run's
// weights (`--init`, `--from`): loaded by name, a renamed block is an error that names it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../src/data/preprocess.js';
import { split } from '../../src/data/split.js';
import { peterrecRows } from '../../src/data/synth/peterrec.js';
import { graphStats } from '../../src/ir/stats.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyze } from '../../src/semantics/analyze.js';
import { startFromPretrained } from '../../src/train/pretrained.js';
import { drawNegatives } from '../../src/train/task-tensors.js';
import { train, type EpochEnd, type TrainOptions } from '../../src/train/train.js';
import { runReference } from '../blocks/helpers.js';

const spec = (net = 'net') => `use std.peterrec
model m {
  features {
    items: seq(id(hash: 256, dim: 8), max_len: 12)
    age: label
  }
  let ${net} = peterrec.nextitnet(items, dilations: [1, 2])
  train { batch: 64, seed: 3, optimizer: adam(lr: 0.01) }
  stage pretrain {
    task next : next_item(items) { from: ${net} }
  }
  stage tune {
    freeze: [${net}, embedding]
    train: [${net}.*.ln1]
    graft: { into: "${net}.*.conv*", patch: peterrec.serial(bottleneck: 2) }
    task age : multiclass(label: age, classes: 4) { from: peterrec.user_vector(${net}) }
  }
}`;

function compile(text: string) {
  const a = analyze(text, '/virtual/peterrec.rec');
  expect(a.diagnostics).toEqual([]);
  return a.graph!;
}
const g = compile(spec());
const rows = peterrecRows({ seed: 5, rows: 300 });
const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'synth', keyColumns: [] });
const parts = split(dataset, g.train.split, g.train.seed);
const opts = (extra: Partial<TrainOptions> = {}): TrainOptions => ({ outDir: mkdtempSync(join(tmpdir(), 'recc-peterrec-')), resume: false, checkpointEvery: 1000, log: () => undefined, progress: false, ...extra });

describe('PeterRec: pretrain, graft, fine-tune', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('counts what each stage trains by the paper\'s formulas', () => {
    const [C, k, b, V] = [8, 3, 2, 257];
    const block = 2 * (k * C * C + C) + 2 * 2 * C; // two convs with biases, two layer norms
    const patch = C * b + b + b * C + C; // MP: W_down, W_up and their biases
    const table = V * C;
    const nextHead = C * V + V;
    const ageHead = C * 4 + 4;
    const ln2 = 2 * C; // γ, β of the second layer norm of a block
    expect(graphStats(g).stages.map((s) => [s.stage, s.trainable, s.total])).toEqual([
      ['pretrain', table + 2 * block + nextHead, table + 2 * block + nextHead],
      ['tune', 2 * (2 * patch + ln2) + ageHead, table + 2 * block + 2 * 2 * patch + ageHead],
    ]);
    const tune = g.plan.stages[1]!;
    expect(tune.trainable.filter((p) => p.includes('.serial.')).length).toBe(4 * 4);
    expect(tune.frozen).toContain('features.items.table');
    expect(tune.frozen).toContain('net.residual1.conv1.w');
    expect(tune.frozen).toContain('net.residual0.ln0.gamma');
    expect(tune.trainable).toContain('net.residual0.ln1.gamma');
  });

  it('the next-item objective equals NumPy\'s masked mean cross-entropy', () => {
    const w = initWeights(g, 11);
    w['next.out.bias'] = w['next.out.bias']!.map((_, i) => 0.01 * (i % 7) - 0.03);
    const ids = [3, 7, 1, 12, 5, 0, 0, 0, 0, 0, 0, 0, 2, 9, 40, 200, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const f = buildForward(tf, g, 'pretrain', { objective: true });
    const got = tf.tidy(() => f(Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(w[p.name]!, p.shape)])), { items: tf.tensor(ids, [3, 12], 'int32') }).objective!.dataSync()[0]!);
    const params = Object.fromEntries(g.params.filter((p) => p.name.startsWith('net.') || p.name.startsWith('next.') || p.name.startsWith('features.')).map((p) => [p.name, { shape: p.shape, data: Array.from(w[p.name]!) }]));
    const ref = runReference('peterrec', { block: 'nextitnet', config: { dilations: [1, 2], mode: 'plain', objective: true }, params, inputs: { items: { shape: [3, 12], data: ids, ids: true } } });
    expect(got).toBeCloseTo(ref.objective![0]![0]!, 5);
  });

  it('the sampled-softmax objective equals NumPy\'s on given negatives; the trainer draws distinct ids per step', async () => {
    const gs = compile(spec().replace('next_item(items)', 'next_item(items, negatives: 6)'));
    const w = initWeights(gs, 12);
    w['next.out.bias'] = w['next.out.bias']!.map((_, i) => 0.01 * (i % 7) - 0.03);
    const ids = [3, 7, 1, 12, 5, 0, 0, 0, 0, 0, 0, 0, 2, 9, 40, 200, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const negatives = [7, 100, 40, 3, 250, 18]; // 7, 40 and 3 are targets somewhere: accidental hits
    const f = buildForward(tf, gs, 'pretrain', { objective: true });
    const got = tf.tidy(() => f(Object.fromEntries(gs.params.map((p) => [p.name, tf.tensor(w[p.name]!, p.shape)])), { items: tf.tensor(ids, [3, 12], 'int32'), 'next/negatives': tf.tensor(negatives, [6], 'int32') }).objective!.dataSync()[0]!);
    const params = Object.fromEntries(gs.params.filter((p) => !p.name.startsWith('age.') && !p.name.includes('.serial.')).map((p) => [p.name, { shape: p.shape, data: Array.from(w[p.name]!) }]));
    const ref = runReference('peterrec', { block: 'nextitnet', config: { dilations: [1, 2], mode: 'plain', negatives }, params, inputs: { items: { shape: [3, 12], data: ids, ids: true } } });
    expect(got).toBeCloseTo(ref.sampled![0]![0]!, 5);
    const a = drawNegatives(257, 6, '3:next:10');
    expect(Array.from(a)).toEqual(Array.from(drawNegatives(257, 6, '3:next:10')));
    expect(new Set(a).size).toBe(6);
    expect(Array.from(a).every((i) => i >= 1 && i <= 256)).toBe(true);
    expect(Array.from(drawNegatives(257, 6, '3:next:11'))).not.toEqual(Array.from(a));
    const r = await train(tf, gs, dataset, parts, opts({ maxSteps: 4 }));
    expect(Number.isFinite(r.state.losses[r.state.losses.length - 1]!.loss)).toBe(true);
  });

  it('fine-tuning leaves every frozen parameter bit-identical and moves the patches, LN2 and the head', async () => {
    let afterPretrain: Record<string, Float32Array> | undefined;
    const logs: string[] = [];
    const r = await train(tf, g, dataset, parts, opts({ log: (l) => logs.push(l), onEpoch: (e: EpochEnd) => void (e.stage.name === 'pretrain' && (afterPretrain = e.weights)) }));
    const init = initWeights(g, g.train.seed);
    const tune = g.plan.stages[1]!;
    for (const p of tune.frozen) {
      expect(Array.from(afterPretrain![p]!), `${p} trained in pretrain`).not.toEqual(Array.from(init[p]!));
      expect(Buffer.from(r.weights[p]!.buffer).equals(Buffer.from(afterPretrain![p]!.buffer)), `${p} frozen in tune`).toBe(true);
    }
    for (const p of tune.trainable) {
      // the patches' down-projections get no gradient while their up-projections are still zero
      // at the first step, but move after it; every trained parameter moves in one epoch
      expect(Array.from(r.weights[p]!), `${p} trained in tune`).not.toEqual(Array.from(afterPretrain![p]!));
    }
    expect(logs).toContain('pretrain: training 5,233 of 5,233 parameters (100.00 %)');
    expect(logs).toContain('tune: training 236 of 3,124 parameters (7.55 %)');
    const pre = r.state.history.find((h) => h.stage === 'pretrain')!.metrics.tasks.next!.all!;
    expect(pre.nll).toBeGreaterThan(0);
    expect(pre.nll).toBeLessThan(Math.log(257)); // better than a uniform guess after one epoch
    expect(r.evaluation.tasks.age!.all!.accuracy).toBeGreaterThan(0);
  });

  it('starts a fine-tuning run from a pretraining run\'s weights by name; a renamed block is an error', async () => {
    const pre = await train(tf, g, dataset, parts, opts({ maxSteps: 3 }));
    const tensors = Object.fromEntries(g.params.filter((p) => !p.name.includes('.serial.') && !p.name.startsWith('age.')).map((p) => [p.name, { shape: p.shape, data: pre.weights[p.name]! }]));
    const ok = startFromPretrained(g, g.plan, initWeights(g, 1), { file: 'pre.safetensors', tensors, from: 'tune' });
    if ('error' in ok) throw new Error(ok.error);
    expect(ok.stage).toBe(1);
    expect(Array.from(ok.weights['net.residual0.conv0.w']!)).toEqual(Array.from(pre.weights['net.residual0.conv0.w']!));
    expect(Array.from(ok.weights['age.out.kernel']!)).toEqual(Array.from(initWeights(g, 1)['age.out.kernel']!));
    const renamed = compile(spec('backbone'));
    const bad = startFromPretrained(renamed, renamed.plan, initWeights(renamed, 1), { file: 'pre.safetensors', tensors, from: 'tune' });
    expect('error' in bad && bad.error).toContain('`backbone.residual0.ln1.gamma` [8] is not in the file; it has `net.residual0.ln1.gamma`');
    const unknown = startFromPretrained(g, g.plan, initWeights(g, 1), { file: 'pre.safetensors', tensors, from: 'tuen' });
    expect('error' in unknown && unknown.error).toContain('the spec has no stage `tuen`');
  });
});

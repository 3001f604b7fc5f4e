// A model with a meta block, trained in stages (test/fixtures/specs/limaml-staged.rec): `warm`
// steps over rows (`step: supervised`), `meta` is a MAML stage (the default). Each stage is
// checked against a run without stages, which the other LiMAML tests check against the paper's
// equations and PyTorch:
//  - warm's weights are those of the same network trained as a plain model (the meta block's body
//    as a block called by a `let` of its name: limaml-staged-vanilla.rec), bit for bit;
//  - meta's are those of the single MAML stage of limaml-staged-maml.rec started from warm's
//    weights (`--init`), bit for bit;
//  - warm is evaluated as the model serves: each held-out user adapted on its support rows, its
//    query rows scored, as the single-stage spec's runner scores them from warm's weights.
// And: a MAML stage that freezes θ_meta leaves it as warm left it; a run stopped inside the MAML
// stage resumes to the uninterrupted weights; ort trains the plan as wasm does.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { split } from '../../src/data/split.js';
import { planOf, stageGraph } from '../../src/ir/plan.js';
import type { IRGraph } from '../../src/ir/types.js';
import { objectives } from '../../src/ir/passes/objectives.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { auc } from '../../src/train/metrics.js';
import { splitTestTasks } from '../../src/train/task-split.js';
import { tfjsRunner } from '../../src/train/tfjs-runner.js';
import type { EpochEnd } from '../../src/train/train.js';
import { ortRunner } from '../../src/train/ort-runner.js';
import type { Ort } from '../../src/train/ort/load.js';
import { trainRows, wasmAndOrt } from '../helpers/ort-train.js';

const specs = join(import.meta.dirname, '../fixtures/specs');
const graphOf = (name: string): IRGraph => {
  const a = analyzeFile(join(specs, name));
  expect(a.diagnostics).toEqual([]);
  return a.graph!;
};
const ROWS = 3000;

describe('a model with a meta block, trained in stages', () => {
  const staged = graphOf('limaml-staged.rec');
  let afterWarm: Record<string, Float32Array> = {};
  let warmEval: EpochEnd['evaluation'] | undefined;
  let final: Record<string, Float32Array> = {};
  let warmSteps = 0;
  let ort: Ort;

  beforeAll(async () => {
    ort = await wasmAndOrt();
    const r = await trainRows(staged, ROWS, {
      onEpoch: (e) => {
        if (e.stage.name === 'warm') [afterWarm, warmEval, warmSteps] = [e.weights, e.evaluation, e.state.step];
      },
    });
    final = r.weights;
  });

  it('plans warm as a supervised stage over rows and meta as a MAML stage over tasks', () => {
    const [warm, meta] = staged.plan.stages;
    expect([warm!.step, warm!.batching]).toEqual([{ kind: 'supervised' }, { kind: 'rows' }]);
    // §6.4's recipe is MAML's only: warm's lr as written, no clipping or warm-up by default
    expect(warm!.optimizers.map((o) => o.spec.lr)).toEqual([3e-3, 3e-3]);
    expect([warm!.settings.clipNorm, warm!.settings.warmupFraction]).toEqual([undefined, undefined]);
    expect(meta!.step).toEqual({ kind: 'maml', group: 'user_meta', steps: 1, lr: 0.5, order: 'second', lrScale: 0.5 });
    expect(meta!.batching).toEqual({ kind: 'tasks', key: 'user_id', perBatch: 16, support: 0.75 });
    expect(meta!.optimizers.map((o) => o.spec.lr)).toEqual([1.5e-3, 1.5e-3]);
    expect([meta!.settings.clipNorm, meta!.settings.warmupFraction]).toEqual([1, 0.05]);
    expect(staged.meta!.support).toBe(0.75);
  });

  it('warm trains as the same network without a meta block does, bit for bit', async () => {
    const vanilla = await trainRows(graphOf('limaml-staged-vanilla.rec'), ROWS);
    expect(Object.keys(afterWarm).sort()).toEqual(Object.keys(vanilla.weights).sort());
    for (const [name, w] of Object.entries(vanilla.weights)) expect(Array.from(afterWarm[name]!), name).toEqual(Array.from(w));
  });

  it('meta continues as the single MAML stage started from warm\'s weights, bit for bit', async () => {
    const tensors = Object.fromEntries(staged.params.map((p) => [p.name, { shape: p.shape, data: afterWarm[p.name]! }]));
    const maml = await trainRows(graphOf('limaml-staged-maml.rec'), ROWS, { pretrained: { file: 'warm', tensors } });
    for (const [name, w] of Object.entries(maml.weights)) {
      expect(Array.from(final[name]!), name).toEqual(Array.from(w));
      expect(Array.from(w), `${name} moved in meta`).not.toEqual(Array.from(afterWarm[name]!));
    }
  });

  it('warm is evaluated as the model serves: held-out users adapted on their support rows, query rows scored', async () => {
    // the single-stage spec's runner, from warm's weights, on the held-out users of the same split
    const single = objectives(graphOf('limaml-staged-maml.rec'));
    const stage = planOf(single).stages[0]!;
    const loaded = await loadData(stageGraph(single, stage), { rows: ROWS, skipBadRows: false, seed: stage.settings.seed });
    const parts = split(loaded.dataset, stage.settings.split, stage.settings.seed);
    const { support, query } = splitTestTasks(loaded.dataset, 'user_id', parts.test, 0.75);
    const runner = tfjsRunner(tf, { graph: stageGraph(single, stage), stage, weights: afterWarm, schedule: {}, adaptOn: support });
    const p = await runner.predict(query);
    runner.dispose();
    const all = warmEval!.tasks.click!.all!;
    expect(all.n).toBe(query.n);
    expect(query.n).toBeLessThan(parts.test.length);
    expect(all.auc).toBeCloseTo(auc(p.click!, query.labels.click!), 10);
  });

  it('a MAML stage that freezes θ_meta trains the rest, and leaves θ_meta as warm left it', async () => {
    const text = readFileSync(join(specs, 'limaml-staged.rec'), 'utf8').replace('  stage meta {\n    epochs: 1\n', '  stage meta {\n    epochs: 1\n    freeze: [user_meta]\n');
    const a = analyze(text, join(specs, 'limaml-staged.rec'));
    expect(a.diagnostics).toEqual([]);
    const g = a.graph!;
    expect(g.plan.stages[1]!.frozen).toEqual(g.meta!.params);
    let warm: Record<string, Float32Array> = {};
    const r = await trainRows(g, ROWS, { onEpoch: (e) => void (e.stage.name === 'warm' && (warm = e.weights)) });
    for (const [name, w] of Object.entries(r.weights)) {
      if (g.meta!.params.includes(name)) expect(Array.from(w), `${name} frozen`).toEqual(Array.from(warm[name]!));
      else expect(Array.from(w), `${name} trained`).not.toEqual(Array.from(warm[name]!));
    }
    // warm trained as before: the freeze is meta's only
    for (const [name, w] of Object.entries(afterWarm)) expect(Array.from(warm[name]!), name).toEqual(Array.from(w));
  });

  it('a run stopped inside the MAML stage resumes to the uninterrupted weights, bit for bit', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'recc-limaml-stages-'));
    const part = await trainRows(staged, ROWS, { outDir, maxSteps: warmSteps + 3 });
    expect([part.state.stage, part.state.step]).toEqual(['meta', 3]);
    const rest = await trainRows(staged, ROWS, { outDir, resume: true });
    for (const [name, w] of Object.entries(final)) expect(Array.from(rest.weights[name]!), name).toEqual(Array.from(w));
  });

  it('trains the same on --backend ort, a supervised stage then a MAML stage', async () => {
    const native = await trainRows(staged, ROWS, { runner: (init) => ortRunner(ort, init, { threads: 1, cuda: false }) });
    let worst = 0;
    for (const [name, w] of Object.entries(final)) {
      const o = native.weights[name]!;
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(o[i]! - w[i]!));
    }
    expect(worst).toBeLessThan(1e-5);
    expect(native.evaluation.tasks.click!.all!.n).toBe(warmEval!.tasks.click!.all!.n);
  });
});

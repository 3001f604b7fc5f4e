// A plan of two stages (test/fixtures/specs/two-stage.rec): `warm` trains everything on `click`;
// `tune` starts from warm's weights by name, freezes the feature tables (a group defined by a
// selector) and `trunk.dense0` (a path), and adds the task `like`. The frozen parameters come out
// of `tune` bit for bit as warm left them, the others move; a run killed inside `tune` resumes to
// the same weights as an uninterrupted run; and `recc stats` counts what each stage trains.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../src/data/preprocess.js';
import { split } from '../../src/data/split.js';
import { graphStats } from '../../src/ir/stats.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { train, type EpochEnd, type TrainOptions } from '../../src/train/train.js';
import { randomRows } from '../helpers/rows.js';

const spec = join(import.meta.dirname, '../fixtures/specs/two-stage.rec');
const a = analyzeFile(spec);
const g = a.graph!;
const rows = randomRows(g, 400, 'two-stage');
const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'random', keyColumns: [] });
const parts = split(dataset, g.train.split, g.train.seed);
const opts = (extra: Partial<TrainOptions> = {}): TrainOptions => ({ outDir: mkdtempSync(join(tmpdir(), 'recc-stages-')), resume: false, checkpointEvery: 1000, log: () => undefined, progress: false, ...extra });

const FROZEN_IN_TUNE = ['features.user.table', 'features.item.table', 'trunk.dense0.kernel', 'trunk.dense0.bias'];
const TRAINED_IN_TUNE = ['trunk.dense1.kernel', 'trunk.dense1.bias', 'click.out.kernel', 'like.out.kernel', 'like.tower.dense0.kernel'];

describe('a two-stage plan', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('elaborates to two stages with their own entries and trainable sets', () => {
    expect(a.diagnostics).toEqual([]);
    expect(g.plan.stages.map((s) => [s.name, s.entry, s.tasks])).toEqual([
      ['warm', 'warm', ['click']],
      ['tune', 'tune', ['click', 'like']],
    ]);
    expect(Object.keys(g.entries.serve!.outputs)).toEqual(['click', 'like']);
    expect(Object.keys(g.entries.warm!.outputs)).toEqual(['click']);
    const tune = g.plan.stages[1]!;
    for (const p of FROZEN_IN_TUNE) expect(tune.frozen).toContain(p);
    for (const p of TRAINED_IN_TUNE) expect(tune.trainable).toContain(p);
    // warm never reads the `like` head, so it neither trains nor freezes it
    expect(g.plan.stages[0]!.trainable.some((p) => p.startsWith('like.'))).toBe(false);
    // the tables go to the `tables` group's AdaGrad in warm; the rest to `dense`'s Adam
    expect(g.plan.stages[0]!.optimizers.map((o) => [o.group, o.spec.kind, o.params.length])).toEqual([
      ['tables', 'adagrad', 2],
      ['dense', 'adam', 8],
    ]);
  });

  it('stage 2 starts from stage 1 by name: frozen parameters stay bit-identical, the others move', async () => {
    let afterWarm: Record<string, Float32Array> | undefined;
    const onEpoch = (e: EpochEnd) => {
      if (e.stage.name === 'warm') afterWarm = e.weights;
    };
    const r = await train(tf, g, dataset, parts, opts({ onEpoch }));
    const init = initWeights(g, g.train.seed);
    expect(afterWarm).toBeDefined();
    for (const p of FROZEN_IN_TUNE) {
      expect(Array.from(afterWarm![p]!), `${p} trained in warm`).not.toEqual(Array.from(init[p]!));
      expect(Array.from(r.weights[p]!), `${p} frozen in tune`).toEqual(Array.from(afterWarm![p]!));
    }
    for (const p of TRAINED_IN_TUNE) expect(Array.from(r.weights[p]!), `${p} trained in tune`).not.toEqual(Array.from(afterWarm![p]!));
    expect(Object.keys(r.evaluation.tasks)).toEqual(['click', 'like']);
    expect(r.state.stage).toBe('tune');
    // 320 train rows (the default split holds out 20 %) at batch 32: 10 steps an epoch; warm's two epochs came before tune's one
    expect([r.state.doneSteps, r.state.step]).toEqual([20, 10]);
  });

  it('a run stopped inside stage 2 resumes to the weights of an uninterrupted run', async () => {
    const full = await train(tf, g, dataset, parts, opts());
    const dir = mkdtempSync(join(tmpdir(), 'recc-stages-'));
    const part = await train(tf, g, dataset, parts, opts({ outDir: dir, maxSteps: 23 }));
    expect([part.state.stage, part.state.step]).toEqual(['tune', 3]);
    const logs: string[] = [];
    const resumed = await train(tf, g, dataset, parts, opts({ outDir: dir, resume: true, log: (l) => logs.push(l) }));
    expect(logs[0]).toBe('resuming from step 3 of stage tune (epoch 1, batch 3)');
    for (const p of g.params) expect(Array.from(resumed.weights[p.name]!), p.name).toEqual(Array.from(full.weights[p.name]!));
  });

  it('recc stats: trained and total parameters per stage', () => {
    // tables 2 × 301 × 8 = 4_816; trunk dense0 (16+4)·16+16 = 336, dense1 16·8+8 = 136;
    // click tower 8·8+8 = 72 and out 8+1 = 9; like tower 8·4+4 = 36 and out 4+1 = 5.
    // warm reads all but `like` (5_369) and trains all of it; tune reads everything (5_410) and
    // trains dense1 and both heads: 136 + 81 + 41 = 258.
    expect(graphStats(g).stages).toEqual([
      { stage: 'warm', trainable: 5_369, total: 5_369, fraction: 1, step: 'supervised' },
      { stage: 'tune', trainable: 258, total: 5_410, fraction: 258 / 5_410, step: 'supervised' },
    ]);
  });
});

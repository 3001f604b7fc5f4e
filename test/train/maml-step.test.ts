// LiMAML's MAML step (Alg. 2a) on a tiny model written as a spec (test/fixtures/specs/limaml-tiny.rec):
// the outer gradient graph the step evaluates (passes/maml.ts), in float64 through the PyTorch
// lowering, equals an independent PyTorch program (test/train/reference/limaml_maml.py, autograd
// through the inner steps with create_graph=True) to 1e-6, for one and two inner steps; the
// second-order gradient of θ_meta differs from the first-order one by more than 1e-3 (MeLU's
// load_state_dict lost that term: its issue #9). Then one step of the TF.js runner on a batch of
// two tasks (SGD at lr 1, no clipping) moves every weight by minus the mean of the tasks' reference
// gradients, the tasks split in time order into support and query rows.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/preprocess.js';
import { getEntry } from '../../src/ir/entry.js';
import { mamlGraph, SUPPORT_ROWS_MASK, supportInputName } from '../../src/ir/passes/maml.js';
import { labelInput } from '../../src/ir/task-inputs.js';
import { verify } from '../../src/ir/verify.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { tfjsRunner } from '../../src/train/tfjs-runner.js';
import { haveTorch, runTorch } from '../helpers/torch.js';

const a = analyzeFile(join(import.meta.dirname, '../fixtures/specs/limaml-tiny.rec'));
const g = a.graph!;
const stage = g.plan.stages[0]!;
const objective = getEntry(g, stage.entry)!.objective!;
const NAMES = ['um.dense0.kernel', 'um.dense0.bias', 'h.dense0.kernel', 'h.dense0.bias', 'click.out.kernel', 'click.out.bias'];
const META = NAMES.slice(0, 2);

const rng = seedrandom('limaml-maml');
const rand = (n: number, s: number) => Array.from({ length: n }, () => (rng() * 2 - 1) * s);
const shapes = Object.fromEntries(g.params.map((p) => [p.name, p.shape]));
const weights = Object.fromEntries(NAMES.map((k) => [k, rand(shapes[k]!.reduce((x, y) => x * y, 1), 1.3)]));

/** Two tasks: 5 and 4 rows, in time order; support_fraction 0.6 gives 3 + 2 and 3 + 1 rows. */
const TASK_ROWS = [5, 4];
const rows = TASK_ROWS.flatMap((n, t) => Array.from({ length: n }, () => ({ key: `user${t}`, u: rand(3, 1.5), i: rand(2, 1.5), y: rng() < 0.5 ? 0 : 1 })));
const tasks = TASK_ROWS.map((n, t) => {
  const mine = rows.filter((r) => r.key === `user${t}`);
  const s = Math.ceil(0.6 * n);
  const pick = (from: number, to: number) => ({ u: mine.slice(from, to).map((r) => r.u), i: mine.slice(from, to).map((r) => r.i), y: mine.slice(from, to).map((r) => r.y) });
  const sup = pick(0, s);
  const qry = pick(s, n);
  return { us: sup.u, is: sup.i, ys: sup.y, uq: qry.u, iq: qry.i, yq: qry.y };
});

type PerTask = Array<Record<string, number[]>>;
function reference(steps: number): { second: PerTask; first: PerTask } {
  const payload = { params: Object.fromEntries(NAMES.map((k) => [k, { data: weights[k], shape: shapes[k] }])), tasks, alpha: 2.5, steps };
  const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'reference/limaml_maml.py')], { input: JSON.stringify(payload), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { second: PerTask; first: PerTask };
}

const value = (data: number[][]) => ({ data: data.flat(), shape: [data.length, data[0]!.length] });
const vec = (data: number[]) => ({ data, shape: [data.length] });
function taskInputs(t: (typeof tasks)[number]) {
  return {
    [supportInputName('user_feats')]: value(t.us),
    [supportInputName('item_feats')]: value(t.is),
    [supportInputName(labelInput('click'))]: vec(t.ys),
    [SUPPORT_ROWS_MASK]: vec(t.ys.map(() => 1)),
    user_feats: value(t.uq),
    item_feats: value(t.iq),
    [labelInput('click')]: vec(t.yq),
  };
}
const maxDiff = (x: number[], y: number[]) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
const flat = (r: Record<string, number[]>, names = NAMES) => names.flatMap((k) => r[k]!);

describe.runIf(haveTorch())('the LiMAML step (Alg. 2a)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('elaborates to a MAML stage over tasks grouped by user_id', () => {
    expect(a.diagnostics).toEqual([]);
    expect(stage.step).toEqual({ kind: 'maml', group: 'um', steps: 1, lr: 2.5, order: 'second', lrScale: 1 });
    expect(stage.optimizers.map((o) => o.spec.lr)).toEqual([1]);
    expect(stage.batching).toEqual({ kind: 'tasks', key: 'user_id', perBatch: 2, support: 0.6 });
    expect(g.groups.um).toEqual(META);
    expect(stage.trainable).toEqual(NAMES);
  });

  it('scales every learning rate linearly from lr_tasks (default 32) to tasks_per_batch (§6.4), and checks lr_tasks', () => {
    const file = join(import.meta.dirname, '../fixtures/specs/limaml-tiny.rec');
    const text = readFileSync(file, 'utf8');
    const scaled = (t: string) => analyze(t, file).graph!.plan.stages[0]!;
    // 2 tasks a batch, learning rates written for the default 32: 1.0 × 2/32
    const byDefault = scaled(text.replace(/ *lr_tasks: 2.*\n/, ''));
    expect(byDefault.optimizers.map((o) => o.spec.lr)).toEqual([0.0625]);
    expect(byDefault.step).toMatchObject({ kind: 'maml', lrScale: 0.0625 });
    // 128 tasks a batch for lrs written for 32: ×4, as the paper went from 32 to 128
    expect(scaled(text.replace('tasks_per_batch: 2', 'tasks_per_batch: 128').replace('lr_tasks: 2', 'lr_tasks: 32')).optimizers.map((o) => o.spec.lr)).toEqual([4]);
    const bad = analyze(text.replace('lr_tasks: 2', 'lr_tasks: 0'), file).diagnostics;
    expect(bad.map((d) => [d.code, d.message])).toEqual([['REC5036', '`lr_tasks` is an int ≥ 1: the tasks per batch the learning rates are written for']]);
  });

  for (const steps of [1, 2]) {
    describe(`${steps} inner step${steps > 1 ? 's' : ''}`, () => {
      const graphs = (['second', 'first'] as const).map((order) => mamlGraph(g, objective, META, NAMES, { steps, lr: 2.5, order }));
      const ref = reference(steps);
      let second: number[][] = [];
      let first: number[][] = [];
      beforeAll(async () => {
        [second, first] = await Promise.all(
          graphs.map(async (m) =>
            (await runTorch(tasks.map((t) => ({ graph: m.graph, outputs: m.grads.map((x) => x!), params: Object.fromEntries(NAMES.map((k) => [k, { data: weights[k]!, shape: shapes[k]! }])), inputs: taskInputs(t) })))).map((r) => r.outputs.flat()),
          ),
        );
      });

      it('the gradient graphs pass verify() and every parameter gets a gradient', () => {
        for (const m of graphs) {
          expect(verify(m.graph)).toEqual([]);
          expect(m.grads.every((x) => x !== undefined)).toBe(true);
        }
      });

      it('equals PyTorch autograd (create_graph=True) in float64 to 1e-6, per task, second and first order', () => {
        tasks.forEach((_, k) => {
          expect(maxDiff(second[k]!, flat(ref.second[k]!))).toBeLessThanOrEqual(1e-6);
          expect(maxDiff(first[k]!, flat(ref.first[k]!))).toBeLessThanOrEqual(1e-6);
        });
      });

      it("θ_meta's second-order gradient differs from the first-order one by more than 1e-3", () => {
        tasks.forEach((_, k) => {
          const metaLen = flat(ref.second[k]!, META).length;
          expect(maxDiff(flat(ref.second[k]!, META), flat(ref.first[k]!, META))).toBeGreaterThan(1e-3);
          expect(maxDiff(second[k]!.slice(0, metaLen), first[k]!.slice(0, metaLen))).toBeGreaterThan(1e-3);
        });
      });
    });
  }

  it('one TF.js step on two tasks moves each weight by minus the mean of their reference gradients (SGD, lr 1)', () => {
    const ref = reference(1).second;
    const batch: Dataset = {
      n: rows.length,
      inputs: { user_feats: Float32Array.from(rows.flatMap((r) => r.u)), item_feats: Float32Array.from(rows.flatMap((r) => r.i)) },
      shapes: { user_feats: [3], item_feats: [2] },
      labels: { click: Float32Array.from(rows.map((r) => r.y)) },
      keys: { user_id: rows.map((r) => r.key) },
    };
    const w32 = Object.fromEntries(NAMES.map((k) => [k, Float32Array.from(weights[k]!)]));
    const runner = tfjsRunner(tf, { graph: g, stage, weights: w32, schedule: { decay: 'constant', totalSteps: 1 } });
    try {
      const loss = runner.step(batch, 0);
      expect(Number.isFinite(loss)).toBe(true);
      const after = runner.weights();
      const moved = NAMES.flatMap((k) => Array.from(after[k]!, (v, i) => v - w32[k]![i]!));
      const want = NAMES.flatMap((k) => ref[0]![k]!.map((v, i) => -(v + ref[1]![k]![i]!) / 2));
      const scale = Math.max(...want.map(Math.abs));
      expect(maxDiff(moved, want) / scale).toBeLessThanOrEqual(1e-5);
    } finally {
      runner.dispose();
    }
  });
});

describe('the warm-up of a MAML stage (§6.4: "global learning rate scheduling with warm-up")', () => {
  const file = join(import.meta.dirname, '../fixtures/specs/limaml-tiny.rec');
  const text = readFileSync(file, 'utf8');
  const settings = (t: string) => analyze(t, file).graph!.plan.stages[0]!.settings;

  it('warms up over the first 5 % of the steps unless the spec says otherwise', () => {
    expect(settings(text)).toMatchObject({ warmupFraction: 0.05 });
    expect(settings(text).warmupSteps).toBeUndefined();
    const steps = settings(text.replace('clip_norm: 1e9', 'clip_norm: 1e9\n    warmup: 40'));
    expect([steps.warmupSteps, steps.warmupFraction]).toEqual([40, undefined]);
    const none = settings(text.replace('clip_norm: 1e9', 'clip_norm: 1e9\n    warmup: 0'));
    expect([none.warmupSteps, none.warmupFraction]).toEqual([0, undefined]);
    const share = settings(text.replace('clip_norm: 1e9', 'clip_norm: 1e9\n    warmup: 0.2'));
    expect([share.warmupSteps, share.warmupFraction]).toEqual([undefined, 0.2]);
  });

  it('a model without a meta block keeps no warm-up by default', () => {
    const plain = analyze('model m {\n  features {\n    u: id(hash: 10, dim: 2)\n    y: label\n  }\n  task t : binary(label: y) { from: u }\n}\n', 'm.rec');
    expect(plain.diagnostics).toEqual([]);
    const s = plain.graph!.plan.stages[0]!.settings;
    expect([s.warmupSteps, s.warmupFraction]).toEqual([undefined, undefined]);
  });

  it('a warm-up that is neither a step count nor a fraction of the run is a diagnostic', () => {
    const bad = analyze(text.replace('clip_norm: 1e9', 'clip_norm: 1e9\n    warmup: 1.5'), file).diagnostics;
    expect(bad.map((d) => [d.code, d.message])).toEqual([['REC5006', '`warmup` must be a number of steps (an int ≥ 0) or a fraction of the run in (0, 1)']]);
  });
});

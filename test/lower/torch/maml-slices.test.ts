// Task-size slices of a MAML stage's evaluation in train.py of `recc export torch`, against recc's
// own (src/train/task-split.ts). The test file's tasks have 25 rows (exactly the boundary: `25 or
// more`), 24, 26, 30, 10, 3 and 1 (no query row), interleaved, so both slices hold rows.
// - Membership: train.py's test_tasks() puts the same query rows in the same slice as recc's
//   splitTestTasks, and both agree with the slice the test derives from the task sizes it wrote.
// - Printed metrics: train.py evaluating recc's trained weights (--init, --epochs 0) prints, per
//   slice, recc's row count and recc's AUC. The meta block reads only columns constant within a
//   task, so adapting θ_meta (train.py) and serving the task's meta embedding (recc) score alike.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../../src/data/preprocess.js';
import type { Row } from '../../../src/data/row.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { encodeSafetensors } from '../../../src/io/safetensors.js';
import { initBackend } from '../../../src/lower/tfjs/backend.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { splitTestTasks, TASK_SLICE } from '../../../src/train/task-split.js';
import { train } from '../../../src/train/train.js';
import { haveTorch, runTrainPy } from '../../helpers/torch.js';

const work = mkdtempSync(join(tmpdir(), 'recc-maml-slices-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SPEC = `model maml_slices {
  features {
    user_id: id(hash: 60, dim: 3)
    user_feats: dense(3)
    item_id: id(hash: 40, dim: 4)
    item_feats: dense(2)
    clicked: label
  }
  meta_block um by user_id {
    inner { steps: 1, lr: 0.5, order: first }
    return dense(relu(dense(concat(user_feats, user_id), 4)), 2)
  }
  let x = concat(um, user_feats, item_feats, item_id)
  task click : binary(label: clicked) { tower: [4] }
  train {
    optimizer: sgd(lr: 0.5)
    epochs: 2
    tasks_per_batch: 4
    support_fraction: 0.75
    metrics: [auc, gauc(by: user_id)]
    seed: 5
  }
}
`;

const TRAIN_TASKS = [6, 4, 8, 3, 5, 7, 4, 6];
const TEST_TASKS = [25, 24, 26, 3, 1, 30, 10];

/** Rows of tasks of these sizes, dealt round-robin (tasks interleave); `row_id` numbers them. */
function rows(sizes: number[], prefix: string, seed: string): Row[] {
  const rng = seedrandom(seed);
  const vec = (n: number) => Array.from({ length: n }, () => (rng() * 2 - 1).toFixed(4)).join(',');
  const users = sizes.map((left) => ({ feats: vec(3), left }));
  const out: Row[] = [];
  while (users.some((u) => u.left > 0)) {
    users.forEach((u, k) => {
      if (u.left-- <= 0) return;
      out.push({ row_id: `${prefix}${out.length}`, user_id: `${prefix}u${k}`, user_feats: u.feats, item_id: String(Math.floor(rng() * 30)), item_feats: vec(2), clicked: rng() < 0.5 ? 0 : 1 });
    });
  }
  return out;
}

/** `fewer than 25` or `25 or more`, as the test reads Table 3's slices (independent of both codes). */
const expectedSlice = (size: number) => (size >= 25 ? '25 or more' : 'fewer than 25');

describe.runIf(haveTorch())('train.py reports recc’s task-size slices of a MAML evaluation', () => {
  const specFile = join(work, 'slices.rec');
  writeFileSync(specFile, SPEC);
  const a = analyzeFile(specFile);
  const g = a.graph!;
  const dir = join(work, 'pkg');
  const trainRows = rows(TRAIN_TASKS, 'a', 'slices-train');
  const testRows = rows(TEST_TASKS, 'b', 'slices-test');
  const csv = (name: string, data: Row[]) => {
    const f = join(work, name);
    writeFileSync(f, toCsv({ columns: Object.keys(data[0]!), rows: data }));
    return f;
  };
  const [trainCsv, testCsv] = [csv('train.csv', trainRows), csv('test.csv', testRows)];
  const all = [...trainRows, ...testRows];
  const testIdx = Int32Array.from(testRows, (_, i) => trainRows.length + i);
  writeDirectoryAtomic(dir, torchPackage(g, { specFile, reccVersion: 'test' }));

  it('the same query rows in the same slice as recc, a task of exactly 25 rows in `25 or more`', () => {
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { dataset } = preprocess(g, all.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: ['user_id', 'row_id'], skipBadRows: false });
    const { query, queryRows } = splitTestTasks(dataset, 'user_id', testIdx, 0.75);
    const recc = query.keys.row_id!.map((r, i) => [r, query.keys[TASK_SLICE]![i]]);
    // queryRows: the rows of the data behind the query, in its order
    expect(queryRows.map((r) => all[r]!.row_id)).toEqual(query.keys.row_id);

    const py = `import json, sys; sys.path.insert(0, ${JSON.stringify(dir)})
import data, train
ds = data.encode(${JSON.stringify(testCsv)}, data.load_spec(), ["user_id", "row_id"])
print(json.dumps([[ds.keys["row_id"][r], s] for _, q, s in train.test_tasks(ds.keys["user_id"], 0.75) for r in q]))`;
    const torch = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' })) as string[][];
    expect(torch).toEqual(recc);

    // each query row's slice from the size of the task the test wrote it into
    const sizeOf = new Map(testRows.map((r) => [r.row_id, TEST_TASKS[Number(String(r.user_id).slice(2))]!]));
    expect(torch.map(([r]) => expectedSlice(sizeOf.get(r!)!))).toEqual(torch.map(([, s]) => s));
    const slices = new Set(torch.map(([, s]) => s));
    expect([...slices].sort()).toEqual(['25 or more', 'fewer than 25']);
    const rowsOf25 = testRows.filter((r) => sizeOf.get(r.row_id) === 25).map((r) => r.row_id);
    const of25 = torch.filter(([r]) => rowsOf25.includes(r!));
    expect(of25.length).toBeGreaterThan(0);
    expect(of25.every(([, s]) => s === '25 or more')).toBe(true);
    // the package's README says so
    const readme = String(torchPackage(g, { specFile, reccVersion: 'test' })['README.md']);
    expect(readme).toContain('`task_samples=fewer than 25`');
    expect(readme).not.toContain('does not report recc');
  });

  it('train.py prints recc’s slices, row counts and AUCs for recc’s trained weights', async () => {
    const { dataset } = preprocess(g, all.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: ['user_id'], skipBadRows: false });
    await initBackend('cpu');
    const trainIdx = Int32Array.from(trainRows, (_, i) => i);
    const recc = await train(tf, g, dataset, { train: trainIdx, test: testIdx }, { outDir: join(work, 'recc'), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
    const weights = join(work, 'recc.safetensors');
    writeFileSync(weights, encodeSafetensors(Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: recc.weights[p.name]! }]))));

    const printed = await runTrainPy([join(dir, 'train.py'), '--data', trainCsv, '--test', testCsv, '--init', weights, '--epochs', '0', '--out', join(work, 'out.safetensors'), '--threads', '1']);
    const groups = recc.evaluation.tasks.click!;
    const sliceGroups = Object.keys(groups).filter((k) => k.startsWith(`${TASK_SLICE}=`));
    expect(sliceGroups).toEqual([`${TASK_SLICE}=25 or more`, `${TASK_SLICE}=fewer than 25`]);
    for (const group of sliceGroups) {
      for (const metric of ['auc', 'gauc']) {
        const name = metric === 'auc' ? 'auc' : 'gauc(user_id)';
        const line = new RegExp(`click ${name.replace(/[()]/g, '\\$&')} \\(query rows, adapted\\) ${group} ([0-9.]+) \\(n (\\d+)\\)`).exec(printed);
        expect(line, `${name} ${group} in:\n${printed}`).not.toBeNull();
        expect(Number(line![2]), `${group}: rows`).toBe(groups[group]!.n);
        expect(Math.abs(Number(line![1]) - groups[group]![metric]!), `${group}: ${metric}`).toBeLessThanOrEqual(1.5e-4);
      }
    }
    // and over every query row, as before
    const overall = /click auc \(query rows, adapted\) ([0-9.]+) \(n (\d+)\)\n/.exec(printed);
    expect(Number(overall![2])).toBe(groups.all!.n);
    expect(Math.abs(Number(overall![1]) - groups.all!.auc!)).toBeLessThanOrEqual(1.5e-4);
    // the slices are not the whole: a slice's AUC differs from the overall one
    expect(sliceGroups.some((s) => Math.abs(groups[s]!.auc! - groups.all!.auc!) > 1e-3)).toBe(true);
  }, 120_000);

  it('train.py slices by the spec’s `group_by` column instead, as recc does', async () => {
    const groupedFile = join(work, 'grouped.rec');
    writeFileSync(groupedFile, SPEC.replace('    seed: 5\n', '    seed: 5\n    group_by: cohort\n'));
    const gg = analyzeFile(groupedFile).graph!;
    expect(gg.train.groupBy).toBe('cohort');
    // a column the model does not read: each user's cohort, by its number; an empty and a blank
    // cohort are two groups, and named apart (`cohort=""`, `cohort=" "`: both read `cohort=` before)
    const cohort = (row: Row) => ['early', '', ' '][Number(/u(\d+)$/.exec(String(row.user_id))![1]) % 3]!;
    const [trainC, testC] = [trainRows, testRows].map((rs) => rs.map((row) => ({ ...row, cohort: cohort(row) })));
    const rowsC = [...trainC!, ...testC!];
    const { dataset } = preprocess(gg, rowsC.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: ['user_id', 'cohort'], skipBadRows: false });
    await initBackend('cpu');
    const trainIdx = Int32Array.from(trainC!, (_, i) => i);
    const recc = await train(tf, gg, dataset, { train: trainIdx, test: testIdx }, { outDir: join(work, 'recc-grouped'), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
    const weights = join(work, 'grouped.safetensors');
    writeFileSync(weights, encodeSafetensors(Object.fromEntries(gg.params.map((p) => [p.name, { shape: p.shape, data: recc.weights[p.name]! }]))));
    const pkg = join(work, 'pkg-grouped');
    writeDirectoryAtomic(pkg, torchPackage(gg, { specFile: groupedFile, reccVersion: 'test' }));
    const printed = await runTrainPy([join(pkg, 'train.py'), '--data', csv('train-grouped.csv', trainC!), '--test', csv('test-grouped.csv', testC!), '--init', weights, '--epochs', '0', '--out', join(work, 'out-grouped.safetensors'), '--threads', '1']);
    const groups = recc.evaluation.tasks.click!;
    expect(Object.keys(groups)).toEqual(['all', 'cohort=""', 'cohort=" "', 'cohort=early']);
    expect(printed).not.toContain(TASK_SLICE);
    for (const group of ['cohort=""', 'cohort=" "', 'cohort=early']) {
      const line = new RegExp(`click auc \\(query rows, adapted\\) ${group} ([0-9.]+) \\(n (\\d+)\\)`).exec(printed);
      expect(line, `${group} in:\n${printed}`).not.toBeNull();
      expect(Number(line![2]), `${group}: rows`).toBe(groups[group]!.n);
      expect(Math.abs(Number(line![1]) - groups[group]!.auc!), `${group}: auc`).toBeLessThanOrEqual(1.5e-4);
    }
  }, 120_000);

  it('train.py evaluates every stage of a staged model adapted, a supervised stage too, as recc does', async () => {
    // `warm` steps over rows, `meta` is MAML's: both are scored on the query rows, adapted
    const stagedFile = join(work, 'staged.rec');
    writeFileSync(stagedFile, SPEC.replace('    seed: 5\n  }\n', '    seed: 5\n  }\n  stage warm { step: supervised, epochs: 1 }\n  stage meta { epochs: 1 }\n'));
    const gs = analyzeFile(stagedFile).graph!;
    expect(gs.plan.stages.map((st) => st.step.kind)).toEqual(['supervised', 'maml']);
    const { dataset } = preprocess(gs, all.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: ['user_id'], skipBadRows: false });
    await initBackend('cpu');
    const trainIdx = Int32Array.from(trainRows, (_, i) => i);
    const evals: Record<string, number> = {};
    const recc = await train(tf, gs, dataset, { train: trainIdx, test: testIdx }, {
      outDir: join(work, 'recc-staged'), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false,
      onEpoch: (e) => void (evals[e.stage.name] = e.evaluation.tasks.click!.all!.n!),
    });
    // recc scores the query rows after each stage
    expect(evals).toEqual({ warm: recc.evaluation.tasks.click!.all!.n, meta: recc.evaluation.tasks.click!.all!.n });
    const weights = join(work, 'staged.safetensors');
    writeFileSync(weights, encodeSafetensors(Object.fromEntries(gs.params.map((p) => [p.name, { shape: p.shape, data: recc.weights[p.name]! }]))));
    const pkg = join(work, 'pkg-staged');
    const files = torchPackage(gs, { specFile: stagedFile, reccVersion: 'test' });
    writeDirectoryAtomic(pkg, files);
    // its README says so, of the supervised stage too
    expect(String(files['README.md'])).toContain("Every stage of a model with a meta block, MAML's or supervised, is evaluated");
    // no training (--epochs 0): each stage scores recc's final weights, as recc's final evaluation did
    const printed = await runTrainPy([join(pkg, 'train.py'), '--data', trainCsv, '--test', testCsv, '--init', weights, '--epochs', '0', '--out', join(work, 'out-staged.safetensors'), '--threads', '1']);
    const lines = [...printed.matchAll(/click auc \(query rows, adapted\) ([0-9.]+) \(n (\d+)\)\n/g)];
    expect(lines.length, printed).toBe(2);
    for (const line of lines) {
      expect(Number(line[2])).toBe(recc.evaluation.tasks.click!.all!.n);
      expect(Math.abs(Number(line[1]) - recc.evaluation.tasks.click!.all!.auc!)).toBeLessThanOrEqual(1.5e-4);
    }
    // and it trains the plan: a supervised stage, then a MAML stage
    const trained = await runTrainPy([join(pkg, 'train.py'), '--data', trainCsv, '--test', testCsv, '--out', join(work, 'trained-staged.safetensors'), '--threads', '1']);
    expect(trained).toMatch(/stage warm: \d+ steps/);
    expect(trained).toMatch(/stage meta: \d+ MAML steps/);
    expect([...trained.matchAll(/click auc \(query rows, adapted\) [0-9.]+ \(n (\d+)\)\n/g)].map((m) => Number(m[1]))).toEqual([recc.evaluation.tasks.click!.all!.n, recc.evaluation.tasks.click!.all!.n]);
  }, 120_000);
});

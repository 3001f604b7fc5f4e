// LiMAML end to end on examples/limaml-mlp.rec and the synthetic setting: train briefly; the
// training-time evaluation (each held-out user adapted on the first 75 % of its rows, its last 25 %
// scored) is reproduced outside recc's TF.js path:
//  - `recc meta-embed` on the held-out users' support rows and meta.onnx run in onnxruntime on the
//    same rows (raw values, as a Spark/Ray job would send them) give the same embeddings (≤ 1e-5);
//  - global.onnx fed the query rows and those embeddings gives the evaluation's predictions (≤ 1e-5),
//    whose AUC is the one the training run reported.
// The support/query split is re-derived here from the raw rows (time order = file order).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runMetaEmbed } from '../../src/cli/meta-embed.js';
import { preprocess } from '../../src/data/preprocess.js';
import type { Row } from '../../src/data/row.js';
import { split } from '../../src/data/split.js';
import { limamlRows } from '../../src/data/synth/limaml.js';
import { LIMAML_COLUMNS } from '../../src/data/synth/settings.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { servingModels } from '../../src/lower/serving-models.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { keyColumns } from '../../src/data/needed-columns.js';
import { auc } from '../../src/train/metrics.js';
import { splitTestTasks } from '../../src/train/task-split.js';
import { tfjsRunner } from '../../src/train/tfjs-runner.js';
import { train } from '../../src/train/train.js';
import { ort } from '../helpers/onnx.js';
import { onnxFeeds } from '../helpers/rows.js';

const SPEC = join(import.meta.dirname, '../../examples/limaml-mlp.rec');
const a = analyzeFile(SPEC);
const g = a.graph!;
const rows: Row[] = limamlRows({ seed: 5, rows: 3000 });
const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'synth', keyColumns: keyColumns(g) });
const parts = split(dataset, g.train.split, g.train.seed);

/** The held-out users' rows in file order, split 75 / 25 (at least one row on each side). */
const tasks = new Map<string, Row[]>();
for (const i of parts.test) {
  const r = rows[i]!;
  const k = String(r.user_id);
  tasks.set(k, [...(tasks.get(k) ?? []), r]);
}
const supportOf = (rs: Row[]) => (rs.length < 2 ? rs : rs.slice(0, Math.max(1, Math.min(rs.length - 1, Math.ceil(0.75 * rs.length)))));
const queryOf = (rs: Row[]) => rs.slice(supportOf(rs).length);

async function session(bytes: Uint8Array) {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
}
const only = (names: readonly string[], feeds: Record<string, ort.Tensor>) => Object.fromEntries(names.map((n) => [n, feeds[n]!]));

describe('LiMAML serving: meta-embed, meta.onnx and global.onnx reproduce the training-time evaluation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recc-limaml-'));
  let weights: Record<string, Float32Array>;
  let reported: number;
  let predictions: Float32Array;
  let queryLabels: Float32Array;
  let embeddings: Map<string, number[]>;

  beforeAll(async () => {
    await initBackend('wasm');
    const r = await train(tf, g, dataset, parts, { outDir: dir, epochs: 1, resume: false, checkpointEvery: 1000, log: () => undefined, progress: false });
    weights = r.weights;
    reported = r.evaluation.tasks.click!.all!.auc!;
    // the evaluation's own predictions: the runner it used, on the rows it scored
    const t = splitTestTasks(dataset, 'user_id', parts.test, 0.75);
    const runner = tfjsRunner(tf, { graph: g, stage: g.plan.stages[0]!, weights, schedule: {}, adaptOn: t.support });
    predictions = runner.predict(t.query).click!;
    queryLabels = t.query.labels.click!;
    runner.dispose();
    saveWeights(join(dir, 'w.safetensors'), Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: weights[p.name]! }])), {});
    const supportRows = [...tasks.values()].flatMap(supportOf);
    writeFileSync(join(dir, 'support.csv'), stringify(supportRows, { header: true, columns: LIMAML_COLUMNS }));
    // Its summary line, taken from stdout (the test's output stays clean) and checked.
    const said: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => said.push(String(s)) > 0);
    const code = await runMetaEmbed(SPEC, { weights: join(dir, 'w.safetensors'), data: join(dir, 'support.csv'), out: join(dir, 'emb.csv'), backend: 'wasm', progress: false }).finally(() => write.mockRestore());
    expect(code).toBe(0);
    expect(said.join('')).toMatch(new RegExp(`^wrote .*emb\\.csv: ${tasks.size} keys × \\d+ \\(user_meta\\) from ${supportRows.length} rows`));
    const parsed = parse(readFileSync(join(dir, 'emb.csv'), 'utf8'), { columns: true }) as Array<{ user_id: string; user_meta: string }>;
    embeddings = new Map(parsed.map((p) => [p.user_id, p.user_meta.split(' ').map(Number)]));
  }, 120_000);

  it('the training run reported the AUC of these predictions', () => {
    expect(predictions.length).toBe([...tasks.values()].reduce((s, rs) => s + queryOf(rs).length, 0));
    expect(auc(predictions, queryLabels)).toBeCloseTo(reported, 10);
  });

  it('meta-embed gives one embedding per held-out user; meta.onnx in onnxruntime gives the same (≤ 1e-5)', async () => {
    expect([...embeddings.keys()].sort()).toEqual([...tasks.keys()].sort());
    const meta = servingModels(g, weights, { reccVersion: 'test' }).find((m) => m.file === 'meta.onnx')!;
    const s = await session(meta.onnx);
    let worst = 0;
    for (const [user, all] of tasks) {
      const sup = supportOf(all);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(onnxFeeds(g, sup))) feeds[`support.${k}`] = v;
      feeds['support.click/label'] = new ort.Tensor('float32', Float32Array.from(sup.map((r) => Number(r.clicked))), [sup.length]);
      feeds['support.mask'] = new ort.Tensor('float32', new Float32Array(sup.length).fill(1), [sup.length]);
      Object.assign(feeds, onnxFeeds(g, [sup[sup.length - 1]!]));
      const out = await s.run(only(s.inputNames, feeds));
      const got = Array.from(out.user_meta!.data as Float32Array);
      const want = embeddings.get(user)!;
      worst = Math.max(worst, ...got.map((x, i) => Math.abs(x - want[i]!)));
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('global.onnx fed the query rows and their users\' embeddings gives the evaluation\'s predictions (≤ 1e-5)', async () => {
    const global = servingModels(g, weights, { reccVersion: 'test' }).find((m) => m.file === 'global.onnx')!;
    const s = await session(global.onnx);
    expect(s.inputNames).toContain('user_meta');
    const query = [...tasks.values()].flatMap(queryOf);
    const e = Float32Array.from(query.flatMap((r) => embeddings.get(String(r.user_id))!));
    const out = await s.run(only(s.inputNames, { ...onnxFeeds(g, query), user_meta: new ort.Tensor('float32', e, [query.length, e.length / query.length]) }));
    const got = out.click!.data as Float32Array;
    // the evaluation scores tasks in the order they first appear among the test rows, as here
    expect(got.length).toBe(predictions.length);
    expect(Math.max(...Array.from(got, (x, i) => Math.abs(x - predictions[i]!)))).toBeLessThanOrEqual(1e-5);
  });
});

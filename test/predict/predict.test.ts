// `recc predict` (issue 18, item 1): the scores it writes, from CSV and from Parquet, in batches
// that split support-set keys and rows, equal the predictions `recc eval` scores (the TF.js
// forward pass over the data loader's encoding, src/train/evaluate.ts predict) row for row; the
// output is CSV, TSV, JSON Lines or Parquet and is written atomically; bad input is a message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../src/data/read.js';
import type { Row } from '../../src/data/row.js';
import { SYNTH } from '../../src/data/synth/index.js';
import { toCsv } from '../../src/data/write-csv.js';
import { float32Text } from '../../src/data/write-table.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { servingGraph } from '../../src/ir/plan.js';
import type { IRGraph } from '../../src/ir/types.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { scoreColumns, scoreFile } from '../../src/predict/score-file.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { predict } from '../../src/train/evaluate.js';
import { openChecked, filePolicy, isRefusal } from '../../src/io/file-policy.js';
import { randomRows } from '../helpers/rows.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'recc-predict-'));
const recc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: dir, encoding: 'utf8' });

/** Rows as Parquet written by hyparquet-writer: numeric columns as DOUBLE, others as text; "" cells as null. */
function writeParquet(file: string, columns: string[], rows: Row[]): void {
  const columnData = columns.map((name) => {
    const values = rows.map((r) => r[name]);
    const numeric = values.every((v) => v === '' || v === null || v === undefined || typeof v === 'number');
    return numeric
      ? { name, type: 'DOUBLE' as const, data: values.map((v) => (typeof v === 'number' ? v : null)) }
      : { name, type: 'STRING' as const, data: values.map((v) => (v === '' || v === null || v === undefined ? null : Array.isArray(v) ? v.join('|') : String(v))) };
  });
  writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData })));
}

/** What `recc eval` scores: the TF.js forward pass over the data loader's encoding of `file`. */
async function evalPredictions(g: IRGraph, weights: Record<string, Float32Array>, file: string): Promise<Record<string, Float32Array>> {
  const loaded = await loadData(g, { data: file, skipBadRows: false, seed: 1 });
  expect(loaded.errors).toEqual([]);
  const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
  const out = predict(tf, buildForward(tf, g), params, loaded.dataset);
  for (const t of Object.values(params)) t.dispose();
  return out;
}

async function score(spec: IRGraph, weights: Record<string, Float32Array>, data: string, out: string, keep: string[], batch: number) {
  const opened = openChecked(filePolicy(), data, 'data');
  if (isRefusal(opened)) throw new Error(opened.error);
  const format = out.endsWith('.parquet') ? 'parquet' : out.endsWith('.jsonl') ? 'jsonl' : out.endsWith('.tsv') ? 'tsv' : 'csv';
  return scoreFile(servingGraph(spec), lowerToOnnx(spec, weights, { reccVersion: 'test' }), { file: data, fd: opened.fd, out, format, keep, batch, skipBadRows: false, threads: 1 });
}

/** The largest |a − b| between an output file's score columns and the expected predictions. */
async function maxDiff(g: IRGraph, out: string, expected: Record<string, Float32Array>): Promise<number> {
  const r = await readRows(out, { skipBadRows: false });
  expect(r.errors).toEqual([]);
  let worst = 0;
  for (const t of g.tasks) {
    const cols = scoreColumns(t);
    const want = expected[t.name]!;
    expect(r.rows.length * cols.length).toBe(want.length);
    r.rows.forEach(({ row }, i) => cols.forEach((c, k) => (worst = Math.max(worst, Math.abs(Number(row[c]) - want[i * cols.length + k]!)))));
  }
  return worst;
}

const MIXED = `model mixed {
  features {
    user: id(hash: 500, dim: 4)
    genre: id(vocab: ["a", "b", "c"], dim: 3)
    hist: seq(user, max_len: 4, sep: "|")
    age: bucketize(boundaries: [20, 40, 60], dim: 2)
    x: dense(3)
    y: label
    k: label
  }
  let h = concat(user, genre, mean(hist), age, x)
  task stars : regression(label: y) { from: h }
  task kind : multiclass(classes: 3, label: k) { from: h }
}
`;

describe('recc predict', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  // every input format to every output format for one spec; CSV → CSV and Parquet → Parquet for the others
  const ALL = ['csv.csv', 'csv.parquet', 'csv.jsonl', 'csv.tsv', 'parquet.csv', 'parquet.parquet', 'parquet.jsonl', 'parquet.tsv'];
  const cases: Array<{ name: string; graph: () => IRGraph; rows: (g: IRGraph) => { columns: string[]; rows: Row[] }; keep: string[]; runs: string[] }> = [
    {
      // hashed and vocabulary ids, a sequence, buckets, six binary tasks
      name: 'pepnet-mmoe',
      graph: () => analyzeFile(join(ROOT, 'examples/pepnet-mmoe.rec')).graph!,
      rows: () => ({ columns: SYNTH.pepnet!.columns, rows: SYNTH.pepnet!.generate({ seed: 3, rows: 1200, users: 200, items: 300 }) }),
      keep: ['uid', 'domain'],
      runs: ['csv.csv', 'parquet.parquet'],
    },
    {
      // support sets: each scenario's earlier rows, across batch boundaries
      name: 'cmml-scenario',
      graph: () => analyzeFile(join(ROOT, 'examples/cmml-scenario.rec')).graph!,
      rows: () => ({ columns: SYNTH.cmml!.columns, rows: SYNTH.cmml!.generate({ seed: 3, rows: 400 }) }),
      keep: ['scenario'],
      runs: ['csv.csv', 'parquet.parquet'],
    },
    {
      // regression and multiclass; empty ids (null in Parquet) and ids out of the vocabulary
      name: 'mixed',
      graph: () => analyze(MIXED, join(dir, 'mixed.rec')).graph!,
      rows: (g) => {
        const rows = randomRows(g, 1500, 'mixed');
        rows.forEach((r, i) => (r.k = i % 3));
        return { columns: ['user', 'genre', 'hist', 'age', 'x', 'y', 'k'], rows };
      },
      keep: [],
      runs: ALL,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: scores from CSV and from Parquet equal eval's predictions (≤ 1e-6), in each output format`, async () => {
      const g = c.graph();
      const weights = initWeights(g, 11);
      const data = c.rows(g);
      const csv = join(dir, `${c.name}.csv`);
      const pq = join(dir, `${c.name}.parquet`);
      writeFileSync(csv, toCsv(data));
      writeParquet(pq, data.columns, data.rows);
      const expected = await evalPredictions(servingGraph(g), weights, csv);
      const n = data.rows.length;
      const outs: Record<string, string> = {};
      for (const run of c.runs) {
        const [from, fmt] = run.split('.');
        const out = join(dir, `${c.name}-from-${from}.${fmt}`);
        // batches of 150 rows: support sets cross batch boundaries
        const r = await score(g, weights, from === 'csv' ? csv : pq, out, c.keep, 150);
        expect(r.errors).toEqual([]);
        expect(r.rows).toBe(n);
        expect(await maxDiff(servingGraph(g), out, expected)).toBeLessThanOrEqual(1e-6);
        outs[run] = out;
      }
      // the kept columns are the input's, row for row; scores are the same bits in every format
      const base = (await readRows(outs['csv.csv']!, { skipBadRows: false })).rows.map((x) => x.row);
      expect(Object.keys(base[0]!)).toEqual([...c.keep, ...servingGraph(g).tasks.flatMap(scoreColumns)]);
      for (const k of c.keep) expect(base.map((r) => r[k])).toEqual(data.rows.map((r) => String(r[k])));
      for (const [name, out] of Object.entries(outs)) {
        const rows = (await readRows(out, { skipBadRows: false })).rows.map((x) => x.row);
        // Parquet FLOAT cells read back as float32 numbers; text formats as their shortest text
        const same = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !c.keep.includes(k) ? float32Text(v) : String(v)])));
        expect(same, name).toEqual(base.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))));
      }
    }, 120_000);
  }

  it('float32 scores are written as a text of at most 9 digits that reads back as the same float32', () => {
    for (const x of [0.1, 1 / 3, 0.05187446, 1e-8, 123456.789, -2.5, 0]) {
      const f = Math.fround(x);
      const t = float32Text(f);
      expect(Math.fround(Number(t))).toBe(f);
      expect(t.replace(/^-?0?\.?|e.*$/g, '').replace('.', '').length).toBeLessThanOrEqual(9);
    }
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
  });

  describe('the command', () => {
    let spec: string;
    let weights: string;
    let data: string;
    beforeAll(() => {
      spec = join(dir, 'mixed.rec');
      writeFileSync(spec, MIXED);
      const g = analyze(MIXED, spec).graph!;
      const w = initWeights(g, 5);
      weights = join(dir, 'mixed.safetensors');
      writeFileSync(weights, encodeSafetensors(Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: w[p.name]! }]))));
      data = join(dir, 'rows.csv');
      const rows = randomRows(g, 300, 'cli');
      rows.forEach((r, i) => (r.k = i % 3));
      writeFileSync(data, toCsv({ columns: ['user', 'genre', 'hist', 'age', 'x', 'y', 'k'], rows }));
    });

    it('writes the scores and says what it wrote', () => {
      const r = recc(['predict', spec, '--weights', weights, '--data', data, '-o', 'out.parquet', '--keep', 'user,genre', '--batch', '64']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^wrote out\.parquet: 300 rows, columns user, genre, stars, kind_0, kind_1, kind_2 \(\d+ rows\/s\)\n$/);
    });

    it('bad input is one message per problem, exit 1, no stack trace, and the old output untouched', () => {
      writeFileSync(join(dir, 'keep.csv'), 'old\n');
      const whole = readFileSync(join(ROOT, 'test/fixtures/parquet/clicks-snappy.parquet'));
      writeFileSync(join(dir, 'cut.parquet'), whole.subarray(0, 5000));
      const cut = recc(['predict', spec, '--weights', weights, '--data', 'cut.parquet', '-o', 'keep.csv']);
      expect(cut.status).toBe(1);
      expect(cut.stderr).toMatch(/cut\.parquet: error\[REC6011\]: not a whole Parquet file/);
      expect(cut.stderr).not.toMatch(/\n\s+at /);
      // a file whose columns are not the spec's: one error per missing column at the header
      const other = recc(['predict', spec, '--weights', weights, '--data', join(ROOT, 'test/fixtures/parquet/clicks-snappy.parquet'), '-o', 'keep.csv']);
      expect(other.status).toBe(1);
      expect(other.stderr).toMatch(/clicks-snappy\.parquet \(column user\): error\[REC6001\]: no column `user` for feature `user`.*did you mean `user`?|clicks-snappy\.parquet \(column genre\): error\[REC6001\]/);
      // a bad value mid-file: its line and column; nothing written
      const lines = readFileSync(data, 'utf8').split('\n');
      lines[200] = lines[200]!.replace(/^([^,]*),([^,]*),([^,]*),([^,]*),/, '$1,$2,$3,old,');
      writeFileSync(join(dir, 'bad.csv'), lines.join('\n'));
      const bad = recc(['predict', spec, '--weights', weights, '--data', 'bad.csv', '-o', 'keep.csv', '--batch', '16']);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/bad\.csv:201:4 \(column age\): error\[REC6002\]: `age` must be a number, found `old`/);
      const skipped = recc(['predict', spec, '--weights', weights, '--data', 'bad.csv', '-o', 'skipped.csv', '--skip-bad-rows']);
      expect(skipped.status).toBe(0);
      expect(skipped.stdout).toMatch(/299 rows \(1 bad rows skipped\)/);
      const unknown = recc(['predict', spec, '--weights', weights, '--data', data, '-o', 'out.xlsx']);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/^out\.xlsx: error\[REC6010\]: unknown output format `\.xlsx`; recc writes CSV/);
      const clash = recc(['predict', spec, '--weights', weights, '--data', data, '-o', 'x.csv', '--keep', 'user,stars']);
      expect(clash.stderr).toMatch(/the kept column `stars` has the name of a score column/);
      expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('old\n');
      expect(existsSync(join(dir, 'x.csv'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    });
  });
});

// The Python client (clients/python/recc_client) encodes every data fixture as the TypeScript
// loader does: its serving feeds equal what a serving system sends (test/helpers/rows.ts, the
// README's contract) and give the same outputs in onnxruntime, and its ids equal the loader's
// dataset (vocabularies, hashes, buckets, padded sequences, support sets), on:
//   test/fixtures/train/clicks.csv, the MovieLens fixture through loadMovieLens, every example's
//   synthetic data (CSV, whose cells are text, and JSON Lines, whose cells are numbers), and
//   random rows with empty cells, unknown vocabulary values and short or empty sequences.
// Rows of awkward cells (big integers, null items, numbers past float32, text that is no decimal)
// get the same feeds and ids, or an error of the same code and column, one row at a time.
// It runs where /usr/bin/python3 has numpy; the client's onnxruntime path runs where onnxruntime
// imports there too (not on this machine: the test says so), and its other parts are covered by
// clients/python/tests (run below with unittest).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMovieLens } from '../../src/data/movielens.js';
import { FeedEncoder, feedModel } from '../../src/data/onnx-feeds.js';
import { modelInputs, preprocess } from '../../src/data/preprocess.js';
import { readRows } from '../../src/data/read.js';
import type { Row } from '../../src/data/row.js';
import { SYNTH } from '../../src/data/synth/index.js';
import { toCsv } from '../../src/data/write-csv.js';
import type { IRGraph } from '../../src/ir/types.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { ort } from '../helpers/onnx.js';
import { onnxFeeds, randomRows } from '../helpers/rows.js';

const ROOT = join(import.meta.dirname, '../..');
const PY = '/usr/bin/python3';
const haveNumpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

interface PyArray {
  dtype: string;
  shape: number[];
  data: Array<number | string>;
}
interface PyResult {
  feeds: Record<string, PyArray> | null;
  ids: Record<string, PyArray> | null;
  predict: Record<string, PyArray> | null;
  error: string | null;
}

interface Case {
  what: string;
  graph: IRGraph;
  model: string;
  data: string;
  perRow?: boolean;
}

const work = mkdtempSync(join(tmpdir(), 'recc-pyclient-'));
let k = 0;

function modelFile(graph: IRGraph): string {
  const f = join(work, `${graph.model}-${k++}.onnx`);
  writeFileSync(f, lowerToOnnx(graph, initWeights(graph, 5), { reccVersion: 'test' }));
  return f;
}

function writeRows(rows: Row[], columns: string[], format: 'csv' | 'jsonl'): string {
  const f = join(work, `rows-${k++}.${format}`);
  if (format === 'csv') writeFileSync(f, toCsv({ columns, rows }));
  else writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return f;
}

const columnsOf = (rows: Row[]) => [...new Set(rows.flatMap((r) => Object.keys(r)))];
const spec = (file: string) => analyzeFile(join(ROOT, file)).graph!;

/** Every example with a small sample of its synthetic data, as CSV and as JSON Lines. */
function synthCases(): Case[] {
  const out: Case[] = [];
  for (const f of readdirSync(join(ROOT, 'examples')).filter((x) => x.endsWith('.rec'))) {
    const graph = spec(`examples/${f}`);
    const data = graph.train.data;
    if (data?.kind !== 'synth') throw new Error(`${f}: expected synthetic data`);
    const rows = SYNTH[data.setting]!.generate({ ...data.options, seed: 3, rows: graph.supports ? 300 : 600 });
    const model = modelFile(graph);
    for (const format of ['csv', 'jsonl'] as const) out.push({ what: `${f}, synth(${data.setting}) as ${format}`, graph, model, data: writeRows(rows, SYNTH[data.setting]!.columns, format) });
  }
  return out;
}

async function fixtureCases(): Promise<Case[]> {
  const clicks = spec('test/fixtures/train/clicks.rec');
  const ml = join(ROOT, 'test/fixtures/data/movielens');
  const movielens = await loadMovieLens({ ratings: join(ml, 'ratings.csv'), movies: join(ml, 'movies.csv'), tags: join(ml, 'tags.csv') });
  expect(movielens.errors).toEqual([]);
  const poso = spec('examples/poso-movielens.rec');
  return [
    { what: 'test/fixtures/train/clicks.csv', graph: clicks, model: modelFile(clicks), data: join(ROOT, 'test/fixtures/train/clicks.csv') },
    { what: 'the MovieLens fixture (loadMovieLens)', graph: poso, model: modelFile(poso), data: writeRows(movielens.rows, movielens.columns, 'csv') },
  ];
}

/**
 * The rows with JSON-typed cells where JSON Lines allows them: hashed ids as numbers (whole,
 * fractional, large and small, which JavaScript and Python print differently: 1.2e-5 is
 * "0.000012" in JavaScript, and the client must hash the text JavaScript makes), sequences as
 * arrays of such numbers, dense vectors as arrays.
 */
function typed(graph: IRGraph, rows: Row[]): Row[] {
  const num = (v: string) => {
    const x = Number(v);
    return [x, x / 1024, x * 1e18, x * 1e-9][x % 4]!;
  };
  return rows.map((row) => {
    const out: Row = { ...row };
    for (const f of graph.features) {
      const v = row[f.column];
      if (typeof v !== 'string' || v === '') continue;
      if (f.kind === 'id' && f.source.kind === 'hash') out[f.column] = num(v);
      else if (f.kind === 'seq' && f.source.kind === 'hash') out[f.column] = v.split(f.sep).map(num);
      else if (f.kind === 'dense') out[f.column] = v.split(',').map(Number);
    }
    return out;
  });
}

/** Random rows for the specs that use every feature kind and block, with text and typed cells. */
function randomCases(): Case[] {
  return ['test/fixtures/specs/all-blocks.rec', 'test/fixtures/specs/cmml-blocks.rec', 'examples/pepnet-multidomain.rec', 'examples/cmml-user.rec'].flatMap((file) => {
    const graph = spec(file);
    const rows = randomRows(graph, 150, `py:${file}`);
    const model = modelFile(graph);
    return [
      { what: `random rows for ${file}`, graph, model, data: writeRows(rows, columnsOf(rows), 'jsonl') },
      { what: `random rows with typed cells for ${file}`, graph, model, data: writeRows(typed(graph, rows), columnsOf(rows), 'jsonl') },
    ];
  });
}

function python(cases: Case[]): { onnxruntime: boolean; results: PyResult[] } {
  const manifest = join(work, `cases-${k++}.json`);
  writeFileSync(manifest, JSON.stringify(cases.map((c) => ({ model: c.model, data: c.data, per_row: c.perRow === true }))));
  const r = spawnSync(PY, [join(ROOT, 'test/helpers/python_client.py'), manifest], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`the Python client failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as { onnxruntime: boolean; results: PyResult[] };
}

/** Where a Python array differs from a TypeScript one (shape, then the first unequal element), or ''. */
function difference(py: PyArray, data: ArrayLike<number | bigint | string>, dims: readonly number[]): string {
  if (py.shape.join() !== dims.join()) return `shape [${py.shape.join(', ')}], TypeScript's [${dims.join(', ')}]`;
  if (py.data.length !== data.length) return `${py.data.length} values, TypeScript's ${data.length}`;
  for (let i = 0; i < data.length; i++) {
    const want = typeof data[i] === 'bigint' ? Number(data[i]) : data[i];
    if (py.data[i] !== want) return `element ${i}: ${JSON.stringify(py.data[i])}, TypeScript's ${JSON.stringify(want)}`;
  }
  return '';
}

function pyTensor(a: PyArray): ort.Tensor {
  if (a.dtype === 'object') return new ort.Tensor('string', a.data as string[], a.shape);
  if (a.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(a.data as number[], (x) => BigInt(x)), a.shape);
  return new ort.Tensor('float32', Float32Array.from(a.data as number[]), a.shape);
}

async function run(model: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = await s.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, Array.from(t.data as Float32Array)]));
}

describe.runIf(haveNumpy)('the Python client', () => {
  it('encodes every data fixture as the TypeScript loader does, and its feeds give the same outputs', async () => {
    const cases = [...(await fixtureCases()), ...synthCases(), ...randomCases()];
    const py = python(cases);
    expect(py.results.length).toBe(cases.length);
    let supportSets = 0;
    for (const [i, c] of cases.entries()) {
      const r = py.results[i]!;
      expect(r.error, c.what).toBeNull();
      // the loader's encoding: ids, buckets, dense values, support sets
      const loaded = await loadData(c.graph, { data: c.data, skipBadRows: false, seed: 1 });
      expect(loaded.errors, c.what).toEqual([]);
      const ids = modelInputs(loaded.dataset);
      expect(Object.keys(r.ids!).sort(), c.what).toEqual(Object.keys(ids).sort());
      for (const [name, a] of Object.entries(ids)) {
        expect(difference(r.ids![name]!, a.data, [loaded.dataset.n, ...a.shape]), `${c.what}: ids of ${name}`).toBe('');
        expect(r.ids![name]!.dtype).toBe(a.data instanceof Int32Array ? 'int32' : 'float32');
      }
      supportSets += (c.graph.supports ?? []).length;
      // the serving graph's inputs: raw strings, hashed int64 ids, float32 values
      const rows = (await readRows(c.data, { skipBadRows: false })).rows.map((x) => x.row);
      const sent = onnxFeeds(c.graph, rows);
      expect(Object.keys(r.feeds!).sort(), c.what).toEqual(Object.keys(sent).sort());
      for (const [name, t] of Object.entries(sent)) {
        expect(difference(r.feeds![name]!, t.data as ArrayLike<number | bigint | string>, t.dims), `${c.what}: feed ${name}`).toBe('');
        expect(r.feeds![name]!.dtype).toBe({ string: 'object', int64: 'int64', float32: 'float32' }[t.type as string]);
      }
      // and they run: the graph gives the same outputs for both
      const fromPy = await run(c.model, Object.fromEntries(Object.entries(r.feeds!).map(([name, a]) => [name, pyTensor(a)])));
      expect(fromPy, c.what).toEqual(await run(c.model, sent));
      if (py.onnxruntime) {
        // Model.predict through Python's onnxruntime, in batches of 97: [n] per one-output task
        for (const t of c.graph.tasks) {
          const got = r.predict![t.name]!;
          expect(got.shape).toEqual(t.classes === 1 ? [loaded.dataset.n] : [loaded.dataset.n, t.classes]);
          (got.data as number[]).forEach((v, j) => expect(Math.abs(v - fromPy[t.name]![j]!)).toBeLessThanOrEqual(1e-6));
        }
      } else expect(r.predict).toBeNull();
    }
    expect(supportSets).toBeGreaterThan(0);
    if (!py.onnxruntime) console.log('python-client: onnxruntime does not import in /usr/bin/python3, so Model.predict ran only against a stub session (clients/python/tests)');
  }, 600_000);

  it('treats awkward cells as the TypeScript loader does: the same feeds and ids, or an error of the same code and column', async () => {
    // one awkward cell a row, written as JSON text (so big integers stay as written) over a valid row
    const graph = spec('test/fixtures/specs/all-blocks.rec');
    const base = '"uid": "u1", "iid": "i1", "aid": "a1", "domain": "A", "hist": "i1|i2", "avc": 5, "x": [1, 2, 3, 4, 5], "like": 1, "follow": 0';
    const awkward: Array<[string, string]> = [
      // ids: integers past 2^53 are their digits (as a CSV cell of them, and Parquet's INT64), not the float's
      ['uid', '12345678901234567890'],
      ['uid', '9007199254740993'],
      ['uid', '-12345678901234567890'],
      ['uid', '1e-7'],
      ['uid', 'true'],
      ['uid', 'null'],
      ['domain', '"D"'],
      // numbers JSON.parse loses are their literal text (recc_client.jsonl); JSON values that are
      // not cells are their JSON text; a list with no item is padding, as an empty cell
      ['uid', '1e21'],
      ['uid', '1E21'],
      ['uid', '2e16'],
      ['uid', '1e400'],
      ['uid', '9007199254740992.5'],
      ['uid', '[true]'],
      ['uid', '{"a": 1e21, "b": [1, true]}'],
      ['uid', '[]'],
      ['uid', '[null]'],
      ['hist', '[1, 1.0, true]'],
      // sequences: a null item is no item; big integers keep their digits
      ['hist', '["i1", null, "i2"]'],
      ['hist', '[null]'],
      ['hist', '[12345678901234567890, 7]'],
      // numbers: finite as a float32, written as decimals
      ['avc', '1e39'],
      ['avc', '-1e39'],
      ['avc', '"1e39"'],
      ['avc', '3.4028234e38'],
      ['avc', '" 0x10 "'],
      ['avc', '"0b101"'],
      ['avc', '"Infinity"'],
      ['avc', '"1_000"'],
      ['avc', '"  12.5 "'],
      // digits are 0-9 (JavaScript's \\d), not every Unicode digit
      ['avc', '"٣"'],
      ['avc', '"３"'],
      ['x', '"1 2 3 4 ١"'],
      ['avc', 'true'],
      ['avc', '""'],
      ['x', '[1, 2, 3, 4, 1e39]'],
      ['x', '"1 2 3 4 0x5"'],
      ['x', '[1, 2, 3, 4, null]'],
      ['x', '"1,2,3,4,Infinity"'],
      ['x', '[1, 2, 3, 4, true]'],
      ['x', '"1|2|3|4|-1e39"'],
      ['x', '"1 2 3 4 .5"'],
    ];
    const lines = awkward.map(([column, value]) => `{${base.replace(new RegExp(`"${column}": [^,]*(?:, [0-9]+)*(?=, "|$)`), `"${column}": ${value}`)}}`);
    const data = join(work, `awkward-${k++}.jsonl`);
    writeFileSync(data, `${lines.join('\n')}\n`);
    const py = python([{ what: 'awkward cells', graph, model: modelFile(graph), data, perRow: true }]);
    const verdicts = (py.results[0] as unknown as { rows: Array<{ feeds?: Record<string, PyArray>; ids?: Record<string, PyArray>; code?: string; column?: string }> }).rows;
    const rows = (await readRows(data, { skipBadRows: false })).rows.map((x) => x.row);
    expect(rows.length).toBe(awkward.length);
    expect(verdicts.length).toBe(awkward.length);
    const model = feedModel(graph);
    let refused = 0;
    rows.forEach((row, i) => {
      const what = `${awkward[i]![0]}: ${awkward[i]![1]}`;
      const enc = new FeedEncoder(model);
      const bad = enc.push(enc.columns.map((c) => (Object.hasOwn(row, c) ? row[c] : undefined)));
      const v = verdicts[i]!;
      if (bad) {
        refused++;
        expect.soft({ code: v.code, column: v.column }, what).toEqual({ code: bad.code, column: bad.column });
        return;
      }
      expect.soft(v.code, what).toBeUndefined();
      if (v.code) return;
      for (const [name, t] of Object.entries(enc.take())) expect.soft(difference(v.feeds![name]!, t.data as ArrayLike<number | bigint | string>, t.dims), `${what}: feed ${name}`).toBe('');
      const r = preprocess(graph, [{ row, line: 1 }], { file: data, keyColumns: [] });
      expect(r.errors, what).toEqual([]);
      for (const [name, a] of Object.entries(modelInputs(r.dataset))) expect.soft(difference(v.ids![name]!, a.data, [1, ...a.shape]), `${what}: ids of ${name}`).toBe('');
    });
    expect(refused).toBeGreaterThan(5);
  }, 120_000);

  it("its own unit tests pass (hashing, JavaScript's number text, label expressions, metadata, predict's batching)", () => {
    const r = spawnSync(PY, ['-m', 'unittest', 'discover', '-s', join(ROOT, 'clients/python/tests'), '-t', join(ROOT, 'clients/python')], { encoding: 'utf8', cwd: join(ROOT, 'clients/python') });
    expect(r.stderr, r.stderr).toMatch(/\nOK/);
    expect(r.status).toBe(0);
  });
});

// `recc meta-embed` on awkward input (issue 16): a missing key column, a task of one sample, rows
// without a key, data not grouped by key, shards, many spill buckets, a spec without a meta block,
// and a job killed mid-run (no partial output; a rerun writes the whole file). Runs the built CLI
// (dist/).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { bucketCount } from '../../src/data/key-spill.js';
import type { Row } from '../../src/data/row.js';
import { limamlRows } from '../../src/data/synth/limaml.js';
import { LIMAML_COLUMNS } from '../../src/data/synth/settings.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'examples/limaml-mlp.rec');
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'recc-meta-embed-'));
const W = join(dir, 'w.safetensors');
const csv = (name: string, rows: Row[], columns = LIMAML_COLUMNS) => {
  const p = join(dir, name);
  writeFileSync(p, stringify(rows, { header: true, columns }));
  return p;
};
const read = (p: string) => parse(readFileSync(p, 'utf8'), { columns: true }) as Array<Record<string, string>>;
const embed = (data: string, out: string, ...more: string[]) => recc('meta-embed', SPEC, '--weights', W, '--data', data, '-o', out, '--backend', 'wasm', ...more);

const rows = limamlRows({ seed: 9, rows: 600 });

describe('recc meta-embed on awkward input', () => {
  beforeAll(() => {
    const g = analyzeFile(SPEC).graph!;
    const w = initWeights(g, 3);
    saveWeights(W, Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: w[p.name]! }])), {});
  });

  it('a missing key column: one line naming the column, the spec line and the columns there are; no output', () => {
    const r = embed(csv('nokey.csv', rows, LIMAML_COLUMNS.filter((c) => c !== 'user_id')), join(dir, 'nokey.out.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no column `user_id` for meta block `user_meta`.*limaml-mlp\.rec:\d+:\d+.*the header has ts, user_feats/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(dir, 'nokey.out.csv'))).toBe(false);
  });

  it('-o the --data file is refused before the data is read, the data left as it was', () => {
    const data = csv('self.csv', rows.slice(0, 20));
    const before = readFileSync(data, 'utf8');
    const r = embed(data, data);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error[REC6009]: -o ${data} is the --data file: writing there would replace what is read; give another output file`);
    expect(readFileSync(data, 'utf8')).toBe(before);
  });

  // found by a probe: recc predict refused these, meta-embed replaced the vocabulary with the embeddings
  it('-o a vocabulary of the spec is refused, and the file is left as it was', () => {
    const spec = join(dir, 'vocab.rec');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace('item_id: id(hash: 2_000, dim: 8)', 'item_id: id(vocab: "items.txt", dim: 8)'));
    const items = join(dir, 'items.txt');
    writeFileSync(items, Array.from({ length: 50 }, (_, i) => `i${i}`).join('\n'));
    const g = analyzeFile(spec).graph!;
    const w = initWeights(g, 3);
    const weights = join(dir, 'vocab.safetensors');
    saveWeights(weights, Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: w[p.name]! }])), {});
    const data = csv('vocab.csv', rows.slice(0, 20));
    const before = readFileSync(items, 'utf8');
    const r = recc('meta-embed', spec, '--weights', weights, '--data', data, '-o', items, '--backend', 'wasm');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error[REC6009]: -o ${items} is the spec's input ${items}: writing there would replace what is read; give another output file`);
    expect(readFileSync(items, 'utf8')).toBe(before);
  });

  it('one vector per key: data grouped by key or interleaved gives the same file; a one-sample task is embedded; keyless rows are skipped and counted', () => {
    const lone = { ...rows[0]!, user_id: 'only-once' };
    const keyless = { ...rows[1]!, user_id: '' };
    const interleaved = [...rows, lone, keyless];
    const grouped = [...interleaved].sort((x, y) => String(x.user_id).localeCompare(String(y.user_id))); // stable: each key keeps its order
    const a = embed(csv('interleaved.csv', interleaved), join(dir, 'a.csv'));
    const b = embed(csv('grouped.csv', grouped), join(dir, 'b.csv'));
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(a.stdout).toMatch(/1 row without a `user_id` skipped/);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    const out = read(join(dir, 'a.csv'));
    const keys = new Set(rows.map((r) => String(r.user_id)));
    expect(out.length).toBe(keys.size + 1);
    const one = out.find((r) => r.user_id === 'only-once')!;
    const v = one.user_meta!.split(' ').map(Number);
    expect(v.length).toBe(8);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('--shard i/n: the shards partition the keys', () => {
    const data = csv('all.csv', rows);
    const parts = [0, 1, 2].map((i) => {
      const r = embed(data, join(dir, `s${i}.csv`), '--shard', `${i}/3`);
      expect(r.status, r.stderr).toBe(0);
      return read(join(dir, `s${i}.csv`)).map((x) => x.user_id!);
    });
    const all = parts.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...new Set(rows.map((r) => String(r.user_id)))].sort());
    expect(embed(data, join(dir, 'bad.csv'), '--shard', '3/3').stderr).toMatch(/expected i\/n with 0 ≤ i < n/);
  });

  it('--bucket-mb: spilled to many buckets, every key gets the vector of a one-bucket run; no temporary file remains, after success or error', () => {
    const data = csv('buckets.csv', rows);
    const many = 0.002; // MB: about 2 kB of the file a bucket
    expect(bucketCount(statSync(data).size, many * 2 ** 20)).toBeGreaterThan(20);
    const own = mkdtempSync(join(dir, 'buckets-')); // the outputs' directory, where the spill goes
    const one = embed(data, join(own, 'one.csv'), '--bucket-mb', '1024');
    const split = embed(data, join(own, 'many.csv'), '--bucket-mb', String(many));
    expect(one.status, one.stderr).toBe(0);
    expect(split.status, split.stderr).toBe(0);
    const byKey = (p: string) => new Map(read(p).map((r) => [r.user_id!, r.user_meta!]));
    expect(byKey(join(own, 'many.csv'))).toEqual(byKey(join(own, 'one.csv')));
    expect(byKey(join(own, 'many.csv')).size).toBe(new Set(rows.map((r) => String(r.user_id))).size);
    const bad = csv('buckets-bad.csv', [...rows, { ...rows[0]!, user_feats: '1,2' }]);
    const failed = embed(bad, join(own, 'bad.csv'), '--bucket-mb', String(many));
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/buckets-bad\.csv:602:3 \(column user_feats\)/);
    expect(readdirSync(own).sort()).toEqual(['many.csv', 'one.csv']);
    expect(embed(data, join(own, 'x.csv'), '--bucket-mb', '0').stderr).toMatch(/expected a number > 0/);
  });

  it('writes Parquet and JSON Lines by the extension, the same keys and vectors as CSV; an unknown extension is one line', async () => {
    const data = csv('formats.csv', rows);
    for (const f of ['csv', 'jsonl', 'parquet']) expect(embed(data, join(dir, `formats.out.${f}`)).status).toBe(0);
    const want = read(join(dir, 'formats.out.csv'));
    expect(want.length).toBeGreaterThan(10);
    const jsonl = readFileSync(join(dir, 'formats.out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(jsonl).toEqual(want);
    const buf = readFileSync(join(dir, 'formats.out.parquet'));
    expect(await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) })).toEqual(want);
    const bad = embed(data, join(dir, 'formats.out.xlsx'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: unknown output format `\.xlsx`; recc writes CSV/);
    expect(existsSync(join(dir, 'formats.out.xlsx'))).toBe(false);
  });

  it('a spec without a meta block says so', () => {
    const r = recc('meta-embed', join(ROOT, 'test/fixtures/train/clicks.rec'), '--weights', W, '--data', join(dir, 'all.csv'), '-o', join(dir, 'x.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/has no `meta_block`: nothing to embed/);
  });

  it('a job killed mid-run leaves no output file; a rerun writes it whole', async () => {
    const big = csv('big.csv', limamlRows({ seed: 10, rows: 30_000 }));
    const out = join(dir, 'killed.csv');
    const keys = new Set(read(big).map((x) => x.user_id));
    const child = spawn(process.execPath, [join(ROOT, 'bin/recc.js'), 'meta-embed', SPEC, '--weights', W, '--data', big, '-o', out, '--backend', 'wasm'], { cwd: ROOT, stdio: 'ignore' });
    // Killed while it writes OUT: once the temporary file beside it exists (the spill directory
    // beside it has the same kind of name, but is a directory), whatever the machine's speed.
    const writing = () => readdirSync(dir).some((f) => f.startsWith('.killed.csv.') && statSync(join(dir, f), { throwIfNoEntry: false })?.isFile());
    while (child.exitCode === null && !writing()) await new Promise((r) => setTimeout(r, 5));
    expect(child.exitCode).toBe(null); // still running: killed mid-run
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(out)).toBe(false);
    const r = embed(big, out);
    expect(r.status, r.stderr).toBe(0);
    expect(read(out).length).toBe(keys.size);
    expect(readdirSync(dir).filter((f) => f.includes('killed') && f !== 'killed.csv')).toEqual([]);
  }, 120_000);

  it('a job stopped by SIGINT or SIGTERM while it writes removes its spill directory and its half-written file', async () => {
    const big = csv('stoppable.csv', limamlRows({ seed: 11, rows: 30_000 }));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const out = join(dir, `stopped-${signal}.csv`);
      const child = spawn(process.execPath, [join(ROOT, 'bin/recc.js'), 'meta-embed', SPEC, '--weights', W, '--data', big, '-o', out, '--backend', 'wasm'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      const writing = () => readdirSync(dir).some((f) => f.startsWith(`.stopped-${signal}.csv.`) && statSync(join(dir, f), { throwIfNoEntry: false })?.isFile());
      while (child.exitCode === null && !writing()) await new Promise((r) => setTimeout(r, 5));
      expect(child.exitCode).toBe(null);
      child.kill(signal);
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(err).toContain(`${signal}: stopped; `);
      expect(readdirSync(dir).filter((f) => f.includes(`stopped-${signal}`))).toEqual([]);
    }
  }, 120_000);
});

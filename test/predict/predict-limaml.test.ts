// `recc predict` on a LiMAML model scores what serving runs (paper 001 §5): the global block, each
// row reading its key's meta embedding from `--meta` (the table `recc meta-embed` writes), a key
// the table lacks embedded by the un-adapted meta block on the row itself. The expected scores
// come from the TF.js forward passes of the same IR entries (src/train/meta-embed.ts), fed the
// vectors parsed here from the table, not from onnxruntime; the un-adapted model alone (what
// predict scored before) differs from them. Runs the built CLI (dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { limamlRows } from '../../src/data/synth/limaml.js';
import { LIMAML_COLUMNS } from '../../src/data/synth/settings.js';
import { slice } from '../../src/data/preprocess.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { loadData } from '../../src/train/data-source.js';
import { embedTask, globalPredict, metaRunner } from '../../src/train/meta-embed.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'examples/limaml-mlp.rec');
const dir = mkdtempSync(join(tmpdir(), 'recc-predict-limaml-'));
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: dir, encoding: 'utf8' });
const W = join(dir, 'w.safetensors');
const DATA = join(dir, 'data.csv');
const read = (p: string) => parse(readFileSync(p, 'utf8'), { columns: true }) as Array<Record<string, string>>;

const g = analyzeFile(SPEC).graph!;
const weights = initWeights(g, 11);
const rows = limamlRows({ seed: 5, rows: 300 });

/** What serving scores for each row of DATA: the global block on the table's vector of its key, else on the un-adapted meta block's embedding of the row. */
async function expectedScores(table: Map<string, number[]>): Promise<Float32Array> {
  const loaded = await loadData(g, { data: DATA, skipBadRows: false, seed: 1 });
  expect(loaded.errors).toEqual([]);
  const ds = loaded.dataset;
  const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
  const adapted = metaRunner(tf, g, g.meta!.steps);
  const unadapted = metaRunner(tf, g, 0);
  const keys = ds.keys[g.meta!.key]!;
  const embeddings = new Float32Array(ds.n * adapted.dim);
  for (let r = 0; r < ds.n; r++) embeddings.set(table.get(keys[r]!) ?? embedTask(tf, unadapted, params, slice(ds, [r])), r * adapted.dim);
  const out = globalPredict(tf, adapted, params, ds, embeddings);
  for (const t of Object.values(params)) t.dispose();
  return out.click!;
}

describe('recc predict on a LiMAML model', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    saveWeights(W, Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: weights[p.name]! }])), {});
    writeFileSync(DATA, stringify(rows, { header: true, columns: LIMAML_COLUMNS }));
  });

  it('scores the global block on the meta embeddings recc meta-embed wrote; keys it lacks by the un-adapted meta block', async () => {
    // the daily job sees the history of all keys but three
    const users = [...new Set(rows.map((r) => String(r.user_id)))];
    const unseen = new Set(users.slice(0, 3));
    const history = join(dir, 'history.csv');
    writeFileSync(history, stringify(rows.filter((r) => !unseen.has(String(r.user_id))), { header: true, columns: LIMAML_COLUMNS }));
    const emb = join(dir, 'emb.csv');
    const e = recc('meta-embed', SPEC, '--weights', W, '--data', history, '-o', emb, '--backend', 'wasm');
    expect(e.status, e.stderr).toBe(0);
    const table = new Map(read(emb).map((r) => [r.user_id!, r.user_meta!.split(' ').map(Number)]));
    expect(table.size).toBe(users.length - 3);

    const out = join(dir, 'scores.csv');
    const p = recc('predict', SPEC, '--weights', W, '--data', DATA, '--meta', emb, '-o', out);
    expect(p.status, p.stderr).toBe(0);
    const missed = rows.filter((r) => unseen.has(String(r.user_id))).length;
    expect(p.stdout).toContain(`${missed} rows of 3 keys not in emb.csv (or of no key) embedded by the un-adapted meta block`);
    const got = read(out);
    expect(got.map((r) => r.user_id)).toEqual(rows.map((r) => String(r.user_id)));
    const want = await expectedScores(table);
    let worst = 0;
    got.forEach((r, i) => (worst = Math.max(worst, Math.abs(Number(r.click) - want[i]!))));
    expect(worst).toBeLessThan(1e-5);

    // the un-adapted model alone scores the keys the table holds otherwise
    const plain = await expectedScores(new Map());
    let apart = 0;
    got.forEach((r, i) => (apart = Math.max(apart, Math.abs(Number(r.click) - plain[i]!))));
    expect(apart).toBeGreaterThan(1e-3);
  });

  it('every key in the table: the summary says so', () => {
    const emb = join(dir, 'all.csv');
    expect(recc('meta-embed', SPEC, '--weights', W, '--data', DATA, '-o', emb, '--backend', 'wasm').status).toBe(0);
    const p = recc('predict', SPEC, '--weights', W, '--data', DATA, '--meta', emb, '-o', join(dir, 'all-scores.csv'));
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/every row read its key's meta embedding from .*all\.csv \(\d+ keys\)/);
  });

  it('without --meta: refused with the fix, nothing written', () => {
    const out = join(dir, 'none.csv');
    const p = recc('predict', SPEC, '--weights', W, '--data', DATA, '-o', out);
    expect(p.status).toBe(1);
    expect(p.stderr.trim()).toBe(
      'error: limaml_mlp serves its global block, which reads the meta embedding `user_meta` of each `user_id`: pass --meta FILE, the output of `recc meta-embed` (a key it lacks is embedded by the un-adapted meta block)',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a bad table: file, line and column; a key twice; a vector of the wrong length; nothing written', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'user_id,user_meta\nu1,1 2 3 4 5 6 7 8\nu1,1 2 3 4 5 6 7 8\nu2,1 2 3\nu3,1 2 3 4 5 6 7 x\n');
    const out = join(dir, 'bad-scores.csv');
    const p = recc('predict', SPEC, '--weights', W, '--data', DATA, '--meta', bad, '-o', out);
    expect(p.status).toBe(1);
    const lines = p.stderr.trim().split('\n');
    expect(lines[0]).toBe(`${bad}:3:1 (column user_id): error[REC6002]: key \`u1\` has a second meta embedding: each key has one (two shards of \`recc meta-embed\` over the same keys?)`);
    expect(lines[1]).toBe(`${bad}:4:2 (column user_meta): error[REC6002]: \`user_meta\` must hold 8 numbers, found 3`);
    expect(lines[2]).toMatch(new RegExp(`^${bad}:5:2 \\(column user_meta\\): error\\[REC6002\\]: \`user_meta\` item 8 must be a number`));
    expect(lines.at(-1)).toMatch(/^nothing written to /);
    expect(p.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(out)).toBe(false);

    const nokey = join(dir, 'nokey.csv');
    writeFileSync(nokey, 'user,user_meta\nu1,1 2 3 4 5 6 7 8\n');
    const q = recc('predict', SPEC, '--weights', W, '--data', DATA, '--meta', nokey, '-o', out);
    expect(q.status).toBe(1);
    expect(q.stderr).toContain(`${nokey}:1 (column user_id): error[REC6001]: no column \`user_id\` for the meta embeddings of \`user_meta\` (--meta); the header has user, user_meta`);
  });

  it('--meta with a model without a meta block, or -o over the --meta file: refused', () => {
    const plain = recc('predict', join(ROOT, 'examples/poso-movielens.rec'), '--weights', W, '--data', DATA, '--meta', DATA, '-o', join(dir, 'x.csv'));
    expect(plain.status).toBe(1);
    expect(plain.stderr.trim()).toBe('error: --meta: poso_movielens has no meta_block, so it reads no meta embeddings');
    const emb = join(dir, 'all.csv');
    const before = readFileSync(emb, 'utf8');
    const over = recc('predict', SPEC, '--weights', W, '--data', DATA, '--meta', emb, '-o', emb);
    expect(over.status).toBe(1);
    expect(over.stderr).toMatch(/error\[REC6009\]: -o .*all\.csv is the --meta file/);
    expect(readFileSync(emb, 'utf8')).toBe(before);
  });
});

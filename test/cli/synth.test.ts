// `recc synth`: a setting's version and its description; a spec's `synth(…, version: N)`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSO_DOC } from '../../src/data/synth/poso.js';
import { POSO_V1_DOC, posoV1Rows } from '../../src/data/synth/poso-v1.js';
import { parquetReadObjects } from 'hyparquet';
import { stringify } from 'csv-stringify/sync';
import { posoRows } from '../../src/data/synth/poso.js';
import { POSO_COLUMNS } from '../../src/data/synth/settings.js';
import { MAX_SYNTH_ROWS, synthRowsRefusal } from '../../src/data/synth/max-rows.js';
import { SYNTH } from '../../src/data/synth/index.js';
import { SYNTH_OPTION_RANGES } from '../../src/data/synth/options.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const ROOT = join(import.meta.dirname, '../..');
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('recc synth', () => {
  it('writes the latest version by default and an earlier one on request, and describes either', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-synth-cli-'));
    const r = recc('synth', 'poso', '-o', dir, '--rows', '50', '--seed', '4', '--setting-version', '1');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(join(dir, 'poso.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(51);
    // the first data row is version 1's first row for seed 4
    const first = posoV1Rows({ seed: 4, rows: 1 })[0]!;
    expect(lines[1]).toBe(['user_id', 'movie_id', 'rated_movies', 'rated_tags', 'avc', 'rating', 'is_new', 'timestamp'].map((c) => String(first[c])).join(','));
    expect(readFileSync(join(dir, 'poso.README.md'), 'utf8')).toContain('version 1 (seed 4, 50 rows)');
    expect(recc('synth', 'poso', '--describe').stdout).toBe(`poso (version 2): ${POSO_DOC}\n`);
    expect(recc('synth', 'poso', '--describe', '--setting-version', '1').stdout).toBe(`poso (version 1): ${POSO_V1_DOC}\n`);
  });

  it('refuses an unknown version or a missing output directory in one line, exit 1', () => {
    const bad = recc('synth', 'poso', '-o', tmpdir(), '--setting-version', '9');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('error: synthetic setting `poso` has no version 9 (known: 1, 2)\n');
    const none = recc('synth', 'pepnet');
    expect(none.status).toBe(1);
    expect(none.stderr).toBe('error: pass -o DIR to write the data (or --describe to print what the setting models)\n');
  });

  it('more rows than a setting makes in memory: refused in one line before any row (synth, train, a spec\'s rows)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-synth-rows-'));
    const s = recc('synth', 'poso', '-o', dir, '--rows', '99999999999999');
    expect(s.status).toBe(1);
    expect(s.stderr).toBe('error[REC6013]: --rows 99999999999999: synthetic setting `poso` makes at most 5,000,000 rows (they are generated in memory)\n');
    expect(recc('synth', '--help').stdout).toMatch(/--rows <n> +rows to generate \(at most 5,000,000/);
    const t = recc('train', join(ROOT, 'examples/poso-movielens.rec'), '--rows', '99999999999999', '-o', join(dir, 'run'));
    expect(t.status).toBe(1);
    expect(t.stderr).not.toMatch(/^\s+at /m);
    expect(t.stderr.trim()).toBe('synth(poso): error[REC6013]: --rows 99999999999999: synthetic setting `poso` makes at most 5,000,000 rows (they are generated in memory)');
    // in a spec, the checker refuses it where it is written; a graph that asks for it anyway (as an older build's would) is refused before any row
    const a = analyze('model m { features { user_id: id(hash: 10, dim: 2)  rating: label } task t : regression(label: rating) { from: user_id } train { data: synth(poso, rows: 99_999_999_999_999) } }', join(dir, 'm.rec'));
    expect(a.diagnostics.map((d) => [d.code, d.message, d.span.end.offset - d.span.start.offset])).toEqual([['REC5006', '`rows` must be an int from 1 to 5,000,000', '99_999_999_999_999'.length]]);
    const g = { ...a.partialGraph!, train: { ...a.partialGraph!.train, data: { kind: 'synth' as const, setting: 'poso', options: { rows: 99_999_999_999_999 } } } };
    const loaded = await loadData(g, { skipBadRows: false, seed: 1 });
    expect(loaded.errors.map((e) => [e.file, e.code, e.message])).toEqual([[join(dir, 'm.rec'), 'REC6013', '`rows: 99999999999999`: synthetic setting `poso` makes at most 5,000,000 rows (they are generated in memory)']]);
    expect(synthRowsRefusal('poso', MAX_SYNTH_ROWS, '--rows')).toBeUndefined();
    expect(synthRowsRefusal('poso', MAX_SYNTH_ROWS + 1, '--rows')).toBeDefined();
  });

  it("a setting's options out of range are refused where the spec writes them; the least value each takes generates rows", () => {
    const spec = (data: string) => `model m {\n  features {\n    user_id: id(hash: 10, dim: 2)\n    rating: label\n  }\n  task t : regression(label: rating) { from: user_id }\n  train {\n    data: ${data}\n  }\n}\n`;
    // each problem with the text it is reported at
    const problems = (data: string) =>
      analyze(spec(data), join(ROOT, 'm.rec'))
        .diagnostics.filter((d) => d.code === 'REC5006')
        .map((d) => `${spec(data).slice(d.span.start.offset, d.span.end.offset)}: ${d.message}`);
    // each of these crashed training with a stack trace, or ran out of memory
    expect(problems('synth(cmml, rows: 100, users: 0)')).toEqual(['0: `users` must be an int from 1 to 1,000,000']);
    expect(problems('synth(poso, rows: 100, items: 0)')).toEqual(['0: `items` must be an int from 1 to 1,000,000']);
    expect(problems('synth(cmml, rows: 100, items: 2_000_000_000)')).toEqual(['2_000_000_000: `items` must be an int from 1 to 1,000,000']);
    expect(problems('synth(cmml, rows: 100, dim: 1_000_000)')).toEqual(['1_000_000: `dim` must be an int from 1 to 1,024']);
    expect(problems('synth(peterrec, rows: 100, types: 0, clusters: 0)')).toEqual(['0: `types` must be an int from 1 to 10,000', '0: `clusters` must be an int from 1 to 10,000']);
    expect(problems('synth(poso, rows: 0)')).toEqual(['0: `rows` must be an int from 1 to 5,000,000']);
    // PeterRec's items each take a hash bucket of their own: at most as many as buckets, the defaults (160 of 256) counted
    expect(problems('synth(peterrec, rows: 100, items: 300)')).toEqual(['300: 300 items cannot have distinct ids among 256 buckets']);
    expect(problems('synth(peterrec_cold, rows: 100, buckets: 100)')).toEqual(['100: 160 items cannot have distinct ids among 100 buckets']);
    expect(problems('synth(peterrec_cold, rows: 100, targets: 600)')).toEqual(['600: 600 targets cannot have distinct ids among 512 target buckets']);
    expect(problems('synth(peterrec, rows: 100, items: 300, buckets: 300)')).toEqual([]);
    // the least value of each option a setting reads makes rows
    const least = Object.fromEntries(Object.entries(SYNTH_OPTION_RANGES).map(([k, r]) => [k, r.min]));
    for (const [name, g] of Object.entries(SYNTH)) {
      for (const option of ['users', 'items', 'dim', 'negatives', 'first', 'types', 'clusters', 'targets', 'noise']) {
        const rows = g.generate({ seed: 1, rows: 50, [option]: least[option] });
        expect(rows.length, `${name} ${option}: ${least[option]}`).toBe(50);
      }
    }
  });

  it('a spec asking for an unknown version is refused by the checker, and by training before any row', async () => {
    const spec = (v: number) =>
      `model m {\n  features {\n    avc: bucketize(boundaries: [10], dim: 4)\n    rating: label\n  }\n  let h = mlp(avc, [4])\n  task fav : binary(label: rating == 5)\n  train {\n    data: synth(poso, rows: 200, version: ${v})\n  }\n}\n`;
    const a = analyze(spec(7), join(ROOT, 'm.rec'));
    expect(a.diagnostics.map((d) => [d.code, d.message])).toEqual([['REC5006', 'synthetic setting `poso` has no version 7 (known: 1, 2)']]);
    // a graph that asks for it anyway (as an older build's would): REC6020 before any row is made
    const g = { ...a.partialGraph!, train: { ...a.partialGraph!.train, data: { kind: 'synth' as const, setting: 'poso', options: { rows: 200, version: 7 } } } };
    const r = await loadData(g, { skipBadRows: false, seed: 1 });
    expect(r.errors).toEqual([{ file: join(ROOT, 'm.rec'), row: 0, code: 'REC6020', message: 'synthetic setting `poso` has no version 7 (known: 1, 2)' }]);
    const ok = await loadData(analyze(spec(1), join(ROOT, 'm.rec')).graph!, { skipBadRows: false, seed: 1 });
    expect(ok.errors).toEqual([]);
    expect(ok.dataset.n).toBe(200);
  });

  it('--format csv | jsonl | parquet: each file holds the generator\'s rows, and trains on the same dataset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-synth-fmt-'));
    const want = posoRows({ seed: 4, rows: 300 });
    for (const f of ['csv', 'jsonl', 'parquet']) {
      const r = recc('synth', 'poso', '-o', dir, '--rows', '300', '--seed', '4', '--format', f);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    // CSV as csv-stringify writes the rows (a second implementation)
    expect(readFileSync(join(dir, 'poso.csv'), 'utf8')).toBe(stringify(want, { header: true, columns: POSO_COLUMNS }));
    // JSON Lines and Parquet keep numbers as numbers and text as text
    const jsonl = readFileSync(join(dir, 'poso.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(jsonl).toEqual(want);
    const buf = readFileSync(join(dir, 'poso.parquet'));
    const parquet = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    expect(parquet).toEqual(want);
    // the POSO example reads each into the same dataset
    const g = analyzeFile(join(ROOT, 'examples/poso-movielens.rec')).graph!;
    const loaded = await Promise.all(['csv', 'jsonl', 'parquet'].map((f) => loadData(g, { data: join(dir, `poso.${f}`), skipBadRows: false, seed: 1 })));
    for (const l of loaded) expect(l.errors).toEqual([]);
    expect(loaded[0]!.dataset.n).toBe(300);
    expect(loaded[1]!.dataset).toEqual(loaded[0]!.dataset);
    expect(loaded[2]!.dataset).toEqual(loaded[0]!.dataset);
  });
});

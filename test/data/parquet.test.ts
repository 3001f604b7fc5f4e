// Parquet input (issue 18, item 2): files written by a second implementation (parquet-wasm, the
// Rust `parquet` crate; test/fixtures/parquet/make-fixtures.mjs) read to the values that wrote
// them; the same data as CSV and as Parquet encodes to the same dataset (so train, eval and
// predict read either); bad files give one message with its code, never an exception.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatOf, readRows } from '../../src/data/read.js';
import { formatDataError } from '../../src/data/row.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const FIX = join(import.meta.dirname, '../fixtures/parquet');
const CLICKS_SPEC = join(import.meta.dirname, '../fixtures/train/clicks.rec');
const CLICKS_CSV = join(import.meta.dirname, '../fixtures/train/clicks.csv');
const dir = mkdtempSync(join(tmpdir(), 'recc-parquet-'));
const strict = { skipBadRows: false };

function bytesFile(name: string, bytes: Uint8Array | string): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

/** A spec reading `types.parquet`'s columns, with `extra` features. */
function typesSpec(extra: string) {
  const text = `model m {\n  features {\n    s: id(hash: 100, dim: 2)\n${extra}\n    y: label\n  }\n  task t : regression(label: y) { from: s }\n}\n`;
  const g = analyze(text, join(dir, 'm.rec')).graph;
  if (!g) throw new Error('spec does not analyse');
  return g;
}

describe('Parquet input', () => {
  it('reads every column type as the writer wrote it: ints, INT64 past 2^53 as text, floats, text, booleans, lists, dictionaries, timestamps, nulls', async () => {
    const r = await readRows(join(FIX, 'types.parquet'), strict);
    expect(r.errors).toEqual([]);
    expect(r.columns).toEqual(['i32', 'i64', 'f32', 'f64', 's', 'b', 'tags', 'nums', 'd', 'ts']);
    const expected = JSON.parse(readFileSync(join(FIX, 'types.json'), 'utf8')) as unknown[];
    // zstd, three row groups of at most 4 rows: rows are numbered from 1 across them
    expect(r.rows.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.rows.map((x) => ({ ...x.row }))).toEqual(expected);
  });

  it('the same data as CSV and as Parquet (snappy, gzip; dense vectors as lists of doubles) encode to the same dataset', async () => {
    const g = analyzeFile(CLICKS_SPEC).graph!;
    const csv = await loadData(g, { data: CLICKS_CSV, skipBadRows: false, seed: 1 });
    expect(csv.errors).toEqual([]);
    for (const name of ['clicks-snappy.parquet', 'clicks-gzip.parquet']) {
      const pq = await loadData(g, { data: join(FIX, name), skipBadRows: false, seed: 1 });
      expect(pq.errors).toEqual([]);
      expect(pq.dataset.n).toBe(1200);
      expect(pq.dataset.inputs).toEqual(csv.dataset.inputs);
      expect(pq.dataset.labels).toEqual(csv.dataset.labels);
      expect(pq.dataset.keys).toEqual(csv.dataset.keys);
    }
  });

  it('a Parquet file is read as Parquet whatever its name', async () => {
    const f = join(dir, 'clicks.csv');
    copyFileSync(join(FIX, 'clicks-snappy.parquet'), f);
    const r = await readRows(f, { ...strict, limit: 2 });
    expect(r.errors).toEqual([]);
    expect(r.rows[0]!.row.user).toBe('u0');
  });

  it('a missing column is one error naming the feature, the file\'s columns and the nearest name', async () => {
    const g = typesSpec('    n: bucketize(boundaries: [1], dim: 2) // reads column n');
    const r = await loadData(g, { data: join(FIX, 'types.parquet'), skipBadRows: false, seed: 1 });
    expect(r.errors.map((e) => e.column)).toEqual(['n', 'y']);
    expect(r.errors[0]!.code).toBe('REC6001');
    expect(r.errors[0]!.message).toContain('; the file has i32, i64, f32, f64, s, b, tags, nums, d, ts');
    expect(formatDataError(r.errors[0]!)).toMatch(/^\S+types\.parquet \(column n\): error\[REC6001\]: no column `n` for feature `n`/);
  });

  it('a schema naming a column twice is one REC6003, as a CSV header is (its two columns were read as one)', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const f = bytesFile('dup.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 's', type: 'STRING', data: ['a', 'b'] }, { name: 'y', type: 'DOUBLE', data: [1, 2] }, { name: 's', type: 'STRING', data: ['c', 'd'] }] })));
    const r = await readRows(f, strict);
    expect(r.errors.map(formatDataError)).toEqual([`${f} (column s): error[REC6003]: the file's schema names column \`s\` twice`]);
    expect(r.rows).toEqual([]);
  });

  it('a column of the wrong type is an error at its row and column; raw bytes are REC6012', async () => {
    // a text column where a bucketized number is read
    const text = `model m {\n  features {\n    s: bucketize(boundaries: [1], dim: 2)\n    f64: label\n  }\n  task t : regression(label: f64) { from: s }\n}\n`;
    const g = analyze(text, join(dir, 'w.rec')).graph!;
    const r = await loadData(g, { data: join(FIX, 'types.parquet'), skipBadRows: false, seed: 1 });
    expect(r.errors[0]).toMatchObject({ row: 1, column: 's', code: 'REC6002', message: '`s` must be a number, found `a`' });
    expect(formatDataError(r.errors[0]!)).toMatch(/types\.parquet:1:5 \(column s\): error\[REC6002\]/);
    const b = await readRows(join(FIX, 'bytes.parquet'), strict);
    expect(b.errors).toHaveLength(2);
    expect(b.errors[0]).toMatchObject({ row: 1, column: 'raw', code: 'REC6012' });
    expect(b.errors[0]!.message).toContain('FIXED_LEN_BYTE_ARRAY(4)');
  });

  it('a truncated or damaged file is one REC6011 naming what is wrong, never an exception', async () => {
    const whole = readFileSync(join(FIX, 'clicks-snappy.parquet'));
    const half = await readRows(bytesFile('half.parquet', whole.subarray(0, whole.length >> 1)), strict);
    expect(half.errors).toHaveLength(1);
    expect(half.errors[0]).toMatchObject({ row: 0, code: 'REC6011' });
    expect(half.errors[0]!.message).toMatch(/does not end with the Parquet footer.*cut short/);
    // the footer's length says more than the file holds
    const lying = Buffer.from(whole);
    lying.writeUInt32LE(whole.length * 2, whole.length - 8);
    const l = await readRows(bytesFile('lying.parquet', lying), strict);
    expect(l.errors).toMatchObject([{ code: 'REC6011' }]);
    expect(l.errors[0]!.message).toMatch(/^cannot read the Parquet footer: /);
    // a footer of length 0, and one whose bytes are no metadata: said so, not a JavaScript error
    const empty = Buffer.from(whole);
    empty.writeUInt32LE(0, whole.length - 8);
    const e = await readRows(bytesFile('empty-footer.parquet', empty), strict);
    expect(e.errors).toEqual([{ file: join(dir, 'empty-footer.parquet'), row: 0, code: 'REC6011', message: expect.stringMatching(/^the Parquet footer is empty \(its length is 0\)/) }]);
    const footer = (bytes: Buffer) => Buffer.concat([Buffer.from('PAR1'), bytes, Buffer.from([bytes.length, 0, 0, 0]), Buffer.from('PAR1')]);
    for (const [name, bytes] of [['zeros4.parquet', footer(Buffer.alloc(4))], ['zeros64.parquet', footer(Buffer.alloc(64))], ['ones.parquet', footer(Buffer.alloc(64, 0xff))]] as const) {
      const c = await readRows(bytesFile(name, bytes), strict);
      expect(c.errors, name).toMatchObject([{ row: 0, code: 'REC6011', message: expect.stringMatching(/^the Parquet footer \(\d+ bytes\) is corrupt: it does not decode as Parquet metadata/) }]);
      expect(c.errors[0]!.message, name).not.toMatch(/Cannot read|undefined|properties/);
    }
    // a damaged data page (the footer intact): the row group is named
    const damaged = Buffer.from(whole);
    for (let i = 200; i < 4000; i++) damaged[i] = (i * 7919) & 0xff;
    const d = await readRows(bytesFile('damaged.parquet', damaged), strict);
    expect(d.errors.length).toBeGreaterThan(0);
    expect(d.errors[0]!.code).toBe('REC6011');
    expect(d.errors[0]!.message).toMatch(/^cannot decode row group 1 of 12 \(rows 1–100\): /);
  });

  it('a file in a format recc does not read is one REC6010 naming it and the formats known', async () => {
    const gz = await readRows(bytesFile('data.csv', gzipSync('a,b\n1,2\n')), strict);
    expect(gz.errors).toEqual([{ file: join(dir, 'data.csv'), row: 0, code: 'REC6010', message: expect.stringMatching(/^this is a gzip-compressed file; recc reads CSV .*Parquet \(\.parquet/) }]);
    const x = await readRows(bytesFile('sheet.xlsx', 'a,b\n1,2\n'), strict);
    expect(x.errors[0]).toMatchObject({ code: 'REC6010', message: expect.stringMatching(/^unknown data format `\.xlsx`; recc reads CSV/) });
    const notPq = await readRows(bytesFile('fake.parquet', 'a,b\n1,2\n'), strict);
    expect(notPq.errors[0]).toMatchObject({ code: 'REC6010', message: 'not a Parquet file: it does not start with `PAR1`' });
    expect([formatOf('a.parquet'), formatOf('a.PQ'), formatOf('a'), formatOf('a.xlsx')]).toEqual(['parquet', 'parquet', 'csv', undefined]);
  });
});

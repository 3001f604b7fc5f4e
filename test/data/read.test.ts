import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { formatOf, readRows } from '../../src/data/read.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const dir = mkdtempSync(join(tmpdir(), 'recc-read-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const strict = { skipBadRows: false };

describe('CSV and TSV', () => {
  it('read quoted fields and number rows by the file\'s lines (the header is line 1)', async () => {
    const f = file('a.csv', 'u,title,rating\n1,"Heat, The (1995)",4\n2,"say ""hi""\nthere",3\n');
    const r = await readRows(f, strict);
    expect(r.errors).toEqual([]);
    expect(r.columns).toEqual(['u', 'title', 'rating']);
    expect(r.rows).toEqual([
      { row: { u: '1', title: 'Heat, The (1995)', rating: '4' }, line: 2 },
      { row: { u: '2', title: 'say "hi"\nthere', rating: '3' }, line: 3 },
    ]);
  });

  it('report a wrong column count by row, or skip and count it', async () => {
    const f = file('b.csv', 'u,title,rating\n1,Heat,4\n2,Up\n3,Alien,5,extra\n4,Jaws,2\n');
    const r = await readRows(f, strict);
    expect(r.rows.map((x) => x.line)).toEqual([2, 5]);
    expect(r.errors).toEqual([
      { file: f, row: 3, code: 'REC6003', message: 'row has 2 columns, the header has 3' },
      { file: f, row: 4, code: 'REC6003', message: 'row has 4 columns, the header has 3' },
    ]);
    const s = await readRows(f, { skipBadRows: true });
    expect(s.errors).toEqual([]);
    expect(s.skipped).toBe(2);
    expect(s.rows.map((x) => x.row.title)).toEqual(['Heat', 'Jaws']);
  });

  it('check required and numeric columns', async () => {
    const f = file('c.csv', 'u,rating\n1,4\n2,four\n3,\n');
    expect((await readRows(f, { ...strict, required: ['u', 'ts', 'label'] })).errors).toEqual([
      { file: f, row: 1, column: 'ts', code: 'REC6001', message: 'missing columns `ts`, `label` (the header has u, rating)' },
    ]);
    const r = await readRows(f, { ...strict, numeric: ['rating'] });
    expect(r.errors.map((e) => [e.row, e.code, e.column])).toEqual([
      [3, 'REC6002', 'rating'],
      [4, 'REC6002', 'rating'],
    ]);
    expect(r.errors[0]!.message).toBe('`rating` must be a number, found `four`');
    expect((await readRows(f, { skipBadRows: true, numeric: ['rating'] })).skipped).toBe(2);
  });

  it('read TSV without quoting rules', async () => {
    const f = file('a.tsv', 'a\tb\n1\tsay "x\n');
    const r = await readRows(f, strict);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]!.row).toEqual({ a: '1', b: 'say "x' });
  });

  it('call empty files, header-only files and unreadable files errors', async () => {
    expect((await readRows(file('e.csv', ''), strict)).errors).toMatchObject([{ row: 0, code: 'REC6004' }]);
    expect((await readRows(file('h.csv', 'a,b\n'), strict)).errors).toMatchObject([{ row: 0, code: 'REC6004' }]);
    expect((await readRows(join(dir, 'nope.csv'), strict)).errors).toMatchObject([{ row: 0, code: 'REC2009' }]);
    expect((await readRows(join(dir, 'nope.jsonl'), strict)).errors).toMatchObject([{ row: 0, code: 'REC2009' }]);
    expect((await readRows(file('dup.csv', 'a,a\n1,2\n'), strict)).errors).toMatchObject([{ row: 1, code: 'REC6003', column: 'a' }]);
  });

  it('report an unclosed quote with its row', async () => {
    const r = await readRows(file('q.csv', 'a,b\n1,2\n3,"oops\n'), strict);
    expect(r.rows).toHaveLength(1);
    expect(r.errors).toMatchObject([{ row: 3, code: 'REC6002' }]);
    // the row where the quote opens, not the end of the file that it swallowed
    const far = await readRows(file('q2.csv', 'a,b\n1,2\n\n3,"oops\n4,5\n6,7\n8,9\n'), strict);
    expect(far.rows).toHaveLength(1);
    expect(far.errors).toEqual([{ file: join(dir, 'q2.csv'), row: 4, code: 'REC6002', message: 'a quoted field opens in this row and is never closed: the rest of the file was read into it' }]);
  });

  it('stop after `limit` rows', async () => {
    const r = await readRows(file('l.csv', 'a\n1\n2\n3\n'), { ...strict, limit: 2 });
    expect(r.rows.map((x) => x.row.a)).toEqual(['1', '2']);
  });
});

describe('JSON Lines and JSON', () => {
  it('keep JSON types, skip blank lines (counting them), report lines that are not objects', async () => {
    const f = file('a.jsonl', '{"a": 1, "h": ["x", 2], "b": true, "n": null}\n\nnot json\n[1]\n{"a": 2, "o": {"k": 1}}\n');
    const r = await readRows(f, strict);
    expect(r.rows).toEqual([
      { row: { a: 1, h: ['x', 2], b: true, n: null }, line: 1 },
      { row: { a: 2, o: '{"k":1}' }, line: 5 },
    ]);
    expect(r.columns).toEqual(['a', 'h', 'b', 'n', 'o']);
    expect(r.errors).toEqual([
      { file: f, row: 3, code: 'REC6002', message: 'the line is not a JSON object' },
      { file: f, row: 4, code: 'REC6002', message: 'the line is not a JSON object' },
    ]);
    expect((await readRows(f, { skipBadRows: true })).skipped).toBe(2);
  });

  it('check required columns per row', async () => {
    const f = file('b.jsonl', '{"a": 1, "y": 0}\n{"a": 2}\n{"a": 3, "y": "x"}\n');
    const r = await readRows(f, { ...strict, required: ['a'], numeric: ['y'] });
    expect(r.errors.map((e) => [e.row, e.code, e.column])).toEqual([
      [2, 'REC6001', 'y'],
      [3, 'REC6002', 'y'],
    ]);
  });

  it('read a .json array whole, and JSON Lines in a .json file', async () => {
    expect((await readRows(file('c.json', '[{"a": 1}, {"a": 2}]'), strict)).rows.map((x) => x.row.a)).toEqual([1, 2]);
    expect((await readRows(file('d.json', '{"a": 1}\n{"a": 2}\n'), strict)).rows.map((x) => x.row.a)).toEqual([1, 2]);
    expect((await readRows(file('e.json', '[{"a": 1}, 3'), strict)).errors).toMatchObject([{ code: 'REC6002' }]);
    expect((await readRows(file('f.jsonl', '\n\n'), strict)).errors).toMatchObject([{ code: 'REC6004' }]);
    // a byte-order mark, as the other formats skip it (found by a probe: the array was "not valid JSON")
    for (const text of ['\uFEFF[{"a": 1}, {"a": 2}]', '\uFEFF{"a": 1}\n{"a": 2}\n']) {
      const r = await readRows(file('bom.json', text), strict);
      expect([r.errors, r.rows.map((x) => x.row.a)]).toEqual([[], [1, 2]]);
    }
  });

  it('a list\'s null item is no item of a sequence, as an empty item of a text cell is none, in JSON Lines and Parquet', async () => {
    const spec = `model m {
  features {
    h: seq(id(hash: 1000, dim: 2), max_len: 4)
    y: label
  }
  task t : regression(label: y) { from: mean(h) }
}
`;
    const g = analyze(spec, join(dir, 'm.rec')).graph!;
    // rows: a list with a null item, the same without it, the text with an empty item, and the list's JSON text
    const jsonl = file('seq.jsonl', ['["m1", null, "m2"]', '["m1", "m2"]', '"m1||m2"', '"[\\"m1\\",null,\\"m2\\"]"'].map((h) => `{"h": ${h}, "y": 1}`).join('\n'));
    expect((await readRows(jsonl, strict)).rows[0]!.row.h).toEqual(['m1', null, 'm2']);
    const j = await loadData(g, { data: jsonl, skipBadRows: false, seed: 1 });
    expect(j.errors).toEqual([]);
    const h = Array.from(j.dataset.inputs.h!);
    const row = (i: number) => h.slice(4 * i, 4 * i + 4);
    expect(row(0)).toEqual(row(1));
    expect(row(0)).toEqual(row(2));
    expect(row(0)[2]).toBe(0);
    expect(row(3)).not.toEqual(row(0)); // one item, the whole text
    const schema = [
      { name: 'root', num_children: 2 },
      { name: 'h', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'y', type: 'INT32', repetition_type: 'REQUIRED' },
    ] as SchemaElement[];
    const pq = file('seq.parquet', new Uint8Array(parquetWriteBuffer({ schema, columnData: [{ name: 'h', data: [['m1', null, 'm2'], ['m1', 'm2']] }, { name: 'y', data: [1, 1] }] })));
    expect((await readRows(pq, strict)).rows[0]!.row.h).toEqual(['m1', null, 'm2']);
    const p = await loadData(g, { data: pq, skipBadRows: false, seed: 1 });
    expect(p.errors).toEqual([]);
    expect(Array.from(p.dataset.inputs.h!)).toEqual([...row(0), ...row(1)]);
  });

  it('dispatch on the extension', () => {
    expect([formatOf('a.CSV'), formatOf('a.tsv'), formatOf('a.jsonl'), formatOf('a.ndjson'), formatOf('a.json'), formatOf('a.txt')]).toEqual(['csv', 'tsv', 'jsonl', 'jsonl', 'jsonl', 'csv']);
  });
});

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketOf, encodeRows, idOf } from '../../src/data/encode.js';
import { fnv1a32, hashBucket } from '../../src/data/hash.js';
import { evalLabel } from '../../src/data/label-expr.js';
import { readRows } from '../../src/data/read.js';
import { analyze } from '../../src/semantics/analyze.js';
import { parse } from '../../src/syntax/parse.js';

const SPEC = `model m {
  features {
    u: id(hash: 100, dim: 2)
    g: id(vocab: ["x", "y"], dim: 2)
    h: seq(g, max_len: 3, sep: "|")
    n: bucketize(boundaries: [1, 10], dim: 2)
    v: dense(2)
    rating: label
  }
  let t = concat(u, g, mean(h), n, v)
  task like : binary(label: rating >= 4) { from: t }
}`;
const graph = analyze(SPEC, '/virtual/m.rec').graph!;
const expr = (s: string) => {
  const f = parse(`model m { task t : binary(label: ${s}) }`, 'x').file;
  const m = f.items[0]!;
  if (m.kind !== 'Model' || m.items[0]!.kind !== 'Task') throw new Error('parse');
  const h = m.items[0]!.head;
  if (h.kind !== 'Call') throw new Error('parse');
  return h.args[0]!.value;
};

describe('hashing', () => {
  it('is FNV-1a 32 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(hashBucket('a', 10)).toBe(1 + (0xe40c292c % 10));
  });
});

describe('encoding rules', () => {
  it('maps ids, sequences, buckets and vectors as documented', () => {
    expect(idOf('y', { kind: 'vocab', values: ['x', 'y'] })).toBe(3);
    expect(idOf('zz', { kind: 'vocab', values: ['x', 'y'] })).toBe(1);
    expect(idOf('', { kind: 'vocab', values: ['x', 'y'] })).toBe(0);
    expect(bucketOf(0.5, [1, 10])).toBe(1);
    expect(bucketOf(1, [1, 10])).toBe(2);
    expect(bucketOf(99, [1, 10])).toBe(3);
    const { dataset, errors } = encodeRows(graph, [{ row: { u: 'a', g: 'x', h: 'y|q|x|y', n: '5', v: '0.5,-1', rating: '4' }, line: 1 }], { file: 'f', keyColumns: ['u'], skipBadRows: false });
    expect(errors).toEqual([]);
    expect(Array.from(dataset.inputs.u!)).toEqual([hashBucket('a', 100)]);
    expect(Array.from(dataset.inputs.g!)).toEqual([2]);
    // the last 3 items of y|q|x|y: q (OOV → 1), x (2), y (3)
    expect(Array.from(dataset.inputs.h!)).toEqual([1, 2, 3]);
    expect(Array.from(dataset.inputs.n!)).toEqual([2]);
    expect(Array.from(dataset.inputs.v!)).toEqual([0.5, -1]);
    expect(Array.from(dataset.labels.like!)).toEqual([1]);
    expect(dataset.keys.u).toEqual(['a']);
  });

  it('pads short sequences on the right with 0', () => {
    const { dataset } = encodeRows(graph, [{ row: { u: 'a', g: 'x', h: 'x', n: '0', v: '1 2', rating: 1 }, line: 1 }], { file: 'f', keyColumns: [], skipBadRows: false });
    expect(Array.from(dataset.inputs.h!)).toEqual([2, 0, 0]);
  });

  it('reports a bad value with file, row and column, or skips and counts it', () => {
    const rows = [
      { row: { u: 'a', g: 'x', h: '', n: 'abc', v: '1,2', rating: 3 }, line: 7 },
      { row: { u: 'a', g: 'x', h: '', n: '2', v: '1,2', rating: '' }, line: 8 },
      { row: { u: 'a', g: 'x', h: '', n: '2', v: '1', rating: 4 }, line: 9 },
      { row: { u: 'b', g: 'y', h: '', n: '3', v: '1,2', rating: 5 }, line: 10 },
    ];
    const r = encodeRows(graph, rows, { file: 'data.csv', keyColumns: [], skipBadRows: false });
    expect(r.errors.map((e) => [e.row, e.code, e.column])).toEqual([
      [7, 'REC6002', 'n'],
      [8, 'REC6001', 'like'],
      [9, 'REC6002', 'v'],
    ]);
    const s = encodeRows(graph, rows, { file: 'data.csv', keyColumns: [], skipBadRows: true });
    expect(s.skipped).toBe(3);
    expect(s.dataset.n).toBe(1);
  });
});

describe('label expressions', () => {
  it('evaluate comparisons and logic on a row, never as code', () => {
    const row = { rating: '4', hate: 'false' };
    expect(evalLabel(expr('rating >= 4 and not hate'), (c) => row[c as keyof typeof row])).toBe(1);
    expect(evalLabel(expr('rating == 5 or rating < 2'), (c) => row[c as keyof typeof row])).toBe(0);
    expect(evalLabel(expr('(rating - 1) / 2'), (c) => row[c as keyof typeof row])).toBe(1.5);
    expect(evalLabel(expr('missing > 1'), () => undefined)).toEqual({ error: 'missing column `missing`', code: 'REC6001', column: 'missing' });
    expect(evalLabel(expr('rating > 1'), () => '')).toEqual({ error: 'label column `rating` is empty', code: 'REC6001', column: 'rating' });
  });
});

describe('readers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recc-data-'));
  it('read CSV with quoted fields and report wrong column counts by row', async () => {
    const f = join(dir, 'a.csv');
    writeFileSync(f, 'u,title,rating\n1,"Heat, 1995",4\n2,Up\n3,Alien,5\n');
    const r = await readRows(f, { skipBadRows: false });
    expect(r.rows.map((x) => x.row.title)).toEqual(['Heat, 1995', 'Alien']);
    expect(r.errors).toEqual([{ file: f, row: 2, code: 'REC6003', message: 'row has 2 columns, the header has 3' }]);
    const s = await readRows(f, { skipBadRows: true });
    expect(s.skipped).toBe(1);
  });

  it('read TSV and JSON Lines, and call an empty file an error', async () => {
    const t = join(dir, 'a.tsv');
    writeFileSync(t, 'a\tb\n1\t2\n');
    expect((await readRows(t, { skipBadRows: false })).rows[0]!.row).toEqual({ a: '1', b: '2' });
    const j = join(dir, 'a.jsonl');
    writeFileSync(j, '{"a": 1, "h": ["x", "y"]}\nnot json\n');
    const r = await readRows(j, { skipBadRows: false });
    expect(r.rows[0]!.row).toEqual({ a: 1, h: ['x', 'y'] });
    expect(r.errors[0]).toMatchObject({ row: 2, code: 'REC6002' });
    const e = join(dir, 'empty.csv');
    writeFileSync(e, '');
    expect((await readRows(e, { skipBadRows: false })).errors[0]!.code).toBe('REC6004');
  });
});

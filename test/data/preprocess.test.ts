import { describe, expect, it } from 'vitest';
import { hashBucket } from '../../src/data/hash.js';
import { bucketOf, denseValues, idOf, keyText, numberOf, preprocess, seqItems, slice } from '../../src/data/preprocess.js';
import type { FeatureSpec, TaskSpec } from '../../src/ir/types.js';
import type { Expr } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';

function expr(s: string): Expr {
  const m = parse(`model m { task t : binary(label: ${s}) }`, 'x').file.items[0]!;
  if (m.kind !== 'Model' || m.items[0]!.kind !== 'Task' || m.items[0]!.head.kind !== 'Call') throw new Error('parse');
  return m.items[0]!.head.args[0]!.value;
}
const task = (name: string, label: string): TaskSpec => ({ name, kind: 'binary', classes: 1, label: expr(label), loss: 'bce', weight: 1, output: 0, logit: 0 });

const vocab = { kind: 'vocab' as const, values: ['x', 'y'] };
const FEATURES: FeatureSpec[] = [
  { kind: 'id', name: 'u', column: 'user', source: { kind: 'hash', buckets: 100 }, dim: 2, table: 'u', rows: 101 },
  { kind: 'id', name: 'g', column: 'g', source: vocab, dim: 2, table: 'g', rows: 4 },
  { kind: 'seq', name: 'h', column: 'h', source: vocab, dim: 2, table: 'g', rows: 4, maxLen: 3, sep: '|' },
  { kind: 'seq', name: 'hh', column: 'hh', source: { kind: 'hash', buckets: 50 }, dim: 2, table: 'hh', rows: 51, maxLen: 2, sep: ';' },
  { kind: 'bucketize', name: 'n', column: 'n', boundaries: [1, 10], dim: 2, table: 'n', rows: 3 },
  { kind: 'dense', name: 'v', column: 'v', size: 2 },
  { kind: 'label', name: 'rating', column: 'rating' },
];
const TASKS = [task('like', 'rating >= 4'), task('five', 'rating == 5')];
const good = { user: 'a', g: 'x', h: 'y|q|x|y', hh: 'p;q;r', n: '5', v: '0.5,-1', rating: '4' };

describe('encoding rules', () => {
  it('map single values by hand', () => {
    expect(idOf('x', vocab)).toBe(2);
    expect(idOf('y', vocab)).toBe(3);
    expect(idOf('zz', vocab)).toBe(1);
    expect(idOf('', vocab)).toBe(0);
    expect(idOf(null, vocab)).toBe(0);
    expect(idOf(42, { kind: 'hash', buckets: 1000 })).toBe(hashBucket('42', 1000));
    expect(idOf('', { kind: 'hash', buckets: 1000 })).toBe(0);
    expect([0.5, 1, 9.99, 10, 99, -3].map((x) => bucketOf(x, [1, 10]))).toEqual([1, 2, 2, 3, 3, 1]);
    expect(seqItems(' a | |b||c ', '|')).toEqual(['a', 'b', 'c']);
    expect(seqItems(['a', 2, ''], '|')).toEqual(['a', '2']);
    expect(seqItems(['a', null, 'b'], '|')).toEqual(['a', 'b']); // a null item is none, like an empty one
    expect(seqItems(null, '|')).toEqual([]);
    expect(denseValues('1, 2|3  4')).toEqual([1, 2, 3, 4]);
    expect(denseValues([1, '2'])).toEqual([1, 2]);
    expect(denseValues(7)).toEqual([7]);
  });

  it('encode a row as documented', () => {
    const { dataset, errors } = preprocess({ features: FEATURES, tasks: TASKS }, [{ row: good, line: 1 }], { file: 'f', keyColumns: ['user'] });
    expect(errors).toEqual([]);
    expect(dataset.n).toBe(1);
    expect(Array.from(dataset.inputs.u!)).toEqual([hashBucket('a', 100)]);
    expect(Array.from(dataset.inputs.g!)).toEqual([2]);
    // the last 3 items of y|q|x|y, oldest first: q (OOV → 1), x (2), y (3)
    expect(Array.from(dataset.inputs.h!)).toEqual([1, 2, 3]);
    // the last 2 of p;q;r
    expect(Array.from(dataset.inputs.hh!)).toEqual([hashBucket('q', 50), hashBucket('r', 50)]);
    expect(Array.from(dataset.inputs.n!)).toEqual([2]);
    expect(Array.from(dataset.inputs.v!)).toEqual([0.5, -1]);
    expect(dataset.inputs.v).toBeInstanceOf(Float32Array);
    expect(dataset.inputs.h).toBeInstanceOf(Int32Array);
    expect(dataset.shapes).toEqual({ u: [], g: [], h: [3], hh: [2], n: [], v: [2] });
    expect(Array.from(dataset.labels.like!)).toEqual([1]);
    expect(Array.from(dataset.labels.five!)).toEqual([0]);
    expect(dataset.keys).toEqual({ user: ['a'] });
  });

  it('pad short sequences on the right with 0 and take JSON arrays as items', () => {
    const rows = [
      { row: { ...good, h: 'x', hh: '' }, line: 1 },
      { row: { ...good, h: ['y', 'x', 'x', 'zz'], hh: null, n: 10, v: [3, 4], rating: true }, line: 2 },
    ];
    const { dataset, errors } = preprocess({ features: FEATURES, tasks: TASKS }, rows, { file: 'f' });
    expect(errors).toEqual([]);
    expect(Array.from(dataset.inputs.h!)).toEqual([2, 0, 0, 2, 2, 1]);
    expect(Array.from(dataset.inputs.hh!)).toEqual([0, 0, 0, 0]);
    expect(Array.from(dataset.inputs.n!)).toEqual([2, 3]);
    expect(Array.from(dataset.inputs.v!)).toEqual([0.5, -1, 3, 4]);
    expect(Array.from(dataset.labels.like!)).toEqual([1, 0]);
  });

  it('report a bad value with file, row and column, or skip and count it', () => {
    const rows = [
      { row: { ...good, n: 'abc' }, line: 7 },
      { row: { ...good, rating: '' }, line: 8 },
      { row: { ...good, v: '1' }, line: 9 },
      { row: { ...good, v: '1,x' }, line: 10 },
      { row: { ...good, user: 'b', g: 'y' }, line: 11 },
      { row: (({ g: _g, ...rest }) => rest)(good), line: 12 },
      { row: { ...good, rating: 'great' }, line: 13 },
      { row: (({ user: _u, ...rest }) => rest)(good), line: 14 },
    ];
    const r = preprocess({ features: FEATURES, tasks: TASKS }, rows, { file: 'data.csv', keyColumns: ['user'] });
    expect(r.errors.map((e) => [e.row, e.code, e.column])).toEqual([
      [7, 'REC6002', 'n'],
      [8, 'REC6001', 'rating'],
      [9, 'REC6002', 'v'],
      [10, 'REC6002', 'v'],
      [12, 'REC6001', 'g'],
      [13, 'REC6002', 'rating'],
      [14, 'REC6001', 'user'],
    ]);
    expect(r.errors[0]).toEqual({ file: 'data.csv', row: 7, column: 'n', code: 'REC6002', message: '`n` must be a number, found `abc`' });
    expect(r.errors[2]!.message).toBe('`v` must hold 2 numbers, found 1');
    const s = preprocess({ features: FEATURES, tasks: TASKS }, rows, { file: 'data.csv', keyColumns: ['user'], skipBadRows: true });
    expect(s.errors).toEqual([]);
    expect(s.skipped).toBe(7);
    expect(s.dataset.n).toBe(1);
    // the surviving row is line 11, and its keys and labels line up with its inputs
    expect(s.dataset.keys.user).toEqual(['b']);
    expect(Array.from(s.dataset.inputs.g!)).toEqual([3]);
    expect(Array.from(s.dataset.inputs.u!)).toEqual([hashBucket('b', 100)]);
  });

  it('show a bad value as it was written: null and lists as JSON, an empty cell said so, a long one cut', () => {
    const message = (v: unknown) => {
      try {
        numberOf(v as never, 'n');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message(null)).toBe('`n` must be a number, found `null`');
    expect(message(['a', 2])).toBe('`n` must be a number, found `["a",2]`');
    // NaN and ±Infinity as such: JSON would show them as null
    expect(message(NaN)).toBe('`n` must be a number, found `NaN`');
    expect(message(-Infinity)).toBe("`n` must be a number, found `-Infinity`, beyond float32's range (±3.4e38)");
    expect(message([1, NaN, null])).toBe('`n` must be a number, found `[1,NaN,null]`');
    expect(message('')).toBe('`n` must be a number, found an empty cell');
    expect(message('x'.repeat(5000))).toBe(`\`n\` must be a number, found \`${'x'.repeat(40)}…\``);
    expect(message(true)).toBe('no error'); // a JSON boolean is 1 or 0
  });

  it('slice rows into a batch, in the order asked', () => {
    const rows = ['1', '2', '3'].map((n, i) => ({ row: { ...good, user: `u${n}`, n, v: `${n},${n}`, h: ['x', 'y', 'x'].slice(0, i + 1).join('|'), rating: n }, line: i + 1 }));
    const { dataset } = preprocess({ features: FEATURES, tasks: TASKS }, rows, { file: 'f', keyColumns: ['user'] });
    const b = slice(dataset, [2, 0]);
    expect(b.n).toBe(2);
    expect(Array.from(b.inputs.v!)).toEqual([3, 3, 1, 1]);
    expect(Array.from(b.inputs.h!)).toEqual([2, 3, 2, 2, 0, 0]);
    expect(Array.from(b.inputs.n!)).toEqual([2, 2]);
    expect(b.keys.user).toEqual(['u3', 'u1']);
    expect(b.shapes).toEqual(dataset.shapes);
  });

  // Found by a probe of the Python client, which reads them the same way (clients/python/tests/test_values.py)
  it('split a text into characters by code point with sep "", join a key list\'s null as "", and pad a list of no item', () => {
    expect(seqItems('ab😀', '')).toEqual(['a', 'b', '😀']); // split('') gave two lone surrogates
    expect(keyText(['u', null, 3])).toBe('u||3');
    expect(idOf([], { kind: 'hash', buckets: 1000 })).toBe(0); // hash("") = 262 before
    expect(idOf([null], { kind: 'vocab', values: ['a'] })).toBe(0);
  });
});

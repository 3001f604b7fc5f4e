// JSON numbers that JSON.parse cannot give back (integers past 2^53, numbers past float64's range)
// are read from JSON Lines as their literal text, as CSV and Parquet INT64 give them: the same ids
// are the same data in every format.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { hashBucket } from '../../src/data/hash.js';
import { hasLossyNumber, parseKeepingNumbers } from '../../src/data/json-number-text.js';
import { readRows } from '../../src/data/read.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const dir = mkdtempSync(join(tmpdir(), 'recc-json-numbers-'));
const file = (name: string, data: string | Uint8Array) => {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
};

describe('numbers JSON.parse cannot keep', () => {
  it('are kept as their text wherever they are, a key `__proto__` a column, the rest as JSON.parse gives it', () => {
    const text = '{"a": 9007199254740993, "b": [1, -12345678901234567890, "9e999", 1e400], "c": {"d": 1e400, "f": 3}, "__proto__": 9007199254740993.0, "e": 2.5e-400, "g": 0.1}';
    const o = parseKeepingNumbers(text) as Record<string, unknown>;
    expect(o.a).toBe('9007199254740993');
    expect(o.b).toEqual([1, '-12345678901234567890', '9e999', '1e400']);
    expect(o.c).toEqual({ d: '1e400', f: 3 });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).toBe('9007199254740993.0');
    expect(o.e).toBe(0); // underflow to 0 loses nothing a float32 would keep
    expect(o.g).toBe(JSON.parse(text).g);
    expect(hasLossyNumber(JSON.parse(text) as Record<string, unknown>)).toBe(true);
    expect(hasLossyNumber({ a: 9007199254740991, b: [1.5, -2] })).toBe(false);
    // a key given twice with two values: JSON.parse keeps the last silently; this is refused
    expect(() => parseKeepingNumbers('{"a": 1, "a": 9007199254740993}')).toThrow(/[Dd]uplicate key/);
  });

  it('ids past 2^53 stay apart in JSON Lines and .json arrays, and encode as in CSV and Parquet INT64', async () => {
    const spec = `model m {
  features {
    user_id: id(hash: 1000, dim: 2)
    items: seq(id(hash: 1000, dim: 2), max_len: 2)
    y: label
  }
  task t : regression(label: y) { from: concat(user_id, mean(items)) }
  train { split: by_key(user_id, test: 0.5)  metrics: [gauc(by: user_id)] }
}
`;
    const g = analyze(spec, join(dir, 'm.rec')).graph!;
    const ids = ['9007199254740992', '9007199254740993', '9007199254740992', '-9007199254740995'];
    const csv = file('ids.csv', `user_id,items,y\n${ids.map((u, i) => `${u},${u}|${i},${i}`).join('\n')}\n`);
    const jsonl = file('ids.jsonl', `${ids.map((u, i) => `{"user_id": ${u}, "items": [${u}, ${i}], "y": ${i}}`).join('\n')}\n`);
    const json = file('ids.json', `[\n${ids.map((u, i) => `  {"user_id": ${u}, "items": [${u}, ${i}], "y": ${i}}`).join(',\n')}\n]\n`);
    const pq = file('ids.parquet', new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: 'user_id', data: ids.map(BigInt), type: 'INT64' },
        { name: 'items', data: ids.map((u, i) => `${u}|${i}`), type: 'STRING' },
        { name: 'y', data: ids.map((_, i) => i), type: 'INT32' },
      ],
    })));
    const want = await loadData(g, { data: csv, skipBadRows: false, seed: 1 });
    expect(want.errors).toEqual([]);
    expect(want.dataset.keys.user_id).toEqual(ids);
    expect(Array.from(want.dataset.inputs.user_id!)).toEqual(ids.map((u) => hashBucket(u, 1000)));
    for (const f of [jsonl, json, pq]) {
      const r = await loadData(g, { data: f, skipBadRows: false, seed: 1 });
      expect(r.errors, f).toEqual([]);
      expect(r.dataset.keys, f).toEqual(want.dataset.keys);
      expect(r.dataset.inputs, f).toEqual(want.dataset.inputs);
      expect(r.dataset.labels, f).toEqual(want.dataset.labels);
    }
    // the cells themselves: the digits as written, text; safe numbers stay numbers
    const rows = await readRows(jsonl, { skipBadRows: false });
    expect(rows.rows.map((r) => r.row.user_id)).toEqual(ids);
    expect(rows.rows[1]!.row.items).toEqual(['9007199254740993', 1]);
  });

  it('a line that repeats a key beside such a number is a bad row, at its line', async () => {
    const f = file('dup.jsonl', '{"u": 1, "y": 0}\n{"u": 1, "u": 9007199254740993, "y": 1}\n');
    const r = await readRows(f, { skipBadRows: false });
    expect(r.errors.map((e) => `${e.code} ${e.row}`)).toEqual(['REC6002 2']);
    expect(r.errors[0]!.message).toMatch(/uplicate key/);
  });
});

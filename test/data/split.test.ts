import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Batchable } from '../../src/data/preprocess.js';
import { formatDataError } from '../../src/data/row.js';
import { byKeySplit, chronologicalSplit, randomSplit, split } from '../../src/data/split.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const all = (s: { train: Int32Array; test: Int32Array }) => [...s.train, ...s.test].sort((a, b) => a - b);

describe('splits', () => {
  it('random: a seeded partition of the rows, round(n × test) held out', () => {
    const a = randomSplit(1000, 0.2, 7);
    expect(a.test.length).toBe(200);
    expect(all(a)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(randomSplit(1000, 0.2, 7)).toEqual(a);
    expect(Array.from(randomSplit(1000, 0.2, 8).test)).not.toEqual(Array.from(a.test));
    expect(Array.from(a.test)).toEqual([...a.test].sort((x, y) => x - y));
  });

  it('by_key: whole keys held out, the same whatever the row order', () => {
    const keys = Array.from({ length: 400 }, (_, i) => `user${i % 40}`);
    const s = byKeySplit(keys, 0.25, 3);
    const testKeys = new Set([...s.test].map((i) => keys[i]!));
    const trainKeys = new Set([...s.train].map((i) => keys[i]!));
    expect(testKeys.size).toBe(10);
    expect([...testKeys].filter((k) => trainKeys.has(k))).toEqual([]);
    expect(all(s)).toHaveLength(400);
    const reversed = keys.slice().reverse();
    const r = byKeySplit(reversed, 0.25, 3);
    expect(new Set([...r.test].map((i) => reversed[i]!))).toEqual(testKeys);
  });

  it('chronological: the latest rows are test; numbers sort as numbers, dates as text', () => {
    // times 5, 100, 20, 3: sorted 3 (row 3), 5 (row 0), 20 (row 2), 100 (row 1); the last half is rows 2 and 1
    expect(chronologicalSplit(['5', '100', '20', '3'], 0.5)).toEqual({ train: Int32Array.from([0, 3]), test: Int32Array.from([1, 2]) });
    expect(chronologicalSplit(['2024-03-01', '2023-12-31', '2024-01-15'], 1 / 3)).toEqual({ train: Int32Array.from([1, 2]), test: Int32Array.from([0]) });
  });

  it('split() reads the key column from the dataset', () => {
    const ds: Batchable = { n: 4, inputs: {}, shapes: {}, labels: {}, keys: { ts: ['4', '3', '2', '1'] } };
    expect(Array.from(split(ds, { kind: 'chronological', by: 'ts', test: 0.25 }, 1).test)).toEqual([0]);
    expect(split(ds, { kind: 'random', test: 0.5 }, 1).test.length).toBe(2);
  });
});

describe('the column of a chronological split', () => {
  const SPEC = `model m {
  features {
    user: id(hash: 100, dim: 2)
    click: label
  }
  task t : binary(label: click) { from: user }
  train { split: chronological(ts, test: 0.25) }
}
`;
  const dir = mkdtempSync(join(tmpdir(), 'recc-chrono-'));
  const graph = analyze(SPEC, join(dir, 'm.rec')).graph!;
  const load = async (name: string, text: string, skipBadRows = false) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return loadData(graph, { data: f, skipBadRows, seed: 1 });
  };
  // 8 rows, times 0 … 7 in file order: the test rows are the two latest, era `late`
  const csvRows = (ts: (i: number) => string) => Array.from({ length: 8 }, (_, i) => `u${i},${ts(i)},${i % 2}`).join('\n');

  it('a time that is not a number (or an ISO date) is REC6002 at its file, line and column, never text order', async () => {
    for (const [bad, shown] of [['abc', '`abc`'], ['', 'an empty cell'], ['1e400', '`1e400`'], ['0x1F', '`0x1F`']] as const) {
      const r = await load('t.csv', `user,ts,click\n${csvRows((i) => (i === 3 ? bad : String(i)))}\n`);
      expect(r.errors, bad).toHaveLength(1);
      expect(r.errors[0], bad).toMatchObject({ row: 5, column: 'ts', field: 2, code: 'REC6002' });
      expect(formatDataError(r.errors[0]!)).toMatch(/t\.csv:5:2 \(column ts\): error\[REC6002\]: `ts` orders the chronological split: /);
      expect(r.errors[0]!.message.endsWith(`found ${shown}`), r.errors[0]!.message).toBe(true);
    }
  });

  it('with --skip-bad-rows the row is skipped and counted, and the test rows are still the latest', async () => {
    const r = await load('t.csv', `user,ts,click\n${csvRows((i) => (i === 7 ? 'abc' : String(100 - i)))}\n`, true);
    expect(r.errors).toEqual([]);
    expect(r.skipped).toBe(1);
    const parts = split(r.dataset, graph.train.split, 1);
    // times 100 … 94 on rows 0 … 6: the latest two are rows 0 and 1 (`abc` would have sorted last as text)
    expect(Array.from(parts.test, (i) => r.dataset.keys.ts![i])).toEqual(['100', '99']);
  });

  it('JSON Lines and ISO dates: null is REC6002 at its line; dates order by the time they name, zones included', async () => {
    const j = await load('t.jsonl', `{"user":"a","ts":1,"click":0}\n{"user":"b","ts":null,"click":1}\n`);
    expect(j.errors).toMatchObject([{ row: 2, column: 'ts', code: 'REC6002', message: expect.stringContaining('found `null`') }]);
    // 00:30 at +02:00 is 22:30 the day before in UTC: earlier than 23:00Z, though later as text
    expect(chronologicalSplit(['2024-03-01T00:30:00+02:00', '2024-02-29T23:00:00Z', '2024-02-29 22:00'], 1 / 3)).toEqual({ train: Int32Array.from([0, 2]), test: Int32Array.from([1]) });
    const d = await load('d.csv', `user,ts,click\n${csvRows((i) => `2024-01-0${i + 1}T12:00:00Z`)}\n`);
    expect(d.errors).toEqual([]);
    // a day the month lacks, and numbers among dates, are refused
    const feb = await load('f.csv', `user,ts,click\n${csvRows((i) => (i === 2 ? '2023-02-30' : `2023-02-0${i + 1}`))}\n`);
    expect(feb.errors).toMatchObject([{ row: 4, column: 'ts', code: 'REC6002' }]);
    const mixed = await load('x.csv', `user,ts,click\n${csvRows((i) => (i === 5 ? '17' : `2023-02-0${i + 1}`))}\n`);
    expect(mixed.errors).toMatchObject([{ row: 7, column: 'ts', code: 'REC6002', message: expect.stringContaining('the rows before hold an ISO date, this one a number') }]);
  });

  it('chronologicalSplit refuses a time that is neither rather than sorting as text', () => {
    expect(() => chronologicalSplit(['5', 'abc', '7'], 0.5)).toThrow(/row 2: `the time` orders the chronological split/);
  });
});

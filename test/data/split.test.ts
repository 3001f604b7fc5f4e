import { describe, expect, it } from 'vitest';
import type { Batchable } from '../../src/data/preprocess.js';
import { byKeySplit, chronologicalSplit, randomSplit, split } from '../../src/data/split.js';

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

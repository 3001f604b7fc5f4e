// `recc train --stream` (issue 17, item 8): every training row once per epoch, in batches of the
// spec's size, the same for the same seed; the split held out row by row; what it cannot do refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { streamData, streamRefusal } from '../../src/train/stream-data.js';
import { loadData } from '../../src/train/data-source.js';

const SPEC = join(import.meta.dirname, '../fixtures/train/clicks.rec');

describe('streamed training data', () => {
  const g = analyzeFile(SPEC).graph!;

  it('gives every training row once per epoch, in batches, deterministically, and holds out whole keys', async () => {
    const all = (await loadData(g, { skipBadRows: false, seed: 1 })).dataset;
    const s = await streamData(g, { skipBadRows: false, seed: 1, batch: 32, shuffleBuffer: 100 });
    expect(s.errors).toEqual([]);
    expect(s.test.n + s.batches.rows).toBe(all.n);
    expect(s.test.n / all.n).toBeGreaterThan(0.15);
    expect(s.test.n / all.n).toBeLessThan(0.35);
    const testUsers = new Set(s.test.keys.user);
    const seen: string[] = [];
    const sizes: number[] = [];
    for await (const b of s.batches.epoch(0, 0)) {
      sizes.push(b.n);
      // a row is identified by its dense values (x), which are distinct in this file
      for (let i = 0; i < b.n; i++) seen.push(Array.from(b.inputs.x!.subarray(3 * i, 3 * i + 3)).join());
    }
    expect(sizes.length).toBe(Math.ceil(s.batches.rows / 32));
    expect(sizes.slice(0, -1).every((n) => n === 32)).toBe(true);
    expect(new Set(seen).size).toBe(s.batches.rows);
    const allX = new Set(Array.from({ length: all.n }, (_, i) => Array.from(all.inputs.x!.subarray(3 * i, 3 * i + 3)).join()));
    expect(seen.every((x) => allX.has(x))).toBe(true);
    for (const u of testUsers) expect(all.keys.user!.filter((k) => k === u).length).toBe(s.test.keys.user!.filter((k) => k === u).length);
    // the same epoch again is the same batches; from batch 5 on is the tail of it; another epoch differs
    const again: string[] = [];
    for await (const b of s.batches.epoch(0, 5)) for (let i = 0; i < b.n; i++) again.push(Array.from(b.inputs.x!.subarray(3 * i, 3 * i + 3)).join());
    expect(again).toEqual(seen.slice(5 * 32));
    const other: string[] = [];
    for await (const b of s.batches.epoch(1, 0)) for (let i = 0; i < b.n; i++) other.push(Array.from(b.inputs.x!.subarray(3 * i, 3 * i + 3)).join());
    expect(other).not.toEqual(seen);
    expect(new Set(other)).toEqual(new Set(seen));
  });

  it('refuses support sets, chronological splits and synthetic data, saying why', () => {
    expect(streamRefusal(analyzeFile(join(import.meta.dirname, '../../examples/cmml-scenario.rec')).graph!)).toMatch(/support sets/);
    const chrono = analyze('model m { features { a: dense(1)  t: label  y: label } task k : binary(label: y) { from: a } train { split: chronological(t, test: 0.2) } }', join(import.meta.dirname, 'c.rec')).graph!;
    expect(streamRefusal(chrono)).toMatch(/chronological/);
    expect(streamRefusal(analyzeFile(join(import.meta.dirname, '../../examples/poso-movielens.rec')).graph!)).toMatch(/synthetic/);
    expect(streamRefusal(g)).toBeUndefined();
  });

  it('every row skipped as bad: says so, with the count, rather than blaming the split', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'recc-stream-bad-')), 'bad.csv');
    // every row's dense value has two numbers, not three
    writeFileSync(f, `user,x,c,clicked\n${Array.from({ length: 30 }, (_, i) => `u${i},"1,2",a,1`).join('\n')}\n`);
    const s = await streamData(g, { data: f, skipBadRows: true, seed: 1, batch: 32 });
    expect(s.errors.map((e) => [e.code, e.message])).toEqual([['REC6004', 'no usable rows: all 30 rows were skipped as bad (--skip-bad-rows)']]);
    // the same in memory
    const m = await loadData(g, { data: f, skipBadRows: true, seed: 1 });
    expect(m.errors.map((e) => [e.code, e.message])).toEqual([['REC6004', 'no usable rows: all 30 rows were skipped as bad (--skip-bad-rows)']]);
  });

  it('no row held out: says so, and how the stream holds rows out', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'recc-stream-one-')), 'one.csv');
    writeFileSync(f, `user,x,c,clicked\n${Array.from({ length: 30 }, (_, i) => `u1,"${i},2,3",a,${i % 2}`).join('\n')}\n`);
    const s = await streamData(g, { data: f, skipBadRows: false, seed: 1, batch: 32 });
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]!.code).toBe('REC6004');
    expect(s.errors[0]!.message).toMatch(/^no test rows: the split held out no row: --stream held out none of the data's 30 rows \(it holds out each `user` value with probability 0\.25/);
  });
});

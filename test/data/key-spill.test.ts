// The spill files of `recc meta-embed` (src/data/key-spill.ts): the bucket count from a file's size,
// and cells read back exactly as written, including what JSON has no text for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketCount, KeySpill, readSpillLine, spillLine } from '../../src/data/key-spill.js';
import { hashBucket } from '../../src/data/hash.js';
import type { RawCell } from '../../src/data/row.js';

describe('key spill', () => {
  it('bucketCount: about bucketBytes of the file a bucket, at least one', () => {
    expect(bucketCount(0, 64)).toBe(1);
    expect(bucketCount(64, 64)).toBe(1);
    expect(bucketCount(65, 64)).toBe(2);
    expect(bucketCount(10 * 2 ** 30, 64 * 2 ** 20)).toBe(160);
  });

  it('a line reads back as the same cells: undefined, null, NaN, ±Infinity, −0, arrays, text with line breaks', () => {
    const cells: RawCell[] = ['a\nb\r\u2028', 1.5, -0, NaN, Infinity, -Infinity, null, undefined, true, ['x', 2, NaN], '', '{"number":"1"}'];
    const back = readSpillLine(spillLine(cells).trimEnd());
    expect(back.length).toBe(cells.length);
    cells.forEach((c, i) => expect(Object.is(back[i], c) || (Array.isArray(c) && Object.is(String(back[i]), String(c)))).toBe(true));
    expect(spillLine(cells).indexOf('\n')).toBe(spillLine(cells).length - 1);
  });

  it('each key in one bucket, its records in the order added', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-spill-'));
    try {
      const spill = new KeySpill(dir, 5);
      const added = Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 17}`, cells: [`k${i % 17}`, i] as RawCell[] }));
      for (const a of added) spill.add(a.key, a.cells);
      spill.flush();
      for (const b of spill.nonEmpty()) {
        const got: RawCell[][] = [];
        for await (const cells of spill.records(b)) got.push(cells);
        expect(got).toEqual(added.filter((a) => hashBucket(a.key, 5) === b).map((a) => a.cells));
      }
      expect(spill.nonEmpty().length).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

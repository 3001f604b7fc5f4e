// Tables written by `recc predict` (and `recc synth`): a JSON Lines file stays JSON whatever the
// numbers, since JSON has no NaN or ±Infinity.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../../src/data/write-table.js';

describe('openTable', () => {
  it('writes NaN and ±Infinity as null in JSON Lines, and as themselves in CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-table-'));
    const columns = () => [
      { name: 'k', kind: 'text' as const, values: ['a', 'b', 'c', 'd'] },
      { name: 's', kind: 'float' as const, values: Float32Array.from([0.5, NaN, Infinity, -Infinity]) },
      { name: 'd', kind: 'double' as const, values: Float64Array.from([NaN, 0.1, -Infinity, 2]) },
    ];
    const write = (name: string, format: 'jsonl' | 'csv') => {
      const out = join(dir, name);
      const t = openTable(out, format, columns().map(({ name: n, kind }) => ({ name: n, kind })));
      t.write(columns());
      t.commit();
      return readFileSync(out, 'utf8');
    };
    const lines = write('s.jsonl', 'jsonl').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { k: 'a', s: 0.5, d: null },
      { k: 'b', s: null, d: 0.1 },
      { k: 'c', s: null, d: null },
      { k: 'd', s: null, d: 2 },
    ]);
    expect(write('s.csv', 'csv')).toBe('k,s,d\na,0.5,NaN\nb,NaN,0.1\nc,Infinity,-Infinity\nd,-Infinity,2\n');
  });
});

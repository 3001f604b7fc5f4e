// Support sets (src/data/support.ts): the rows each sample's task saw before it, and how a dataset
// carries them through splits and batches into the graph's inputs.
import { describe, expect, it } from 'vitest';
import { modelInputs, slice } from '../../src/data/preprocess.js';
import { supportIndex } from '../../src/data/support.js';
import { preprocess } from '../../src/data/preprocess.js';
import { analyze } from '../../src/semantics/analyze.js';

describe('supportIndex', () => {
  it('takes the most recent earlier rows of the same key, oldest first, padded with -1', () => {
    //                 0    1    2    3    4    5    6   7
    const keys = ['a', 'b', 'a', 'a', 'b', 'a', '', 'a'];
    const idx = supportIndex(keys, 2);
    const rows = Array.from({ length: keys.length }, (_, r) => Array.from(idx.subarray(r * 2, r * 2 + 2)));
    expect(rows).toEqual([
      [-1, -1], // first a: nothing before it
      [-1, -1], // first b
      [0, -1], // a: row 0
      [0, 2], // a: rows 0, 2
      [1, -1], // b: row 1
      [2, 3], // a: the last two of 0, 2, 3
      [-1, -1], // no key: no task, no set
      [3, 5], // a: the last two of 0, 2, 3, 5 (the keyless row is in no task)
    ]);
  });

  it('never contains the row itself or a later row', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k${(i * 7919) % 13}`);
    const idx = supportIndex(keys, 8);
    for (let r = 0; r < keys.length; r++) {
      for (let j = 0; j < 8; j++) {
        const s = idx[r * 8 + j]!;
        if (s < 0) continue;
        expect(s).toBeLessThan(r);
        expect(keys[s]).toBe(keys[r]);
      }
    }
  });
});

const SPEC = `model m {
  features {
    u: dense(2)
    item: id(vocab: ["x", "y"], dim: 3)
    clicked: label
  }
  support hist by scenario: pairs(u, item, label: clicked > 0, size: 2)
  task click : binary(label: clicked > 0) { from: concat(mean(hist), u) }
}`;

describe('a dataset with a support set', () => {
  const g = analyze(SPEC, '/virtual/s.rec').graph!;
  const raw = [
    { scenario: 't1', u: '1,2', item: 'x', clicked: 1 },
    { scenario: 't2', u: '3,4', item: 'y', clicked: 0 },
    { scenario: 't1', u: '5,6', item: 'oov', clicked: 0 },
    { scenario: 't1', u: 'bad', item: 'x', clicked: 1 }, // malformed: skipped, so in no support set
    { scenario: 't1', u: '7,8', item: 'y', clicked: 2 },
  ];
  const { dataset, skipped, errors } = preprocess(g, raw.map((row, i) => ({ row, line: i + 2 })), { file: 'd.csv', keyColumns: [], skipBadRows: true });

  it('encodes items like their features and labels by the support label expression', () => {
    expect(errors).toEqual([]);
    expect(skipped).toBe(1);
    expect(dataset.n).toBe(4);
    const inp = modelInputs(dataset);
    // row 3 (the 5th raw row) sees rows 0 and 2 of t1
    expect(Array.from(inp['hist.u']!.data.subarray(3 * 4, 3 * 4 + 4))).toEqual([1, 2, 5, 6]);
    expect(inp['hist.u']!.shape).toEqual([2, 2]);
    // vocabulary ids: x → 2, unknown → 1 (OOV); padding → 0
    expect(Array.from(inp['hist.item']!.data)).toEqual([0, 0, 0, 0, 2, 0, 2, 1]);
    expect(inp['hist.item']!.shape).toEqual([2]);
    // label expression `clicked > 0` on each support row
    expect(Array.from(inp['hist.label']!.data)).toEqual([0, 0, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(inp['hist.mask']!.data)).toEqual([0, 0, 0, 0, 1, 0, 1, 1]);
  });

  it('keeps each row\'s set through a slice (a split or a batch)', () => {
    const part = slice(dataset, [3, 1]);
    const inp = modelInputs(part);
    expect(Array.from(inp['hist.u']!.data)).toEqual([1, 2, 5, 6, 0, 0, 0, 0]);
    expect(Array.from(inp['hist.mask']!.data)).toEqual([1, 1, 0, 0]);
  });

  it('reports a missing task key column (the scenario) with its row', () => {
    const r = preprocess(g, [{ row: { u: '1,2', item: 'x', clicked: 1 }, line: 7 }], { file: 'd.csv', keyColumns: [], skipBadRows: false });
    expect(r.errors).toEqual([expect.objectContaining({ file: 'd.csv', row: 7, column: 'scenario', code: 'REC6001' })]);
  });
});

// A label feature may read a column of another name (`rating: label(column: "stars")`): a task's
// label expression, written with the feature's name, reads that column. The labels expected are
// worked out from the CSV text here, row by row.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelColumns } from '../../src/data/label-expr.js';
import { neededColumns } from '../../src/data/needed-columns.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const SPEC = `model m {
  features {
    u: id(hash: 10, dim: 4)
    rating: label(column: "stars")
  }
  task fav : binary(label: rating == 5) { from: u }
  task score : regression(label: (rating - 1) / 4) { from: u }
  train {
    data: "d.csv"
  }
}
`;

describe('a label feature with its own column', () => {
  it("labels every task from that column, and asks for it by name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-label-column-'));
    const rows = [[1, 5], [2, 3], [3, 5], [4, 1], [5, 4]];
    writeFileSync(join(dir, 'd.csv'), `u,stars\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const a = analyze(SPEC, join(dir, 's.rec'));
    expect(a.diagnostics).toEqual([]);
    const g = a.graph!;
    expect(g.tasks.map((t) => labelColumns(t.label))).toEqual([['stars'], ['stars']]);
    expect(neededColumns(g, []).map((n) => n.column)).toEqual(['u', 'stars']);
    const loaded = await loadData(g, { skipBadRows: false, seed: 1 });
    expect(loaded.errors).toEqual([]);
    expect([...loaded.dataset.labels.fav!]).toEqual(rows.map(([, s]) => (s === 5 ? 1 : 0)));
    expect([...loaded.dataset.labels.score!]).toEqual(rows.map(([, s]) => Math.fround((s! - 1) / 4)));
  });
});

// Which parameters train sparsely (src/train/sparse-tables.ts): tables read only through lookups
// by feature ids, on hand-built graphs and on the benchmark's POSO reference spec; and the rows
// a batch touches.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/diagnostics/span.js';
import { GraphBuilder, type AddResult } from '../../src/ir/builder.js';
import type { FeatureSpec, IRGraph, IRNode } from '../../src/ir/types.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { sparseTables, touchedRows } from '../../src/train/sparse-tables.js';

const pos = { offset: 0, line: 1, column: 1 };
const SPAN: Span = { file: '/virtual/t.rec', start: pos, end: pos };
const site = { span: SPAN, trace: [], scope: '' };
const node = (r: AddResult | { node: IRNode } | { duplicate: true }): IRNode => {
  if (!('node' in r)) throw new Error('bad test graph');
  return r.node;
};
const idFeature = (name: string, table: string): FeatureSpec => ({ kind: 'id', name, column: name, source: { kind: 'hash', buckets: 9 }, dim: 2, table, rows: 10 });

/**
 * user and item share table `shared`; `tied` is looked up by `tag` and also multiplied (an output
 * layer tied to the embedding); `computed` is looked up by ids the graph computes; `frozen` is
 * not trainable.
 */
function graph(): IRGraph {
  const b = new GraphBuilder();
  const user = b.input('user', 'int32', ['batch'], site);
  const item = b.input('item', 'int32', ['batch'], site);
  const tag = b.input('tag', 'int32', ['batch'], site);
  const shared = node(b.param('shared', [10, 2], { kind: 'zeros' }, 'embedding', true, site));
  const tied = node(b.param('tied', [10, 2], { kind: 'zeros' }, 'embedding', true, site));
  const computed = node(b.param('computed', [10, 2], { kind: 'zeros' }, 'embedding', true, site));
  const frozen = node(b.param('frozen', [10, 2], { kind: 'zeros' }, 'embedding', false, site));
  const u = node(b.add('gather', [shared.id, user.id], {}, site));
  const i = node(b.add('gather', [shared.id, item.id], {}, site));
  const t = node(b.add('gather', [tied.id, tag.id], {}, site));
  const scores = node(b.add('matmul', [t.id, node(b.add('transpose', [tied.id], { perm: [1, 0] }, site)).id], {}, site));
  const c = node(b.add('gather', [computed.id, node(b.add('reshape', [user.id], { shape: [-1, 1] }, site)).id], {}, site));
  const f = node(b.add('gather', [frozen.id, user.id], {}, site));
  const z = node(b.add('add', [node(b.add('add', [u.id, i.id], {}, site)).id, node(b.add('add', [node(b.add('reshape', [c.id], { shape: [-1, 2] }, site)).id, f.id], {}, site)).id], {}, site));
  return {
    model: 't',
    file: SPAN.file,
    features: [idFeature('user', 'shared'), idFeature('item', 'shared'), idFeature('tag', 'tied')],
    inputs: { user: user.id, item: item.id, tag: tag.id },
    nodes: b.nodes,
    params: b.params,
    tasks: [{ name: 'y', kind: 'regression', classes: 1, label: { kind: 'Name', name: 'y', span: SPAN }, loss: 'mse', weight: 1, output: z.id, logit: scores.id }],
    train: { optimizer: { embedding: { kind: 'adam', lr: 0.1 }, dense: { kind: 'adam', lr: 0.1 } }, batch: 4, epochs: 1, split: { kind: 'random', test: 0.25 }, metrics: [], seed: 1 },
    pcs: [],
    instances: [],
  } as IRGraph;
}

describe('sparse tables', () => {
  it('lists the trainable tables read only by lookups of feature ids, with every feature that indexes them', () => {
    const tables = sparseTables(graph());
    expect([...tables.keys()]).toEqual(['shared']);
    expect(tables.get('shared')).toEqual({ param: 'shared', rows: 10, width: 2, features: ['item', 'user'] });
  });

  it('finds the nine tables of the POSO reference model and none of its dense weights', () => {
    const g = analyzeFile(join(__dirname, '../../bench/poso-reference.rec')).graph!;
    const tables = sparseTables(g);
    expect([...tables.keys()].sort()).toEqual([...g.features.filter((f) => f.kind === 'seq' || f.kind === 'id').map((f) => (f as { table: string }).table)].sort());
    expect([...tables.values()].every((t) => g.params.find((p) => p.name === t.param)!.group === 'embedding')).toBe(true);
  });

  it('touched rows: distinct in-range ids of all the table\'s features, ascending; the scratch space is left clear', () => {
    const table = { param: 'shared', rows: 10, width: 2, features: ['item', 'user'] };
    const seen = new Uint8Array(12);
    const rows = touchedRows(table, { user: Int32Array.of(3, 0, 3, 9), item: Int32Array.of(7, 10, -1, 0, 3), tag: Int32Array.of(5) }, seen);
    expect(Array.from(rows)).toEqual([0, 3, 7, 9]);
    expect(seen.every((v) => v === 0)).toBe(true);
    expect(() => touchedRows(table, { user: Int32Array.of(1) }, seen)).toThrow(/no ids for feature item/);
  });
});

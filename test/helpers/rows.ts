// Random raw rows for a spec's features, and the ONNX feeds a serving system would send for them.
import seedrandom from 'seedrandom';
import { hashBucket } from '../../src/data/hash.js';
import type { Row } from '../../src/data/row.js';
import { modelInputs, seqItems, type Batchable } from '../../src/data/preprocess.js';
import { evalLabel } from '../../src/data/label-expr.js';
import { supportIndex } from '../../src/data/support.js';
import type { FeatureSpec, IRGraph } from '../../src/ir/types.js';
import { ort, ortTensor } from './onnx.js';

function rawId(f: Extract<FeatureSpec, { kind: 'id' | 'seq' }>, rng: () => number): string {
  if (f.source.kind === 'vocab') {
    const r = rng();
    if (r < 0.1) return 'not-in-vocab';
    return f.source.values[Math.floor(rng() * f.source.values.length)]!;
  }
  return String(Math.floor(rng() * 100_000));
}

export function randomRows(graph: IRGraph, n: number, seed: string): Row[] {
  const rng = seedrandom(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const row: Row = {};
    for (const f of graph.features) {
      if (f.kind === 'id') row[f.column] = rng() < 0.05 ? '' : rawId(f, rng);
      else if (f.kind === 'seq') row[f.column] = Array.from({ length: Math.floor(rng() * (f.maxLen + 3)) }, () => rawId(f, rng)).join(f.sep);
      else if (f.kind === 'bucketize') row[f.column] = Math.round(rng() * 1.2 * f.boundaries[f.boundaries.length - 1]! * 100) / 100;
      else if (f.kind === 'dense') row[f.column] = Array.from({ length: f.size }, () => (rng() * 2 - 1).toFixed(4)).join(',');
      // labels: 0 or 1, which every task kind accepts (a binary task refuses other values); one draw, as before
      else row[f.column] = Math.floor(rng() * 2);
    }
    // a handful of tasks, so support sets fill up and some stay short
    for (const sp of graph.supports ?? []) row[sp.key] = `t${Math.floor(rng() * 4)}`;
    rows.push(row);
  }
  return rows;
}

/** What a serving system sends: raw strings, client-hashed ids, raw numbers. */
export function onnxFeeds(graph: IRGraph, rows: Row[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const n = rows.length;
  for (const f of graph.features) {
    if (f.kind === 'label') continue;
    const col = rows.map((r) => r[f.column]);
    if (f.kind === 'dense') feeds[f.name] = new ort.Tensor('float32', Float32Array.from(col.flatMap((v) => String(v).split(',').map(Number))), [n, f.size]);
    else if (f.kind === 'bucketize') feeds[f.name] = new ort.Tensor('float32', Float32Array.from(col.map(Number)), [n]);
    else {
      const items = f.kind === 'seq' ? col.map((v) => seqItems(v, f.sep).slice(-f.maxLen)) : col.map((v) => [String(v ?? '')]);
      const width = f.kind === 'seq' ? f.maxLen : 1;
      const padded = items.flatMap((it) => Array.from({ length: width }, (_, k) => it[k] ?? ''));
      const dims = f.kind === 'seq' ? [n, width] : [n];
      if (f.source.kind === 'vocab') feeds[f.name] = new ort.Tensor('string', padded, dims);
      else {
        const buckets = f.source.buckets;
        feeds[f.name] = new ort.Tensor('int64', BigInt64Array.from(padded.map((s) => BigInt(s === '' ? 0 : hashBucket(s, buckets)))), dims);
      }
    }
  }
  for (const sp of graph.supports ?? []) supportFeeds(graph, sp, rows, feeds);
  return feeds;
}

/** A support set as a serving system sends it: its items' raw values, evaluated labels, a mask. */
function supportFeeds(graph: IRGraph, sp: NonNullable<IRGraph['supports']>[number], rows: Row[], feeds: Record<string, ort.Tensor>): void {
  const n = rows.length;
  const S = sp.size;
  const index = supportIndex(rows.map((r) => String(r[sp.key] ?? '')), S);
  const at = (p: number) => (index[p]! < 0 ? undefined : rows[index[p]!]!);
  for (const item of sp.items) {
    const f = graph.features.find((x) => x.name === item)!;
    const name = `${sp.name}.${item}`;
    const cells = Array.from({ length: n * S }, (_, p) => at(p)?.[f.column]);
    if (f.kind === 'dense') feeds[name] = new ort.Tensor('float32', Float32Array.from(cells.flatMap((v) => (v === undefined ? Array(f.size).fill(0) : String(v).split(',').map(Number)))), [n, S, f.size]);
    else if (f.kind === 'bucketize') feeds[name] = new ort.Tensor('float32', Float32Array.from(cells.map((v) => (v === undefined ? 0 : Number(v)))), [n, S]);
    else if (f.kind === 'id' && f.source.kind === 'vocab') feeds[name] = new ort.Tensor('string', cells.map((v) => (v === undefined ? '' : String(v))), [n, S]);
    else if (f.kind === 'id' && f.source.kind === 'hash') {
      const buckets = f.source.buckets;
      feeds[name] = new ort.Tensor('int64', BigInt64Array.from(cells.map((v) => BigInt(v === undefined || v === '' ? 0 : hashBucket(String(v), buckets)))), [n, S]);
    }
  }
  const label = Float32Array.from({ length: n * S }, (_, p) => {
    const r = at(p);
    const y = r ? evalLabel(sp.label, (c) => r[c]) : 0;
    return typeof y === 'number' ? y : NaN;
  });
  feeds[`${sp.name}.label`] = new ort.Tensor('float32', label, [n, S]);
  feeds[`${sp.name}.mask`] = new ort.Tensor('float32', Float32Array.from({ length: n * S }, (_, p) => (index[p]! < 0 ? 0 : 1)), [n, S]);
}

/** What a training graph takes (lowerFunction): the model's inputs as the data loader encodes them, ids as int64. */
export function inputFeeds(ds: Batchable): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(modelInputs(ds)).map(([k, v]) => [k, ortTensor(v.data, [ds.n, ...v.shape])]));
}

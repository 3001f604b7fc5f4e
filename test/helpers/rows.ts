// Random raw rows for a spec's features, and the ONNX feeds a serving system would send for them.
import seedrandom from 'seedrandom';
import { hashBucket } from '../../src/data/hash.js';
import type { Row } from '../../src/data/encode.js';
import { seqItems } from '../../src/data/encode.js';
import type { FeatureSpec, IRGraph } from '../../src/ir/types.js';
import { ort } from './onnx.js';

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
      else row[f.column] = Math.floor(rng() * 6);
    }
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
  return feeds;
}

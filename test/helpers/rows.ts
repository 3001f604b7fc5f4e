// Random raw rows for a spec's features, and the ONNX feeds a serving system would send for them.
import seedrandom from 'seedrandom';
import { feedModel, onnxFeeds as encodeFeeds } from '../../src/data/onnx-feeds.js';
import type { Row } from '../../src/data/row.js';
import { modelInputs, type Batchable } from '../../src/data/preprocess.js';
import type { FeatureSpec, IRGraph } from '../../src/ir/types.js';
import { ortTensors } from '../../src/predict/ort-tensors.js';
import { ort, ortTensor } from './onnx.js';
import { holdsCheckoutPath } from './specs.js';

function rawId(f: Extract<FeatureSpec, { kind: 'id' | 'seq' }>, rng: () => number): string {
  if (f.source.kind === 'vocab') {
    const r = rng();
    if (r < 0.1) return 'not-in-vocab';
    return f.source.values[Math.floor(rng() * f.source.values.length)]!;
  }
  return String(Math.floor(rng() * 100_000));
}

/** Rows drawn from `seed`: by a file, give its path inside the repository (inRepo), which every checkout shares. */
export function randomRows(graph: IRGraph, n: number, seed: string): Row[] {
  if (holdsCheckoutPath(seed)) throw new Error(`randomRows seeded by an absolute path (${seed}): another checkout would draw other rows; seed by inRepo(file)`);
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

/** What a serving system sends: raw strings, client-hashed ids, raw numbers (src/data/onnx-feeds.ts). */
export function onnxFeeds(graph: IRGraph, rows: Row[]): Record<string, ort.Tensor> {
  return ortTensors(encodeFeeds(feedModel(graph), rows));
}

/** What a training graph takes (lowerFunction): the model's inputs as the data loader encodes them, ids as int64. */
export function inputFeeds(ds: Batchable): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(modelInputs(ds)).map(([k, v]) => [k, ortTensor(v.data, [ds.n, ...v.shape])]));
}

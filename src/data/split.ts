// Train/test splits: random rows, whole keys held out (e.g. users), or the latest rows in time.
import seedrandom from 'seedrandom';
import type { SplitSpec } from '../ir/types.js';
import type { Dataset } from './encode.js';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

function shuffle<T>(a: T[], rng: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function split(ds: Dataset, spec: SplitSpec, seed: number): Split {
  const rng = seedrandom(`split:${seed}`);
  const all = Array.from({ length: ds.n }, (_, i) => i);
  if (spec.kind === 'random') {
    const s = shuffle(all, rng);
    const k = Math.round(ds.n * spec.test);
    return { test: Int32Array.from(s.slice(0, k)).sort(), train: Int32Array.from(s.slice(k)).sort() };
  }
  if (spec.kind === 'by_key') {
    const keys = ds.keys[spec.key]!;
    const distinct = shuffle([...new Set(keys)].sort(), rng);
    const held = new Set(distinct.slice(0, Math.round(distinct.length * spec.test)));
    return { train: Int32Array.from(all.filter((i) => !held.has(keys[i]!))), test: Int32Array.from(all.filter((i) => held.has(keys[i]!))) };
  }
  // chronological: rows sorted by the `by` column (a time); the latest fraction is test
  const t = ds.keys[spec.by]!.map(Number);
  const sorted = all.slice().sort((a, b) => t[a]! - t[b]! || a - b);
  const k = ds.n - Math.round(ds.n * spec.test);
  return { train: Int32Array.from(sorted.slice(0, k)), test: Int32Array.from(sorted.slice(k)) };
}

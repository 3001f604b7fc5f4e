// Train/test splits, as sorted row-index arrays:
//   random         a seeded shuffle; round(n × test) rows are test
//   by_key         whole keys held out (e.g. users): the distinct keys, sorted, shuffled with the
//                  seed; the first round(#keys × test) are test keys. Deterministic for a seed and
//                  independent of row order.
//   chronological  rows sorted by a column of numbers or of ISO dates (time-order.ts; ties by
//                  row order); the latest round(n × test) rows are test
// The shuffles use seedrandom (`split:<seed>`), so a split is the same on every machine.
import seedrandom from 'seedrandom';
import type { SplitSpec } from '../ir/types.js';
import type { Batchable } from './preprocess.js';
import { shuffleInPlace as shuffle } from './fisher-yates.js';
import { orderTime, type TimeKind } from './time-order.js';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

const sorted = (xs: number[]) => Int32Array.from(xs).sort();

/** Hold out a random fraction `test` of n rows. */
export function randomSplit(n: number, test: number, seed: number): Split {
  const s = shuffle(Array.from({ length: n }, (_, i) => i), seedrandom(`split:${seed}`));
  const k = Math.round(n * test);
  return { test: sorted(s.slice(0, k)), train: sorted(s.slice(k)) };
}

/** Hold out a fraction `test` of the distinct keys, with all their rows. */
export function byKeySplit(keys: readonly string[], test: number, seed: number): Split {
  const distinct = shuffle([...new Set(keys)].sort(), seedrandom(`split:${seed}`));
  const held = new Set(distinct.slice(0, Math.round(distinct.length * test)));
  const train: number[] = [];
  const testIdx: number[] = [];
  keys.forEach((k, i) => (held.has(k) ? testIdx : train).push(i));
  return { train: Int32Array.from(train), test: Int32Array.from(testIdx) };
}

/**
 * The latest fraction `test` of the rows by `order` (numbers, or ISO dates: time-order.ts). The
 * loader refuses rows whose time is neither, or of the other kind (REC6002 at the cell), so one
 * here is a caller that skipped the loader: an error, never a fallback to text order.
 */
export function chronologicalSplit(order: readonly string[], test: number, column = 'the time'): Split {
  const n = order.length;
  const times = new Float64Array(n);
  let kind: TimeKind | undefined;
  for (let i = 0; i < n; i++) {
    const t = orderTime(column, order[i], kind);
    if ('error' in t) throw new Error(`chronological split, row ${i + 1}: ${t.error}`);
    kind = t.kind;
    times[i] = t.at;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => times[a]! - times[b]! || a - b);
  const k = n - Math.round(n * test);
  return { train: sorted(idx.slice(0, k)), test: sorted(idx.slice(k)) };
}

/**
 * Split a dataset as its spec says. The key or time column must be among the dataset's keys
 * (the loader keeps every column a split names); a missing one is a bug, not user input.
 */
export function split(ds: Batchable, spec: SplitSpec, seed: number): Split {
  if (spec.kind === 'random') return randomSplit(ds.n, spec.test, seed);
  const col = spec.kind === 'by_key' ? spec.key : spec.by;
  const keys = ds.keys[col];
  if (!keys) throw new Error(`split: the dataset does not keep column \`${col}\``);
  return spec.kind === 'by_key' ? byKeySplit(keys, spec.test, seed) : chronologicalSplit(keys, spec.test, col);
}

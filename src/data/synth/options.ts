// Options every synthetic generator takes: a seed, a row count, and setting-specific sizes
// (`data: synth(pepnet, rows: 50_000, users: 2_000)` in a spec passes them through), and the
// values they may take.
import { MAX_SYNTH_ROWS } from './max-rows.js';

export interface SynthOptions {
  seed: number;
  rows?: number;
  [size: string]: number | undefined;
}

/**
 * The values each option may take, checked where a spec writes it (semantics/train-section.ts),
 * before anything is generated. Below the minimum a generator has nothing to draw from (no users,
 * no items, no clusters); above the maximum it would run for minutes or out of memory, since a
 * setting builds its world (its users, items and their vectors) in memory: a million items take
 * about 5 s.
 */
export const SYNTH_OPTION_RANGES: Readonly<Record<string, { min: number; max: number }>> = {
  rows: { min: 1, max: MAX_SYNTH_ROWS },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
  version: { min: 1, max: Number.MAX_SAFE_INTEGER },
  users: { min: 1, max: 1_000_000 },
  items: { min: 1, max: 1_000_000 },
  dim: { min: 1, max: 1024 },
  negatives: { min: 0, max: 1000 },
  first: { min: 0, max: 1_000_000_000 },
  types: { min: 1, max: 10_000 },
  clusters: { min: 1, max: 10_000 },
  buckets: { min: 1, max: 1_000_000 },
  targets: { min: 1, max: 1_000_000 },
  target_buckets: { min: 1, max: 1_000_000 },
  noise: { min: 0, max: 1000 },
};

/**
 * Options that bound another in some settings: PeterRec's items (and targets) each get an id of
 * their own among the hash buckets, so there are at most as many as buckets. With the settings'
 * defaults where an option is not given.
 */
export const SYNTH_OPTION_BOUNDS: ReadonlyArray<{ settings: readonly string[]; count: string; buckets: string; defaults: [number, number] }> = [
  { settings: ['peterrec', 'peterrec_cold'], count: 'items', buckets: 'buckets', defaults: [160, 256] },
  { settings: ['peterrec_cold'], count: 'targets', buckets: 'target_buckets', defaults: [200, 512] },
];

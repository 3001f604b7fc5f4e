// The PeterRec setting (seeds/004): users' item sequences in a source domain, where a sequence
// model can be pretrained, and a target task on the same users that depends on what the
// sequences reveal: a profile label (an "age" bucket).
//
// Ground truth. Every user has a latent type z ∈ 0..T−1 (uniform). Items belong to G clusters
// (item k is in cluster k mod G); a type prefers clusters, with weights π_z ∝ exp(2·N(0, 1)) over
// the G clusters. A sequence of 8–20 items is a Markov chain: the first item's cluster is drawn
// from π_z; each next item stays in the previous item's cluster with probability 0.5, else draws
// a cluster from π_z; within a cluster the item is uniform. So the next item depends on the
// previous one (what the causal network learns) and on the type (what the user vector must
// carry). The row's `age` is z with probability 0.9, else a uniform bucket: accuracy 0.9 +
// 0.1/T is the Bayes rate when z is known; sequences reveal z only partly, so the best accuracy
// from a sequence is below it. A model must infer the type from the sequence, which is what
// next-item pretraining on every user teaches the network; the labelled users are the first
// rows (the same world and users for any `rows`: row u depends only on the seed and u), so a
// fine-tuning stage with fewer rows sees a subset of the pretraining users.
// The cold-start setting (`peterrec_cold`, ColdRec) has the same users, and items of a target
// domain absent from the sequences, in the same clusters: a user likes one target item from a
// cluster of the type's preferences and is shown uniform negatives, so ranking target items needs
// the type read from the sequence, and the new items' embeddings are learned from few users.
// Item names are chosen so that `id(hash: buckets)` maps them to distinct ids (no collisions):
// the spec's items feature must be `seq(id(hash: <buckets>, …))` with the same number.
import seedrandom from 'seedrandom';
import { hashBucket } from '../hash.js';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { gauss, intIn, weightedPicker, type Rng } from './random.js';

export const PETERREC_DOC =
  'PeterRec setting (seeds/004): every user has a latent type (0..types-1) that shapes a Markov sequence of 8-20 items ' +
  '(stay in the previous item\'s cluster with p 0.5, else a cluster drawn from the type\'s preferences); `age` = type with ' +
  'p 0.9, else uniform. `items` are `|`-separated names with distinct ids under id(hash: buckets). Pretrain on all rows ' +
  '(next item), fine-tune on the first rows (profile). `type` is the hidden truth (do not use it as a feature). Options: rows (users), ' +
  'items (160), clusters (16), types (4), buckets (256). See src/data/synth/peterrec.ts.';

/** Item names <prefix><k>… whose hash buckets are distinct (the k-th name is the first free one from `<prefix><k>`). */
export function itemNames(count: number, buckets: number, prefix = 'i'): string[] {
  if (count > buckets) throw new Error(`peterrec synth: ${count} items cannot have distinct ids among ${buckets} hash buckets`);
  const used = new Set<number>();
  const out: string[] = [];
  for (let k = 0, tries = 0; out.length < count; tries++) {
    const name = tries === 0 ? `${prefix}${k}` : `${prefix}${k}_${tries}`;
    const b = hashBucket(name, buckets);
    if (used.has(b)) continue;
    used.add(b);
    out.push(name);
    k++;
    tries = -1;
  }
  return out;
}

interface World {
  names: string[];
  byCluster: string[][];
  /** Per type, the unnormalized cluster weights π_z that `prefs` draws from. */
  weights: number[][];
  prefs: Array<(rng: Rng) => number>;
  types: number;
  clusters: number;
}

function world(opts: SynthOptions): World {
  const rng = seedrandom(`peterrec:${opts.seed}:world`);
  const nItems = opts.items ?? 160;
  const clusters = opts.clusters ?? 16;
  const types = opts.types ?? 4;
  const names = itemNames(nItems, opts.buckets ?? 256);
  const byCluster = Array.from({ length: clusters }, (_, c) => names.filter((_n, k) => k % clusters === c));
  // the same draws in the same order as one picker per type: the weights are kept for the truth
  const weights = Array.from({ length: types }, () => Array.from({ length: clusters }, () => Math.exp(2 * gauss(rng))));
  const prefs = weights.map((w) => weightedPicker(w));
  return { names, byCluster, weights, prefs, types, clusters };
}

/** User u: its type, its sequence, and its generator (for what a setting draws next). */
function user(w: World, seed: number, u: number): { z: number; seq: string[]; rng: Rng } {
  const rng: Rng = seedrandom(`peterrec:${seed}:user:${u}`);
  const z = Math.floor(rng() * w.types);
  const len = intIn(rng, 8, 20);
  const seq: string[] = [];
  let cluster = w.prefs[z]!(rng);
  for (let t = 0; t < len; t++) {
    if (t > 0 && rng() >= 0.5) cluster = w.prefs[z]!(rng);
    const pool = w.byCluster[cluster]!;
    seq.push(pool[Math.floor(rng() * pool.length)]!);
  }
  return { z, seq, rng };
}

export function peterrecRows(opts: SynthOptions): Row[] {
  const w = world(opts);
  const rows: Row[] = [];
  for (let u = 0; u < (opts.rows ?? 20_000); u++) {
    const { z, seq, rng } = user(w, opts.seed, u);
    const age = rng() < 0.9 ? z : Math.floor(rng() * w.types);
    rows.push({ user_id: `u${u}`, items: seq.join('|'), age, type: z });
  }
  return rows;
}

export const PETERREC_COLD_DOC =
  'PeterRec cold-start setting (seeds/004, ColdRec): the users of `peterrec` (same seed, same sequences), and items of a ' +
  'target domain that never appear in the sequences (t<k>, distinct ids under id(hash: target_buckets)), in the same clusters. ' +
  'Each user likes one target item, from a cluster drawn from the type\'s preferences (liked 1), and is shown `negatives` ' +
  'uniform target items (liked 0), one row each. Options: rows, first (the first user, for held-out users), negatives (1), ' +
  'targets (200), target_buckets (512), and peterrec\'s. See src/data/synth/peterrec.ts.';

/**
 * Cold-start rows: for users first, first + 1, …, one liked target-domain item and `negatives`
 * random ones (one row each, the liked one first), `rows` rows in all. A target item's cluster is k mod G;
 * its name `t<k>…`, distinct under id(hash: target_buckets).
 */
export function peterrecColdRows(opts: SynthOptions): Row[] {
  const w = world(opts);
  const first = opts.first ?? 0;
  const negatives = opts.negatives ?? 1;
  const targets = itemNames(opts.targets ?? 200, opts.target_buckets ?? 512, 't');
  const byCluster = Array.from({ length: w.clusters }, (_, c) => targets.filter((_n, k) => k % w.clusters === c));
  const n = opts.rows ?? 10_000;
  const rows: Row[] = [];
  for (let u = first; rows.length < n; u++) {
    const { z, seq, rng } = user(w, opts.seed, u);
    const pool = byCluster[w.prefs[z]!(rng)]!;
    const base = { user_id: `u${u}`, items: seq.join('|') };
    rows.push({ ...base, target: pool[Math.floor(rng() * pool.length)]!, liked: 1, type: z });
    for (let k = 0; k < negatives; k++) rows.push({ ...base, target: targets[Math.floor(rng() * targets.length)]!, liked: 0, type: z });
  }
  return rows.slice(0, n);
}

/** The hidden values behind `peterrec` and `peterrec_cold` for a seed and options, for tests and benchmarks. */
export interface PeterrecTruth {
  types: number;
  clusters: number;
  /** preference[z][c]: the probability that a type-z user draws cluster c (π_z, normalized). */
  preference: number[][];
  /** Target-domain item name → its cluster (k mod G for the k-th name). */
  targetCluster: Map<string, number>;
  /**
   * The true score of a target item for a type-z user in `peterrec_cold`: the likelihood ratio of
   * the item being the liked one (a cluster from π_z, then uniform in it) to being a negative
   * (uniform over all targets), up to a constant: π_z(c) / |targets in c|. Ranking a user's
   * candidates by it is the Bayes ranking given the type; items of one cluster tie.
   */
  likedScore(z: number, target: string): number;
}

export function peterrecTruth(opts: SynthOptions): PeterrecTruth {
  const w = world(opts);
  const targets = itemNames(opts.targets ?? 200, opts.target_buckets ?? 512, 't');
  const size = Array.from({ length: w.clusters }, (_, c) => targets.filter((_n, k) => k % w.clusters === c).length);
  const preference = w.weights.map((ws) => {
    const s = ws.reduce((a, b) => a + b, 0);
    return ws.map((x) => x / s);
  });
  const targetCluster = new Map(targets.map((t, k) => [t, k % w.clusters]));
  return {
    types: w.types,
    clusters: w.clusters,
    preference,
    targetCluster,
    likedScore: (z, target) => {
      const c = targetCluster.get(target);
      if (c === undefined) throw new Error(`peterrec truth: unknown target item ${target}`);
      return preference[z]![c]! / size[c]!;
    },
  };
}

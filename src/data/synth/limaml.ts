// The LiMAML setting (paper 001 §6, pTap-like), synthetic: users tap items; how much a user likes
// an item depends on a latent preference the user's features show only through noise, so a model
// learns more about a user from the user's own labels (adaptation) than from the features.
//
// Ground truth. Every user u has a latent preference p_u ~ N(0, I_8); the meta features
// `user_feats` = A·p_u + N(0, σ²I), A a fixed random 8×8 map, σ = `noise`/10 (default 1.0: the
// features explain about half of p_u's variance). Every item i has features q_i ~ N(0, I_8)
// (`item_feats`, exact) and a popularity b_i ~ N(0, 0.5²) no feature shows (the item id does).
//     P(clicked) = σ(1.5 · p_u·q_i / √8 + b_i + c),  c such that the positive rate is 30 %.
// Samples per user are heavy-tailed, n = min(300, ⌊4·U^(−1/1.1)⌋) (Pareto, x_m = 4, α = 1.1):
// most users have fewer than 25 samples, a few have hundreds, so both slices of Table 3 exist.
// Each user's rows are spread over the time range; rows are written in time order (`ts`).
// Options: rows (default 100 000), items (500), noise (10 = σ 1.0), seed.
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { denseText, dot, gauss, gaussVec, interceptFor } from './random.js';

export const LIMAML_DOC =
  'LiMAML setting (paper 001 §6, pTap-like): users with a latent 8-d preference p_u; user_feats = A·p_u + N(0, σ²) (noisy meta features, σ = noise/10, default 1.0); ' +
  'items with exact features q_i (item_feats) and a hidden popularity b_i (only item_id shows it); clicked ~ Bernoulli(σ(1.5 p_u·q_i/√8 + b_i + c)), 30 % positives. ' +
  'Samples per user are heavy-tailed (Pareto x_m 4, α 1.1, capped at 300): both the fewer-than-25 and the 25-or-more slices exist. Rows are in time order (ts). ' +
  'Adapting on a user\'s own labels recovers p_u better than the noisy features: LiMAML beats the vanilla model most on users with many samples. ' +
  'Options: rows, items (500), noise (10). See src/data/synth/limaml.ts.';

const D = 8;
const HORIZON = 1_000_000;

/** The hidden values behind the clicks, for tests and benchmarks (the oracle rows of bench/limaml.mjs). */
export interface LimamlTruth {
  /** Per row (in the rows' order): the true logit 1.5 p_u·q_i/√8 + b_i + c, so P(clicked) = σ(logit). */
  logit: Float64Array;
  /** Per item index i (item_id `i<i>`): the popularity b_i no feature shows. */
  popularity: number[];
  /** The intercept c that sets the positive rate to 30 %. */
  intercept: number;
}

/** Rows of the LiMAML setting, in time order, each user's latent preference, and the true logits. */
export function limamlSynth(opts: SynthOptions): { rows: Row[]; preference: Map<string, number[]>; truth: LimamlTruth } {
  const rng = seedrandom(`limaml:${opts.seed}`);
  const total = opts.rows ?? 100_000;
  const nItems = opts.items ?? 500;
  const sigma = (opts.noise ?? 10) / 10;
  const A = Array.from({ length: D }, () => gaussVec(rng, D, 1 / Math.sqrt(D)));
  const items = Array.from({ length: nItems }, () => ({ q: gaussVec(rng, D), b: 0.5 * gauss(rng) }));
  const events: Array<{ user: number; item: number; ts: number; score: number }> = [];
  const users: Array<{ p: number[]; feats: number[] }> = [];
  while (events.length < total) {
    const u = users.length;
    const p = gaussVec(rng, D);
    users.push({ p, feats: A.map((row) => dot(row, p) + sigma * gauss(rng)) });
    const n = Math.min(300, Math.floor(4 * Math.pow(1 - rng(), -1 / 1.1)), total - events.length);
    const start = Math.floor(rng() * HORIZON * 0.5);
    const span = Math.max(1, Math.floor(rng() * (HORIZON - start)));
    const times = Array.from({ length: n }, () => start + Math.floor(rng() * span)).sort((a, b) => a - b);
    for (const ts of times) {
      const item = Math.floor(rng() * nItems);
      const it = items[item]!;
      events.push({ user: u, item, ts, score: (1.5 * dot(p, it.q)) / Math.sqrt(D) + it.b });
    }
  }
  const c = interceptFor(Float64Array.from(events, (e) => e.score), 0.3);
  // Stable by time; ties keep generation order (a user's rows stay in their own order).
  const order = events.map((_, i) => i).sort((a, b) => events[a]!.ts - events[b]!.ts || a - b);
  const rows: Row[] = order.map((i) => {
    const e = events[i]!;
    const clicked = rng() < 1 / (1 + Math.exp(-(e.score + c))) ? 1 : 0;
    return { user_id: `u${e.user}`, ts: e.ts, user_feats: denseText(users[e.user]!.feats), item_id: `i${e.item}`, item_feats: denseText(items[e.item]!.q), clicked };
  });
  // computed after the rows, without drawing from rng: the rows are those of the setting as it was
  const logit = Float64Array.from(order, (i) => events[i]!.score + c);
  return { rows, preference: new Map(users.map((u, k) => [`u${k}`, u.p])), truth: { logit, popularity: items.map((it) => it.b), intercept: c } };
}

export function limamlRows(opts: SynthOptions): Row[] {
  return limamlSynth(opts).rows;
}

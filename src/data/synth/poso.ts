// The POSO setting, version 2 (the default; `synth(poso, version: 1)` is the earlier one, poso-v1.ts):
// POSO §3 (Fig. 1) and §5.3 on MovieLens, synthetic. Users rate movies over time; the accumulated
// view count (avc: ratings given before) says how far into their lifecycle a user is.
//
// What the paper states, and how the setting models it:
//   1. new users' samples are a few percent of all samples ("less than 5 %"): 15 % of users are
//      new users with 2–12 ratings, the others have 60–400, and a user's first 10 ratings are
//      new-user samples (avc < 10, `is_new = new`): about 5 % of the rows;
//   2. new users behave differently on the same features: the rating is a different function of
//      the same movie attributes below avc 10 and from avc 10 on;
//   3. the personalization signal is submerged: a shared network sees avc as one input among many,
//      and 95 % of its samples say to ignore it.
//
// Ground truth. Every movie m has a taste vector v_m (unit, 8-d), a popularity z_m ~ N(0, 1), a
// quality q_m ~ N(0, 1) independent of it, and a genre (the closest of 40 genre vectors). Every
// user u has a taste vector t_u (unit). A user picks what to rate among 20 random movies with
// probability ∝ exp(2 t_u·v_m + 0.5 z_m), so the history reveals the taste. The rating is
//     new users (avc < 10):      s = 1.6 z_m + 0.6 q_m
//     regular users (avc ≥ 10):  s = 1.2 q_m − 0.8 z_m + 1.5 t_u·v_m
//     rating = clamp(round(3 + s + ε), 1, 5),  ε ~ N(0, 0.5²)
// New users rate the popular movies high; experienced users rate quality and their own taste, and
// mark blockbusters down. Popularity enters both groups, with opposite signs, so a movie's
// popularity is learned (from the majority) by any model; what a model must learn from the 5 % is
// that new users weigh it the other way. A model that ignores avc applies the regular function
// to new users and ranks their movies worse than at random (the truth's `regular` score on
// new-user rows has GAUC < 0.5); POSO's gates, fed avc directly, can switch the trunk's units per
// group. Compare new-user GAUC of POSO and the shared-bottom baseline: bench/poso-vs-mlp.mjs.
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { makeMovies, pickMovie } from './poso-movies.js';
import { dot, gauss, unit } from './random.js';

/** Below this avc a user rates by the new-user function (and `is_new` is `new`). */
export const POSO_NEW_AVC = 10;

export const POSO_DOC =
  'POSO setting v2 (POSO §3, §5.3, MovieLens-like): users rate movies over time; avc is the number of ratings a user gave before. ' +
  'New users (avc < 10, about 5 % of rows) rate by s = 1.6 popularity + 0.6 quality; regular users by s = 1.2 quality - 0.8 popularity ' +
  '+ 1.5 taste.movie; rating = round(3 + s + noise) in 1..5. The same movie features, weighed the other way by the minority: a model ' +
  'that ignores avc ranks new users\' movies worse than random; POSO gates its trunk on avc. rated_movies/rated_tags: the user\'s last 30 ' +
  'movies and their genres, "|"-joined. Options: rows, items (movies, 2000), version (2; 1 = the earlier setting). See src/data/synth/poso.ts.';

/** The hidden values behind the ratings, for tests and benchmarks. */
export interface PosoTruth {
  /** Per movie index m (movie_id `m<m>`): popularity z and quality q. */
  popularity: number[];
  quality: number[];
  /** Per row: the noiseless score s of the row's group, and the regular-user function at the same row. */
  score: Float64Array;
  regular: Float64Array;
}

/** Rows of the POSO setting and the hidden values that made them. */
export function posoSynth(opts: SynthOptions): { rows: Row[]; truth: PosoTruth } {
  const rng = seedrandom(`poso2:${opts.seed}`);
  const D = 8;
  const M = opts.items ?? 2000;
  const total = opts.rows ?? 100_000;
  const items = makeMovies(rng, M, D);
  const rows: Row[] = [];
  const score = new Float64Array(total);
  const regular = new Float64Array(total);
  for (let user = 1; rows.length < total; user++) {
    const n = rng() < 0.15 ? 2 + Math.floor(rng() * 11) : 60 + Math.floor(rng() * 341);
    const taste = unit(rng, D);
    const history: number[] = [];
    for (let avc = 0; avc < n && rows.length < total; avc++) {
      const m = pickMovie(rng, items, taste);
      const it = items[m]!;
      const isNew = avc < POSO_NEW_AVC;
      const reg = 1.2 * it.q - 0.8 * it.z + 1.5 * dot(taste, it.v);
      const s = isNew ? 1.6 * it.z + 0.6 * it.q : reg;
      const i = rows.length;
      score[i] = s;
      regular[i] = reg;
      const recent = history.slice(-30);
      rows.push({
        user_id: `u${user}`,
        movie_id: `m${m}`,
        rated_movies: recent.map((h) => `m${h}`).join('|'),
        rated_tags: recent.map((h) => items[h]!.genre).join('|'),
        avc,
        rating: Math.max(1, Math.min(5, Math.round(3 + s + 0.5 * gauss(rng)))),
        is_new: isNew ? 'new' : 'regular',
        timestamp: i,
      });
      history.push(m);
    }
  }
  return { rows, truth: { popularity: items.map((it) => it.z), quality: items.map((it) => it.q), score, regular } };
}

export function posoRows(opts: SynthOptions): Row[] {
  return posoSynth(opts).rows;
}

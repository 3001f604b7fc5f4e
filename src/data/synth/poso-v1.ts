// The POSO setting, version 1 (`synth(poso, version: 1)`; the default is version 2, poso.ts), kept so
// earlier numbers stay reproducible. POSO §5.3 on MovieLens, synthetic: users rate movies over time; the
// accumulated view count (avc: ratings given before) says how experienced a user is.
//
// Ground truth. Every movie m has a taste vector v_m (unit, 8-d), a popularity z_m ~ N(0, 1), a
// quality q_m ~ N(0, 1) independent of it, and a genre (the closest of 40 genre vectors: tags
// carry taste). Every user u has a taste vector t_u. A user picks what to rate among 20 random
// movies with probability ∝ exp(2 t_u·v_m + 0.5 z_m), so the history reveals the taste. The
// rating follows a DIFFERENT function for new users:
//     w = min(1, avc / 15)
//     s = w · (1.8 q_m + 1.2 t_u·v_m)  +  (1 − w) · 1.8 z_m  +  N(0, 0.5²)
//     rating = clamp(round(3.2 + s), 1, 5)
// New users rate by popularity, experienced users by quality and taste. 20 % of users are new users with
// 2–12 ratings; the others have 50–350, so ~5 % of samples have avc < 10 (`is_new = new`).
// A model that cannot condition its whole trunk on avc fits the majority (taste) and loses on
// new users: compare new-user GAUC of POSO and the shared-bottom baseline (bench/poso-vs-mlp.mjs).
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { makeMovies, pickMovie } from './poso-movies.js';
import { dot, gauss, unit } from './random.js';

export const POSO_V1_DOC =
  'POSO setting (POSO §5.3, MovieLens-like): users rate movies over time; avc is the number of ratings a user gave before. ' +
  'New users (avc < 10, ~5 % of samples) rate by movie popularity; experienced users by movie quality and their own taste ' +
  '(mixing weight min(1, avc/15)). rated_movies/rated_tags: the user\'s last 30 movies and their genres, "|"-joined. ' +
  'A model that cannot condition its trunk on avc fits the majority and loses on new users: compare GAUC on is_new=new. ' +
  'Options: rows, items (movies, 2000), newUserThreshold (10). See src/data/synth/poso.ts.';

/** The hidden values behind the ratings, for tests and benchmarks. */
export interface PosoV1Truth {
  /** Per movie index m (movie_id `m<m>`): popularity z and quality q. */
  popularity: number[];
  quality: number[];
}

/** Rows of the POSO setting and the hidden values that made them. */
export function posoV1Synth(opts: SynthOptions): { rows: Row[]; truth: PosoV1Truth } {
  const rng = seedrandom(`poso:${opts.seed}`);
  const D = 8;
  const M = opts.items ?? 2000;
  const total = opts.rows ?? 100_000;
  // 10, not the MovieLens loader's 30: here new users stop behaving differently by avc 15
  const threshold = opts.newUserThreshold ?? 10;
  const items = makeMovies(rng, M, D);
  const rows: Row[] = [];
  let clock = 0;
  for (let user = 1; rows.length < total; user++) {
    const isNewUser = rng() < 0.2;
    const n = isNewUser ? 2 + Math.floor(rng() * 11) : 50 + Math.floor(rng() * 301);
    const taste = unit(rng, D);
    const history: number[] = [];
    for (let avc = 0; avc < n && rows.length < total; avc++) {
      const m = pickMovie(rng, items, taste);
      const mix = Math.min(1, avc / 15);
      const it = items[m]!;
      const s = mix * (1.8 * it.q + 1.2 * dot(taste, it.v)) + (1 - mix) * 1.8 * it.z + 0.5 * gauss(rng);
      const rating = Math.max(1, Math.min(5, Math.round(3.2 + s)));
      const recent = history.slice(-30);
      rows.push({
        user_id: `u${user}`,
        movie_id: `m${m}`,
        rated_movies: recent.map((h) => `m${h}`).join('|'),
        rated_tags: recent.map((h) => items[h]!.genre).join('|'),
        avc,
        rating,
        is_new: avc < threshold ? 'new' : 'regular',
        timestamp: clock++,
      });
      history.push(m);
    }
  }
  return { rows, truth: { popularity: items.map((it) => it.z), quality: items.map((it) => it.q) } };
}

export function posoV1Rows(opts: SynthOptions): Row[] {
  return posoV1Synth(opts).rows;
}

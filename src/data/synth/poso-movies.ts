// The movies of the POSO settings (both versions) and how a user picks the next one to rate.
import type { Rng } from './random.js';
import { dot, gauss, unit } from './random.js';

export interface Movie {
  /** Taste vector (unit, 8-d). */
  v: number[];
  /** Popularity z ~ N(0, 1). */
  z: number;
  /** Quality q ~ N(0, 1), independent of z. */
  q: number;
  /** The closest of 40 genre vectors: tags carry taste. */
  genre: string;
}

export function makeMovies(rng: Rng, count: number, d: number): Movie[] {
  const genres = Array.from({ length: 40 }, () => unit(rng, d));
  return Array.from({ length: count }, () => {
    const v = unit(rng, d);
    let g = 0;
    for (let k = 1; k < genres.length; k++) if (dot(v, genres[k]!) > dot(v, genres[g]!)) g = k;
    return { v, z: gauss(rng), q: gauss(rng), genre: `g${g}` };
  });
}

/** Among 20 random movies, one picked with probability ∝ exp(2 taste·v + 0.5 z): the history reveals the taste. */
export function pickMovie(rng: Rng, movies: readonly Movie[], taste: readonly number[]): number {
  const cands = Array.from({ length: 20 }, () => Math.floor(rng() * movies.length));
  const w = cands.map((m) => Math.exp(2 * dot(taste, movies[m]!.v) + 0.5 * movies[m]!.z));
  let r = rng() * w.reduce((a, b) => a + b, 0);
  for (let k = 0; k < cands.length; k++) {
    r -= w[k]!;
    if (r <= 0) return cands[k]!;
  }
  return cands[0]!;
}

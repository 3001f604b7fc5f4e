// The order of an epoch's rows: a pure function of (seed, epoch), so a resumed run continues the
// very same order (checkpoint.ts records how many rows of it were consumed).
import seedrandom from 'seedrandom';
import { permutation } from '../data/fisher-yates.js';

/** The seedrandom key of an epoch's shuffle. */
export function shuffleKey(seed: number, epoch: number): string {
  return `epoch:${seed}:${epoch}`;
}

/** The epoch's row order: a Fisher–Yates shuffle driven by seedrandom(`epoch:<seed>:<epoch>`). */
export function shuffled(n: number, seed: number, epoch: number): Int32Array {
  return permutation(n, seedrandom(shuffleKey(seed, epoch)));
}

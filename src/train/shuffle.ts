// The order of an epoch's rows: a pure function of (seed, epoch), so a resumed run continues the
// very same order (checkpoint.ts records how many rows of it were consumed).
import seedrandom from 'seedrandom';

/** The seedrandom key of an epoch's shuffle. */
export function shuffleKey(seed: number, epoch: number): string {
  return `epoch:${seed}:${epoch}`;
}

/** The epoch's row order: a Fisher–Yates shuffle driven by seedrandom(`epoch:<seed>:<epoch>`). */
export function shuffled(n: number, seed: number, epoch: number): Int32Array {
  const rng = seedrandom(shuffleKey(seed, epoch));
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

// The one shuffle of the project: Fisher–Yates from the last element down, each draw
// floor(rng() × (i + 1)). The splits, the epochs' row orders and the stream's buffers all use it,
// so each consumes its generator the same way (a resumed run relies on it).

/** Shuffle `a` in place with `rng`, and return it. */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(a: A, rng: () => number): A {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** 0 … n − 1 in the order `rng` shuffles them. */
export const permutation = (n: number, rng: () => number): Int32Array => shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rng);

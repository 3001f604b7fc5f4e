// Small seeded sampling helpers shared by the generators (seedrandom's ARC4 stream underneath).

export type Rng = () => number;

/** A standard normal draw (Box–Muller). */
export function gauss(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A vector of d independent N(0, scale²) draws. */
export function gaussVec(rng: Rng, d: number, scale = 1): number[] {
  return Array.from({ length: d }, () => gauss(rng) * scale);
}

/** A random unit vector in d dimensions (a normalised Gaussian draw). */
export function unit(rng: Rng, d: number): number[] {
  const v = gaussVec(rng, d);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** An integer in [lo, hi]. */
export function intIn(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Sampling an index with probability ∝ weights, by binary search on the cumulative sums. */
export function weightedPicker(weights: readonly number[]): (rng: Rng) => number {
  const cum = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => (cum[i] = s += w));
  return (rng) => {
    const r = rng() * s;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * The intercept c with mean_i σ(score_i + c) = rate: how a generator hits a target positive rate
 * whatever its scores' spread. The mean is increasing and smooth in c: Newton steps (clamped,
 * since far from the root the slope is tiny) from the intercept of the mean score.
 */
export function interceptFor(scores: Float64Array, rate: number): number {
  if (scores.length === 0) return 0;
  let mean = 0;
  for (let i = 0; i < scores.length; i++) mean += scores[i]!;
  let c = Math.log(rate / (1 - rate)) - mean / scores.length;
  for (let it = 0; it < 100; it++) {
    let m = 0;
    let slope = 0;
    for (let i = 0; i < scores.length; i++) {
      const p = sigmoid(scores[i]! + c);
      m += p;
      slope += p * (1 - p);
    }
    const step = (m - rate * scores.length) / Math.max(slope, 1e-12);
    c -= Math.max(-2, Math.min(2, step));
    if (Math.abs(step) < 1e-9) break;
  }
  return c;
}

/** A vector as dense-feature text: "0.125,-1.5,…" with 4 decimals. */
export function denseText(v: readonly number[]): string {
  return v.map((x) => x.toFixed(4)).join(',');
}

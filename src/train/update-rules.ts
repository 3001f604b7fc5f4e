// The optimizer update rules as single loops over Float32Arrays. tfjs's optimizers run about ten
// tensor ops per parameter per step (each a kernel dispatch, an allocation and a pass over
// memory); on the POSO reference model that was ~40 % of a training step, most of it on embedding
// tables whose rows were not even in the batch. A loop reads each value once and writes it once.
// No library offers this on tfjs (its optimizers are built from ops), hence the hand-written loops.
//
// Every rule updates `w` and its slots in place, over all elements, or over the listed `rows`
// (each `width` values long) only: that is the sparse ("lazy") update of an embedding table,
// whose other rows, and their slots, stay as they are.
//
// The formulas are tfjs's (tf.train.adam / adagrad / sgd), which the tests check to 1e-6:
//   Adam:    m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·m̂ / (√v̂ + ε),
//            m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), t the optimizer's step count from 1 (= PyTorch's Adam;
//            β^t is a float32 product as in tfjs, see betaPowers).
//   AdaGrad: a ← a + g²;  w ← w − lr·g / √(a + 1e-7)   (tfjs adds the backend's float32 epsilon).
//   SGD:     w ← w − lr·g.
// Slots are float32, as in tfjs; arithmetic is in double and rounded where tfjs stores a tensor.

export interface AdamHyper {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The ε tfjs's AdaGrad adds under the square root (the float32 backends' `epsilon()`). */
export const ADAGRAD_EPSILON = 1e-7;

const f = Math.fround;

/**
 * The elements to visit: [0, n) when `rows` is undefined, else rows[k]·width + j. The gradient of
 * element rows[k]·width + j sits at the same index of `g` (a gradient of the whole table), or at
 * k·width + j when `packed` (the touched rows' gradients only, in the order of `rows`). Each rule
 * runs its loop body through this pair of loops (plain loops: V8 keeps them tight, a callback per
 * element it does not always inline).
 */
function span(rows: Int32Array | undefined, width: number, n: number): { count: number; width: number } {
  return rows ? { count: rows.length, width } : { count: 1, width: n };
}

/**
 * β1^t and β2^t as tfjs keeps them: float32 products, renewed by one multiplication per step.
 * Adam divides by 1 − β^t, a difference of nearly equal numbers, so the float32 rounding of β^t
 * shifts a step by up to ~1e-5 relative (against double precision, PyTorch's); doing as tfjs
 * does lets a run go on exactly as it did with tf.train.adam.
 */
export interface BetaPowers {
  t: number;
  p1: number;
  p2: number;
}

export function betaPowers(h: AdamHyper, t: number, prev?: BetaPowers): BetaPowers {
  if (prev && prev.t === t - 1) return { t, p1: f(prev.p1 * f(h.beta1)), p2: f(prev.p2 * f(h.beta2)) };
  let p = { t: 1, p1: f(h.beta1), p2: f(h.beta2) };
  while (p.t < t) p = betaPowers(h, p.t + 1, p);
  return p;
}

/** One Adam step; `powers` are β1^t and β2^t of this step (betaPowers). */
export function adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, powers: BetaPowers, h: AdamHyper, rows?: Int32Array, width = 1, packed = false): void {
  const { beta1: b1, beta2: b2, epsilon: eps } = h;
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  const c1 = f(1 - powers.p1);
  const c2 = f(1 - powers.p2);
  const { count, width: wd } = span(rows, width, w.length);
  for (let k = 0; k < count; k++) {
    const base = rows ? rows[k]! * wd : 0;
    const from = packed ? k * wd : base;
    for (let j = 0; j < wd; j++) {
      const i = base + j;
      const gi = g[from + j]!;
      const mi = f(b1 * m[i]! + a1 * gi);
      const vi = f(b2 * v[i]! + a2 * gi * gi);
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  }
}

export function adagradUpdate(w: Float32Array, g: Float32Array, acc: Float32Array, lr: number, rows?: Int32Array, width = 1, packed = false): void {
  const { count, width: wd } = span(rows, width, w.length);
  for (let k = 0; k < count; k++) {
    const base = rows ? rows[k]! * wd : 0;
    const from = packed ? k * wd : base;
    for (let j = 0; j < wd; j++) {
      const i = base + j;
      const gi = g[from + j]!;
      const ai = f(acc[i]! + gi * gi);
      acc[i] = ai;
      w[i] = w[i]! - (lr * gi) / Math.sqrt(ai + ADAGRAD_EPSILON);
    }
  }
}

export function sgdUpdate(w: Float32Array, g: Float32Array, lr: number, rows?: Int32Array, width = 1, packed = false): void {
  const { count, width: wd } = span(rows, width, w.length);
  for (let k = 0; k < count; k++) {
    const base = rows ? rows[k]! * wd : 0;
    const from = packed ? k * wd : base;
    for (let j = 0; j < wd; j++) w[base + j] = w[base + j]! - lr * g[from + j]!;
  }
}

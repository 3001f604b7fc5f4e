// The (positive, negative) pairs of a batch for the pairwise hinge loss (CMML Eq. 4), picked on
// the host from the batch's labels and fed to the graph's `hinge_pairs` op as the task's
// `<task>/pos` and `<task>/neg` inputs.

/** At most this many (positive, negative) pairs per batch: P·N grows quadratically. */
export const MAX_PAIRS = 4096;

/**
 * The (positive, negative) pairs of a batch: all P·N of them when there are at most `cap`, else
 * `cap` pairs spread evenly over the P·N grid (pair k = ⌊k·P·N/cap⌋), so every positive takes
 * part and the choice is the same on every run.
 */
export function hingePairs(labels: ArrayLike<number>, cap = MAX_PAIRS): { pos: number[]; neg: number[] } {
  const p: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i]! > 0.5 ? p : n).push(i);
  const total = p.length * n.length;
  const pos: number[] = [];
  const neg: number[] = [];
  const count = Math.min(total, cap);
  for (let k = 0; k < count; k++) {
    const idx = total <= cap ? k : Math.floor((k * total) / cap);
    pos.push(p[Math.floor(idx / n.length)]!);
    neg.push(n[idx % n.length]!);
  }
  return { pos, neg };
}

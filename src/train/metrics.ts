// Evaluation metrics. Scores and labels are parallel arrays; a label > 0.5 is a positive for the
// binary metrics, a label > 0 is relevant for the ranking metrics.
//   auc      Mann–Whitney U with average ranks for ties: the fraction of (positive, negative)
//            pairs ranked right, a tie counting one half. NaN when one class is absent.
//   gauc     AUC per key, weighted by the key's sample count; keys with one class are skipped
//            (POSO §5.1). Also returns how many keys were used.
//   logloss  mean binary cross-entropy, predictions clipped to [eps, 1 − eps], eps = 1e-7.
//   mse, mae mean squared / absolute error.
//   recall@k, ndcg@k  per key (e.g. a user): the key's items ranked by score, descending (ties
//            keep row order); relevant = label > 0; averaged over keys with ≥ 1 relevant item.
//            recall@k = #relevant in the top k / #relevant.
//            ndcg@k = DCG@k / IDCG@k with binary gains, DCG@k = Σ_{rank r ≤ k, relevant} 1/log2(r + 1),
//            IDCG@k the DCG of the best order (all relevant first).

export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avg = (i + j) / 2 + 1; // average 1-based rank of the tie group
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!]! > 0.5) {
        pos++;
        rankSum += avg;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Row indices per key, keys in order of first appearance. */
export function groupBy(keys: ArrayLike<string>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const g = groups.get(keys[i]!);
    if (g) g.push(i);
    else groups.set(keys[i]!, [i]);
  }
  return groups;
}

export function gauc(scores: ArrayLike<number>, labels: ArrayLike<number>, keys: ArrayLike<string>): { value: number; keys: number } {
  let num = 0;
  let den = 0;
  let used = 0;
  for (const idx of groupBy(keys).values()) {
    const a = auc(idx.map((i) => scores[i]!), idx.map((i) => labels[i]!));
    if (Number.isNaN(a)) continue;
    num += a * idx.length;
    den += idx.length;
    used++;
  }
  return { value: den === 0 ? NaN : num / den, keys: used };
}

export function logloss(p: ArrayLike<number>, y: ArrayLike<number>, eps = 1e-7): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - eps, Math.max(eps, p[i]!));
    s -= y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q);
  }
  return s / p.length;
}

export function mse(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / p.length;
}

export function mae(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - y[i]!);
  return s / p.length;
}

/** A per-key ranking metric's mean, and how many keys (with a relevant item) it averages. */
export interface RankingResult {
  value: number;
  keys: number;
}

function perKeyRanking(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  keys: ArrayLike<string>,
  k: number,
  score: (relevantAtRank: boolean[], relevantCount: number) => number,
): RankingResult {
  let sum = 0;
  let used = 0;
  for (const idx of groupBy(keys).values()) {
    const relevant = idx.filter((i) => labels[i]! > 0).length;
    if (relevant === 0) continue;
    // a stable sort keeps row order among equal scores
    const ranked = idx.slice().sort((a, b) => scores[b]! - scores[a]!);
    sum += score(ranked.slice(0, k).map((i) => labels[i]! > 0), relevant);
    used++;
  }
  return { value: used === 0 ? NaN : sum / used, keys: used };
}

export function recallAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, keys: ArrayLike<string>, k: number): RankingResult {
  return perKeyRanking(scores, labels, keys, k, (top, rel) => top.filter(Boolean).length / rel);
}

export function ndcgAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, keys: ArrayLike<string>, k: number): RankingResult {
  return perKeyRanking(scores, labels, keys, k, (top, rel) => {
    let dcg = 0;
    top.forEach((r, i) => {
      if (r) dcg += 1 / Math.log2(i + 2);
    });
    let idcg = 0;
    for (let i = 0; i < Math.min(k, rel); i++) idcg += 1 / Math.log2(i + 2);
    return dcg / idcg;
  });
}

/**
 * NDCG@K with graded relevance (regression tasks, e.g. ratings; CMML §4.1.2 after MeLU): per key,
 * DCG = Σ_{i<K} (2^{y_i} − 1) / log2(i + 2) over items ranked by score, divided by the DCG of the
 * ideal order; keys whose gains are all 0 are skipped; the mean over keys.
 */
export function gradedNdcgAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, keys: ArrayLike<string>, k: number): RankingResult {
  let sum = 0;
  let used = 0;
  const gain = (y: number) => 2 ** y - 1;
  const dcg = (ys: number[]) => ys.slice(0, k).reduce((s, y, i) => s + gain(y) / Math.log2(i + 2), 0);
  for (const idx of groupBy(keys).values()) {
    const ideal = dcg(idx.map((i) => labels[i]!).sort((a, b) => b - a));
    if (!(ideal > 0)) continue;
    const ranked = idx.slice().sort((a, b) => scores[b]! - scores[a]!);
    sum += dcg(ranked.map((i) => labels[i]!)) / ideal;
    used++;
  }
  return { value: used === 0 ? NaN : sum / used, keys: used };
}

// Evaluation metrics: AUC (Mann–Whitney U with average ranks for ties), GAUC (AUC per key,
// weighted by the key's sample count, keys with one class skipped; POSO §5.1), log loss, MSE, MAE.

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

export function gauc(scores: ArrayLike<number>, labels: ArrayLike<number>, keys: ArrayLike<string>): { value: number; keys: number } {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < scores.length; i++) {
    const g = groups.get(keys[i]!);
    if (g) g.push(i);
    else groups.set(keys[i]!, [i]);
  }
  let num = 0;
  let den = 0;
  let used = 0;
  for (const idx of groups.values()) {
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

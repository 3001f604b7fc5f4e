// "Did you mean": at most four known names close to an unknown one (Elm / rust-analyzer style),
// and the quick fix that writes the closest over the misspelt one.
import type { Suggestion } from './diagnostic.js';
import type { Span } from './span.js';

/** Damerau–Levenshtein distance (optimal string alignment) between two names. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** Up to `max` candidates within a distance that grows with the name's length, closest first. */
export function suggestNames(name: string, candidates: Iterable<string>, max = 4): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  const scored: Array<[string, number]> = [];
  const seen = new Set<string>();
  const lower = name.toLowerCase();
  for (const c of candidates) {
    // The distance is at least the difference in length: most names in a large scope are skipped here.
    if (c === name || Math.abs(c.length - name.length) > limit || seen.has(c)) continue;
    seen.add(c);
    const dist = editDistance(lower, c.toLowerCase());
    if (dist <= limit) scored.push([c, dist]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, max).map(([c]) => c);
}

/** "did you mean `a`, `b` or `c`?" */
export function didYouMean(names: string[]): string | undefined {
  if (names.length === 0) return undefined;
  const q = names.map((n) => `\`${n}\``);
  const list = q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
  return `did you mean ${list}?`;
}

/** The quick fix of a misspelt name at `span`: the closest of `names` written over it, or none. */
export function fixWith(names: string[], span: Span, verb = 'replace with'): Suggestion[] {
  return names.slice(0, 1).map((n) => ({ message: `${verb} \`${n}\``, span, text: n }));
}

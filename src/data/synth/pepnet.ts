// The PEPNet setting (PEPNet §3.1, Kuaishou), synthetic: three domains of very different sizes
// share users, items and authors; six tasks of very different sparsity.
//
// Ground truth. Users, items and authors have 8-d latent vectors (u, v, a). Each domain d has
// its own view of an item, M_d v (M_A = I; M_B and M_C fixed random rotations mixed with I), so the
// same pair is liked differently by domain: s_d = u · (M_d v) + 0.5 u · a. Each task t has a base
// rate and its own mix of the shared score and a task-specific direction w_t:
//     p_t = σ(b_t + 2.0 · s_d + 1.5 · u · w_t + 0.8 · [domain-specific task offset])
// Domain sizes are 70 % / 25 % / 5 % (A / B / C); positive rates are about click 30 %, effview
// 20 %, like 8 %, forward 3 %, follow 2 %, hate 1 %. A model that shares everything across domains
// fits domain A and loses most on the small domain C and the sparse tasks (PEPNet Table 2's
// "imperfectly double seesaw"): compare per-domain GAUC of PEPNet and the baselines.
import seedrandom from 'seedrandom';
import type { Row } from '../encode.js';

export const PEPNET_TASKS = ['like', 'follow', 'forward', 'hate', 'click', 'effview'];
export const PEPNET_COLUMNS = ['uid', 'iid', 'aid', 'domain', 'age', 'hist', ...PEPNET_TASKS];

const BASE: Record<string, number> = { like: -3.4, follow: -5.2, forward: -4.8, hate: -6.0, click: -1.2, effview: -1.9 };

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
}
const vec = (rng: () => number, d = 8) => Array.from({ length: d }, () => gauss(rng) / Math.sqrt(d));
const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);

export function pepnetRows(opts: { seed: number; rows: number; users?: number; items?: number }): Row[] {
  const rng = seedrandom(`pepnet:${opts.seed}`);
  const U = opts.users ?? 5000;
  const I = opts.items ?? 3000;
  const users = Array.from({ length: U }, () => ({ u: vec(rng), age: 14 + Math.floor(rng() * 50), hist: [] as number[] }));
  const authors = Array.from({ length: 500 }, () => vec(rng));
  const items = Array.from({ length: I }, () => ({ v: vec(rng), author: Math.floor(rng() * authors.length) }));
  // M_d v: a per-domain mix of the item vector with a fixed rotation of it
  const perm = (k: number) => Array.from({ length: 8 }, (_, i) => (i * k + 3) % 8);
  const views: Record<string, (v: number[]) => number[]> = {
    A: (v) => v,
    B: (v) => v.map((x, i) => 0.5 * x + 0.866 * v[perm(3)[i]!]!),
    C: (v) => v.map((x, i) => 0.2 * x - 0.98 * v[perm(5)[i]!]!),
  };
  const taskDirs = Object.fromEntries(PEPNET_TASKS.map((t) => [t, vec(rng)]));
  const domainOffset = Object.fromEntries(['A', 'B', 'C'].map((d) => [d, Object.fromEntries(PEPNET_TASKS.map((t) => [t, gauss(rng)]))]));
  const rows: Row[] = [];
  for (let n = 0; n < opts.rows; n++) {
    const r = rng();
    const domain = r < 0.7 ? 'A' : r < 0.95 ? 'B' : 'C';
    const ui = Math.floor(rng() * U);
    const ii = Math.floor(rng() * I);
    const user = users[ui]!;
    const item = items[ii]!;
    const s = dot(user.u, views[domain]!(item.v)) + 0.5 * dot(user.u, authors[item.author]!);
    const row: Row = { uid: `u${ui}`, iid: `i${ii}`, aid: `a${item.author}`, domain, age: user.age, hist: user.hist.slice(-20).map((h) => `i${h}`).join('|') };
    for (const t of PEPNET_TASKS) {
      const z = BASE[t]! + 2.0 * s + 1.5 * dot(user.u, taskDirs[t]!) + 0.8 * domainOffset[domain]![t]!;
      row[t] = rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    if (row.click === 1) user.hist.push(ii);
    rows.push(row);
  }
  return rows;
}

// The PEPNet setting, version 2 (the default; `synth(pepnet, version: 1)` is the earlier one,
// pepnet-v1.ts): one feed shown in three domains of very different sizes (A 70 %, B 25 %, C 5 %),
// six tasks of very different positive rates (PEPNet §4, Kuaishou).
//
// What the paper states (§1, §2.2.2), and how the setting models it: the domains share users,
// items and features, but weight the features differently, which EPNet expresses as
// O_ep = δ_domain ⊙ E, a positive per-dimension rescaling of the shared embedding (in (0, 2));
// and the tasks differ widely in sparsity (positive rates 30 % down to 1 %).
//
// Ground truth. Users have an observed profile u ~ N(0, I₈) (column `user`), an age (16–70) and a
// bias per task; authors a vector a ~ N(0, I₈); items belong to an author and have an observed
// content vector v = 0.6·a + 0.8·noise (column `item`) and a popularity p ~ N(0, 1) (learned from
// the item id). Each domain d weighs the user × item dimensions by its own positive δ_d:
//   δ_A ≈ (1.6, 1.6, 1.6, 1.6, 0.4, 0.4, 0.4, 0.4)   (± 0.1 noise)
//   δ_B ≈ 1 ± 0.3                                       (clamped to [0.2, 1.8])
//   δ_C ≈ (0.4, 0.4, 0.4, 0.4, 1.6, 1.6, 1.6, 1.6)   (± 0.1 noise)
//   s_d = 1.5 · Σ_k δ_{d,k} u_k v_k / ‖δ_d‖            (sd ≈ 1.5 in every domain)
// so the same user–item pair means something else in C than in A (corr(s_A, s_C) ≈ 0.47), yet
// every weighting is one δ_d ⊙ E away from the shared features. With f = 1.5 · u·a / √8 (author
// affinity) and z = (age − 40)/15, each task's logit is
//   click    c + 1.0 s_d + 0.5 p                + b_u + o_{d,click}      rate ≈ 30 %
//   effview  c + 1.2 s_d + 0.3 p                + b_u + o_{d,effview}    rate ≈ 12 %
//   like     c + 1.5 s_d + 0.2 p + 0.3 z        + b_u + o_{d,like}       rate ≈ 5 %
//   follow   c + 1.5 f   + 0.5 s_d − 0.4 z      + b_u + o_{d,follow}     rate ≈ 2 %
//   forward  c + 1.0 s_d + 0.8 p − 0.5 z        + b_u + o_{d,forward}    rate ≈ 1.5 %
//   hate     c − 1.5 s_d − 0.3 p                + b_u + o_{d,hate}       rate ≈ 1 %
// with per-domain offsets o (DOMAIN_OFFSETS) and each intercept c set so the task's mean
// probability is its rate; labels are Bernoulli draws.
//
// What a model must learn: the user × item interaction (from all domains), and how each domain
// reweights it. A model blind to the domain learns roughly the share-weighted δ̄ (A's weighting),
// which ranks C's pairs only partly right (truth.blind: the δ̄ score). A baseline given the domain
// as an input feature must learn domain × user × item, a three-way interaction, from C's 5 % of
// the rows; EPNet's gate needs only C's eight weights. Compare per-domain AUC (group_by: domain):
// bench/pepnet-vs-baselines.mjs. Users come back with activity ∝ exp(N(0,1)); hist is the user's
// last 20 items before this row, oldest first, "|"-joined.
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { DOMAIN_OFFSETS, DOMAIN_SHARES, drawLabels, PEPNET_DOMAINS, PEPNET_TASKS, setTaskLogits, type PepnetTask } from './pepnet-domains.js';
import { denseText, dot, gauss, gaussVec, intIn, weightedPicker } from './random.js';

export { DOMAIN_OFFSETS, DOMAIN_SHARES, PEPNET_DOMAINS, PEPNET_RATES, PEPNET_TASKS, type PepnetTask } from './pepnet-domains.js';

export const PEPNET_DOC =
  'PEPNet setting v2 (PEPNet §1, §2.2, §4): three domains A/B/C (70/25/5 % of rows) that share users, items and features ' +
  'but weigh the user x item dimensions differently (positive per-dimension weights: A the first half, C the second half, ' +
  'what EPNet\'s delta_domain * E expresses); six tasks with positive rates like 5 %, follow 2 %, forward 1.5 %, hate 1 %, ' +
  'click 30 %, effview 12 %. user/item: observed 8-d profile and content vectors as text; uid/iid/aid ids carry biases and ' +
  'popularity; hist: the user\'s last 20 items. Options: rows, users (rows/50), items (5000), authors (items/10), version ' +
  '(2; 1 = the earlier setting). See src/data/synth/pepnet.ts.';

const D = 8;
const HIST = 20;

/** Hidden values per row, for tests and oracle rows: the domain's s_d, the domain-blind δ̄ score, and the δ of each domain. */
export interface PepnetTruth {
  interaction: Float64Array;
  blind: Float64Array;
  delta: number[][];
  intercepts: Record<PepnetTask, number>;
}

/** 1.5 · Σ δ_k u_k v_k / ‖δ‖. */
function weighted(delta: readonly number[], u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < D; k++) s += delta[k]! * u[k]! * v[k]!;
  return (1.5 * s) / Math.hypot(...delta);
}

export function pepnetSynth(opts: SynthOptions): { rows: Row[]; truth: PepnetTruth } {
  const rng = seedrandom(`pepnet2:${opts.seed}`);
  const n = opts.rows ?? 100_000;
  const nUsers = opts.users ?? Math.max(200, Math.round(n / 50));
  const nItems = opts.items ?? 5000;
  const nAuthors = opts.authors ?? Math.max(10, Math.round(nItems / 10));
  const halves = (lo: number, hi: number) => Array.from({ length: D }, (_, k) => (k < D / 2 ? lo : hi) + 0.1 * gauss(rng));
  const delta = [halves(1.6, 0.4), Array.from({ length: D }, () => Math.min(1.8, Math.max(0.2, 1 + 0.3 * gauss(rng)))), halves(0.4, 1.6)];
  const blindDelta = Array.from({ length: D }, (_, k) => delta.reduce((s, dd, j) => s + DOMAIN_SHARES[j]! * dd[k]!, 0));
  const users = Array.from({ length: nUsers }, () => {
    const u = gaussVec(rng, D);
    return {
      u,
      text: denseText(u),
      age: intIn(rng, 16, 70),
      bias: Object.fromEntries(PEPNET_TASKS.map((t) => [t, 0.6 * gauss(rng)])) as Record<PepnetTask, number>,
      activity: Math.exp(gauss(rng)),
      hist: [] as number[],
    };
  });
  const authors = Array.from({ length: nAuthors }, () => gaussVec(rng, D));
  const items = Array.from({ length: nItems }, () => {
    const author = Math.floor(rng() * nAuthors);
    const noise = gaussVec(rng, D);
    const v = authors[author]!.map((x, k) => 0.6 * x + 0.8 * noise[k]!);
    return { author, v, text: denseText(v), p: gauss(rng) };
  });
  const pickUser = weightedPicker(users.map((x) => x.activity));
  const pickDomain = weightedPicker(DOMAIN_SHARES);
  // exposure favours popular items, as a feed does
  const pickItem = weightedPicker(items.map((it) => Math.exp(0.5 * it.p)));

  const rows: Row[] = [];
  const interaction = new Float64Array(n);
  const blind = new Float64Array(n);
  const logits = Object.fromEntries(PEPNET_TASKS.map((t) => [t, new Float64Array(n)])) as Record<PepnetTask, Float64Array>;
  for (let i = 0; i < n; i++) {
    const ui = pickUser(rng);
    const user = users[ui]!;
    const d = pickDomain(rng);
    const dom = PEPNET_DOMAINS[d]!;
    const ii = pickItem(rng);
    const it = items[ii]!;
    const s = weighted(delta[d]!, user.u, it.v);
    const f = (1.5 * dot(user.u, authors[it.author]!)) / Math.sqrt(D);
    const z = (user.age - 40) / 15;
    interaction[i] = s;
    blind[i] = weighted(blindDelta, user.u, it.v);
    setTaskLogits(logits, i, { s, f, p: it.p, z, bias: user.bias, offsets: DOMAIN_OFFSETS[dom]! });
    // every column set here, in the documented order; the task columns are filled below
    rows.push({ uid: `u${ui}`, iid: `i${ii}`, aid: `a${it.author}`, domain: dom, age: user.age, hist: user.hist.map((h) => `i${h}`).join('|'), user: user.text, item: it.text, like: 0, follow: 0, forward: 0, hate: 0, click: 0, effview: 0, timestamp: i });
    user.hist.push(ii);
    if (user.hist.length > HIST) user.hist.shift();
  }
  const intercepts = drawLabels(rng, rows, logits);
  return { rows, truth: { interaction, blind, delta, intercepts } };
}

export function pepnetRows(opts: SynthOptions): Row[] {
  return pepnetSynth(opts).rows;
}

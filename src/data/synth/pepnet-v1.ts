// The PEPNet setting, version 1 (`synth(pepnet, version: 1)`; the default is version 2, pepnet.ts),
// kept so earlier numbers stay reproducible. PEPNet §4, Kuaishou: one feed shown in three domains of very different
// sizes (A 70 %, B 25 %, C 5 %), six tasks of very different positive rates.
//
// Ground truth. Users have a taste vector u (8-d), an age (16–70) and a bias per task; authors a
// vector a; items belong to an author, with v = 0.6·a + 0.8·noise and a popularity p ~ N(0, 1).
// Each domain d reweights the user–item interaction: s_d = 4 · Σ_k δ_{d,k} u_k v_k, where δ_A ≈ 1,
// δ_B = 1 + 0.8·noise, and δ_C flips the sign of the first half of the dimensions: the same
// user–item pair means different things in C. With f = 4 · u·a (author affinity) and
// z = (age − 40)/15, each task's logit is
//   click    c + 1.0 s_d + 0.5 p                + b_u + o_{d,click}      rate ≈ 30 %
//   effview  c + 1.2 s_d + 0.3 p                + b_u + o_{d,effview}    rate ≈ 12 %
//   like     c + 1.5 s_d + 0.2 p + 0.3 z        + b_u + o_{d,like}       rate ≈ 5 %
//   follow   c + 1.5 f   + 0.5 s_d − 0.4 z      + b_u + o_{d,follow}     rate ≈ 2 %
//   forward  c + 1.0 s_d + 0.8 p − 0.5 z        + b_u + o_{d,forward}    rate ≈ 1.5 %
//   hate     c − 1.5 s_d − 0.3 p                + b_u + o_{d,hate}       rate ≈ 1 %
// with per-domain offsets o (DOMAIN_OFFSETS) and each intercept c set so the task's mean
// probability is its rate; labels are Bernoulli draws. A score blind to the domain (e.g. the
// shared 4·u·v) ranks A well and C at chance: compare per-domain AUC with group_by: domain. A model
// given the domain (as a feature, or through EPNet's gate) must learn C's flipped interaction
// from C's 5 % of the rows; EPNet's gates are positive, (0, 2), so they rescale dimensions but
// cannot flip one themselves (bench/pepnet-vs-baselines.mjs prints both oracles). The interaction is
// learned from id embeddings: with the default ids (rows/50 users, 5000 items) two epochs of
// 100 000 rows learn almost none of it; examples/pepnet-*.rec use 1 000 users and items.
// Users come back with activity ∝ exp(N(0,1)); hist is the user's last 20 items before this
// row, oldest first, "|"-joined.
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { DOMAIN_OFFSETS, DOMAIN_SHARES, drawLabels, PEPNET_DOMAINS, PEPNET_TASKS, setTaskLogits, type PepnetTask } from './pepnet-domains.js';
import { dot, gauss, gaussVec, intIn, weightedPicker } from './random.js';

export const PEPNET_V1_DOC =
  'PEPNet setting (PEPNet §4): three domains A/B/C (70/25/5 % of rows) in which the same user-item pair is scored ' +
  'differently (domain C flips half the taste dimensions), six tasks with positive rates like 5 %, follow 2 %, ' +
  'forward 1.5 %, hate 1 %, click 30 %, effview 12 %, driven by user taste x item, author affinity, age, popularity and per-user ' +
  'biases. A score blind to the domain ranks C at chance (group_by: domain). hist: the user\'s last 20 items. ' +
  'Options: rows, users (rows/50), items (5000), authors (items/10). See src/data/synth/pepnet.ts.';

const D = 8;
const HIST = 20;

/** Hidden values per row, for tests: the domain's interaction s_d and the domain-free 4·u·v. */
export interface PepnetV1Truth {
  interaction: Float64Array;
  shared: Float64Array;
  intercepts: Record<PepnetTask, number>;
}

export function pepnetV1Synth(opts: SynthOptions): { rows: Row[]; truth: PepnetV1Truth } {
  const rng = seedrandom(`pepnet:${opts.seed}`);
  const n = opts.rows ?? 100_000;
  const nUsers = opts.users ?? Math.max(200, Math.round(n / 50));
  const nItems = opts.items ?? 5000;
  const nAuthors = opts.authors ?? Math.max(10, Math.round(nItems / 10));
  const scale = 1 / Math.sqrt(D);
  const delta = [
    Array.from({ length: D }, () => 1 + 0.2 * gauss(rng)),
    Array.from({ length: D }, () => 1 + 0.8 * gauss(rng)),
    Array.from({ length: D }, (_, k) => (k < D / 2 ? -1 : 1) * (1 + 0.2 * gauss(rng))),
  ];
  const users = Array.from({ length: nUsers }, () => ({
    u: gaussVec(rng, D, scale),
    age: intIn(rng, 16, 70),
    bias: Object.fromEntries(PEPNET_TASKS.map((t) => [t, 0.6 * gauss(rng)])) as Record<PepnetTask, number>,
    activity: Math.exp(gauss(rng)),
    hist: [] as number[],
  }));
  const authors = Array.from({ length: nAuthors }, () => gaussVec(rng, D, scale));
  const items = Array.from({ length: nItems }, () => {
    const author = Math.floor(rng() * nAuthors);
    const noise = gaussVec(rng, D, scale);
    return { author, v: authors[author]!.map((x, k) => 0.6 * x + 0.8 * noise[k]!), p: gauss(rng) };
  });
  const pickUser = weightedPicker(users.map((x) => x.activity));
  const pickDomain = weightedPicker(DOMAIN_SHARES);
  // exposure favours popular items, as a feed does
  const pickItem = weightedPicker(items.map((it) => Math.exp(0.5 * it.p)));

  const rows: Row[] = [];
  const interaction = new Float64Array(n);
  const shared = new Float64Array(n);
  const logits = Object.fromEntries(PEPNET_TASKS.map((t) => [t, new Float64Array(n)])) as Record<PepnetTask, Float64Array>;
  for (let i = 0; i < n; i++) {
    const ui = pickUser(rng);
    const user = users[ui]!;
    const d = pickDomain(rng);
    const dom = PEPNET_DOMAINS[d]!;
    const ii = pickItem(rng);
    const it = items[ii]!;
    let s = 0;
    for (let k = 0; k < D; k++) s += delta[d]![k]! * user.u[k]! * it.v[k]!;
    s *= 4;
    const f = 4 * dot(user.u, authors[it.author]!);
    const z = (user.age - 40) / 15;
    interaction[i] = s;
    shared[i] = 4 * dot(user.u, it.v);
    setTaskLogits(logits, i, { s, f, p: it.p, z, bias: user.bias, offsets: DOMAIN_OFFSETS[dom]! });
    // every column set here, in the documented order; the task columns are filled below
    rows.push({ uid: `u${ui}`, iid: `i${ii}`, aid: `a${it.author}`, domain: dom, age: user.age, hist: user.hist.map((h) => `i${h}`).join('|'), like: 0, follow: 0, forward: 0, hate: 0, click: 0, effview: 0, timestamp: i });
    user.hist.push(ii);
    if (user.hist.length > HIST) user.hist.shift();
  }
  const intercepts = drawLabels(rng, rows, logits);
  return { rows, truth: { interaction, shared, intercepts } };
}

export function pepnetV1Rows(opts: SynthOptions): Row[] {
  return pepnetV1Synth(opts).rows;
}

// The CMML setting (CMML §4, cold-start as few-shot learning): many tasks (scenarios) with few
// samples each, every task with its own preference over the same user and item features.
//
// Ground truth. Users have a feature vector x_u, items x_i (8-d each, N(0, 1), written as
// "a,b,…" dense text). A shared preference W₀ (8×8) plus, per task τ, a rank-2 task-specific
// part Δ_τ = Σ_r p_r q_rᵀ, larger than W₀, and a task bias b_τ ~ N(−0.5, 1.2²):
//   P(clicked) = σ(b_τ + (1.5 / dim) · x_uᵀ (0.6·W₀ + Δ_τ) x_i)        (logit sd ≈ 2.3 at dim 8)
// so a model that ignores which task a sample belongs to can learn only the 0.6·W₀ part, and
// the task's bias and preference must be inferred from the task's own few samples.
// Tasks have 5–40 samples (mean ≈ 22); rows are in time order with the tasks interleaved.
//
// Support sets. A sample's support set is formed from the OTHER samples of its task (same
// `scenario` key): those with an earlier `timestamp`, the most recent `size` of them (the
// first sample of a task has an empty one). The query sample itself is never in its support
// set, and no later sample is, so there is no leakage. A spec writes this as
// `support history by scenario: pairs(user, item, label: clicked, size: 64)`.
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { denseText, gauss, gaussVec, intIn, sigmoid } from './random.js';

export const CMML_DOC =
  'CMML setting (CMML §4): many tasks (scenario) with 5-40 samples each; clicked = Bernoulli(sigmoid(task bias + ' +
  'user^T (0.6 W0 + task-specific rank-2 part) item)), so preferences differ by task and must be read from the task\'s ' +
  'own samples. user/item: 8 numbers as "a,b,..." text. A sample\'s support set: the earlier samples of its scenario ' +
  '(timestamp), the most recent `size`. Options: rows, users (rows/10), items (2000), dim (8). See src/data/synth/cmml.ts.';

/** Hidden values per row, for tests: the true logit and the task-blind part of it. */
export interface CmmlTruth {
  logit: Float64Array;
  shared: Float64Array;
}

function quad(xu: readonly number[], w: readonly number[][], xi: readonly number[]): number {
  let s = 0;
  for (let a = 0; a < xu.length; a++) for (let b = 0; b < xi.length; b++) s += xu[a]! * w[a]![b]! * xi[b]!;
  return s;
}

export function cmmlSynth(opts: SynthOptions): { rows: Row[]; truth: CmmlTruth } {
  const rng = seedrandom(`cmml:${opts.seed}`);
  const n = opts.rows ?? 100_000;
  const d = opts.dim ?? 8;
  const nUsers = opts.users ?? Math.max(100, Math.round(n / 10));
  const nItems = opts.items ?? 2000;
  const users = Array.from({ length: nUsers }, () => gaussVec(rng, d));
  const items = Array.from({ length: nItems }, () => gaussVec(rng, d));
  const userText = users.map(denseText);
  const itemText = items.map(denseText);
  const w0 = Array.from({ length: d }, () => gaussVec(rng, d, 0.6));
  const norm = 1.5 / d; // keeps logits within a few units for any dim
  type Sample = { row: Row; time: number; logit: number; shared: number };
  const samples: Sample[] = [];
  for (let task = 0; samples.length < n; task++) {
    const p = [gaussVec(rng, d), gaussVec(rng, d)];
    const q = [gaussVec(rng, d), gaussVec(rng, d)];
    const w = w0.map((row, a) => row.map((x, b) => x + p[0]![a]! * q[0]![b]! + p[1]![a]! * q[1]![b]!));
    const bias = -0.5 + 1.2 * gauss(rng);
    const count = Math.min(intIn(rng, 5, 40), n - samples.length);
    const start = rng() * 1e6;
    let t = start;
    for (let k = 0; k < count; k++) {
      t += 1 + rng() * 1000;
      const u = Math.floor(rng() * nUsers);
      const i = Math.floor(rng() * nItems);
      const logit = bias + norm * quad(users[u]!, w, items[i]!);
      const clicked = rng() < sigmoid(logit) ? 1 : 0;
      samples.push({
        row: { scenario: `s${task}`, user_id: `u${u}`, item_id: `i${i}`, user: userText[u]!, item: itemText[i]!, clicked, timestamp: Math.round(t) },
        time: Math.round(t),
        logit,
        shared: norm * quad(users[u]!, w0, items[i]!),
      });
    }
  }
  // stable: equal timestamps keep generation order
  samples.sort((a, b) => a.time - b.time);
  return {
    rows: samples.map((s) => s.row),
    truth: { logit: Float64Array.from(samples, (s) => s.logit), shared: Float64Array.from(samples, (s) => s.shared) },
  };
}

export function cmmlRows(opts: SynthOptions): Row[] {
  return cmmlSynth(opts).rows;
}

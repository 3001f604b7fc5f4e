// The user-specific CMML setting (CMML §2.3 and §4.1, after MeLU): every user is a task with a
// few ratings, and the model must read the user's taste from the user's own earlier ratings.
//
// Ground truth. Users and items have 8-d feature vectors x_u, x_i ~ N(0, I) (dense text). A
// user's taste over item features is a shared part, predictable from the user's features, plus a
// personal part that is not:  t_u = (1 / √dim) · W₀ᵀ x_u + p_u,  p_u ~ N(0, 0.8² I),  and a bias
// b_u ~ N(0, 0.6²). A rating is
//   rating = clamp(round(s + ε), 1, 5),  s = 3 + b_u + t_u · x_i / √dim,  ε ~ N(0, 0.5²)
// so a model that sees only (x_u, x_i) learns the shared part; the personal taste p_u and bias b_u
// must be inferred from the user's support set (their earlier ratings). Users have 20–50 ratings,
// in time order, interleaved.
import seedrandom from 'seedrandom';
import type { Row } from '../row.js';
import type { SynthOptions } from './options.js';
import { denseText, dot, gauss, gaussVec, intIn } from './random.js';

export const CMML_USER_DOC =
  'CMML user-specific setting (CMML §4, MeLU): every user is a task with 20-50 ratings (1-5); rating = ' +
  'round(3 + user bias + (shared taste from user features + personal taste) . item features + noise), so the personal ' +
  'part must be read from the user\'s earlier ratings (support `by user_id`). user/item: 8 numbers as text. ' +
  'Options: rows, items (2000), dim (8). See src/data/synth/cmml-user.ts.';

/** Hidden values per row, for tests: the noiseless score s clamped to [1, 5], and the same without b_u and p_u. */
export interface CmmlUserTruth {
  score: Float64Array;
  shared: Float64Array;
}

const clamp = (x: number) => Math.min(5, Math.max(1, x));

export function cmmlUserSynth(opts: SynthOptions): { rows: Row[]; truth: CmmlUserTruth } {
  const rng = seedrandom(`cmml_user:${opts.seed}`);
  const n = opts.rows ?? 50_000;
  const d = opts.dim ?? 8;
  const nItems = opts.items ?? 2000;
  const items = Array.from({ length: nItems }, () => gaussVec(rng, d));
  const itemText = items.map(denseText);
  const w0 = Array.from({ length: d }, () => gaussVec(rng, d));
  const scale = 1 / Math.sqrt(d);
  type Sample = { row: Row; time: number; score: number; shared: number };
  const samples: Sample[] = [];
  for (let u = 0; samples.length < n; u++) {
    const xu = gaussVec(rng, d);
    const sharedTaste = Array.from({ length: d }, (_, b) => scale * xu.reduce((s, x, a) => s + x * w0[a]![b]!, 0));
    const taste = sharedTaste.map((t) => t + 0.8 * gauss(rng));
    const bias = 0.6 * gauss(rng);
    const count = Math.min(intIn(rng, 20, 50), n - samples.length);
    let t = rng() * 1e6;
    const userText = denseText(xu);
    for (let k = 0; k < count; k++) {
      t += 1 + rng() * 1000;
      const i = Math.floor(rng() * nItems);
      const score = 3 + bias + scale * dot(taste, items[i]!);
      const rating = Math.min(5, Math.max(1, Math.round(score + 0.5 * gauss(rng))));
      samples.push({
        row: { user_id: `u${u}`, item_id: `i${i}`, user: userText, item: itemText[i]!, rating, timestamp: Math.round(t) },
        time: Math.round(t),
        score: clamp(score),
        shared: clamp(3 + scale * dot(sharedTaste, items[i]!)),
      });
    }
  }
  samples.sort((a, b) => a.time - b.time);
  return {
    rows: samples.map((s) => s.row),
    truth: { score: Float64Array.from(samples, (s) => s.score), shared: Float64Array.from(samples, (s) => s.shared) },
  };
}

export function cmmlUserRows(opts: SynthOptions): Row[] {
  return cmmlUserSynth(opts).rows;
}

// A split with an empty side stops a run before it trains, saying why. With no training rows there
// is nothing to fit; with no test rows every metric is of nothing (n/a), so the run would spend its
// time training and then report nothing it measured. Small data meets this through the rounding of
// the split (split.ts): 1 key under by_key(…, test: 0.25) holds out round(0.25 × 1) = 0 keys.
import type { Batchable } from '../data/preprocess.js';
import type { Split } from '../data/split.js';
import type { SplitSpec } from '../ir/types.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function written(spec: SplitSpec): string {
  if (spec.kind === 'random') return `random(test: ${spec.test})`;
  return spec.kind === 'by_key' ? `by_key(${spec.key}, test: ${spec.test})` : `chronological(${spec.by}, test: ${spec.test})`;
}

/** What the split held out of the data, e.g. `by_key(user_id, test: 0.25) holds out round(0.25 × 1) = 0 of the data's 1 key (\`user_id\` value)`. */
function heldOut(spec: SplitSpec, ds: Batchable, parts: Split): string {
  if (spec.kind === 'by_key') {
    const keys = ds.keys[spec.key] ?? [];
    const all = new Set(keys).size;
    const held = new Set(Array.from(parts.test, (i) => keys[i])).size;
    return `${written(spec)} holds out round(${spec.test} × ${all}) = ${held} of the data's ${plural(all, `key (\`${spec.key}\` value)`, `keys (\`${spec.key}\` values)`)}`;
  }
  return `${written(spec)} holds out round(${spec.test} × ${ds.n}) = ${parts.test.length} of the data's ${plural(ds.n, 'row')}`;
}

/** Why a split of `ds` cannot train and evaluate a run, or undefined when both sides have rows. */
export function splitShortfall(spec: SplitSpec, ds: Batchable, parts: Split): string | undefined {
  const what = spec.kind === 'by_key' ? 'data with more keys' : 'more data';
  if (parts.train.length === 0) return `no training rows: the split held out every row: ${heldOut(spec, ds, parts)} (use ${what} or a smaller \`test\` fraction)`;
  if (parts.test.length === 0) return `no test rows: the split held out no row: ${heldOut(spec, ds, parts)} (use ${what} or a larger \`test\` fraction)`;
  return undefined;
}

// Support sets (CMML §2): for each sample, the samples its task has seen before it.
//
// The rule, shared by training, evaluation and the serving contract (src/ir/types.ts SupportSpec):
// the support set of row r is the most recent `size` rows BEFORE r in data order whose `key` cell
// equals r's (rows are expected in time order, as the synthetic settings write them), oldest
// first, left-aligned, then padding. A row with an empty key has an empty set. Row r itself is
// never in its own set and neither is any later row, so no label leaks into its own prediction;
// a held-out task (split by key) still reads its own earlier samples, which is the few-shot
// setting of the paper: context from the support set, predictions on the query.
//
// Sets are stored as row numbers into a pool (the item features and labels of the whole encoded
// dataset), so a split or a batch copies `size` ints per row; the values are gathered only when a
// batch becomes tensors.
import { SUPPORT_LABEL, SUPPORT_MASK, supportInput } from '../ir/support-inputs.js';
import type { SupportSpec } from '../ir/types.js';

export interface SupportPool {
  /** Per item feature: its encoded values for every row of the dataset, `width` per row. */
  items: Record<string, { data: Int32Array | Float32Array; width: number }>;
  /** The support label of every row of the dataset. */
  label: Float32Array;
}

export interface SupportData {
  spec: SupportSpec;
  /** `n × size` row numbers into the pool, oldest first; −1 is padding. */
  index: Int32Array;
  pool: SupportPool;
}

/** The support rows of each row under the rule above: `keys.length × size` row numbers, −1 padded. */
export function supportIndex(keys: readonly string[], size: number): Int32Array {
  const out = new Int32Array(keys.length * size).fill(-1);
  // per key, a ring of its last `size` rows (oldest at `start`)
  const recent = new Map<string, { rows: number[]; start: number }>();
  for (let r = 0; r < keys.length; r++) {
    const k = keys[r]!;
    if (k === '') continue;
    let ring = recent.get(k);
    if (!ring) recent.set(k, (ring = { rows: [], start: 0 }));
    const count = ring.rows.length;
    for (let j = 0; j < count; j++) out[r * size + j] = ring.rows[(ring.start + j) % count]!;
    if (count < size) ring.rows.push(r);
    else {
      ring.rows[ring.start] = r;
      ring.start = (ring.start + 1) % size;
    }
  }
  return out;
}

/** The rows `idx` of a support set (a batch or one side of a split); the pool is shared. */
export function sliceSupport(s: SupportData, idx: ArrayLike<number>): SupportData {
  const size = s.spec.size;
  const index = new Int32Array(idx.length * size);
  for (let i = 0; i < idx.length; i++) index.set(s.index.subarray(idx[i]! * size, idx[i]! * size + size), i * size);
  return { spec: s.spec, index, pool: s.pool };
}

export interface InputArray {
  data: Int32Array | Float32Array;
  /** Shape without the batch axis. */
  shape: number[];
}

/**
 * The graph inputs of a support set for its `n` rows: `<name>.<item>` ([size] ids or
 * [size, width] values; padding gives id 0 and zeros), `<name>.label` and `<name>.mask` ([size]).
 */
export function supportInputs(s: SupportData, n: number): Record<string, InputArray> {
  const size = s.spec.size;
  const out: Record<string, InputArray> = {};
  for (const item of s.spec.items) {
    const { data, width } = s.pool.items[item]!;
    const values = data instanceof Int32Array ? new Int32Array(n * size * width) : new Float32Array(n * size * width);
    for (let p = 0; p < n * size; p++) {
      const r = s.index[p]!;
      if (r < 0) continue;
      if (width === 1) values[p] = data[r]!;
      else values.set(data.subarray(r * width, r * width + width), p * width);
    }
    out[supportInput(s.spec.name, item)] = { data: values, shape: width === 1 && data instanceof Int32Array ? [size] : [size, width] };
  }
  const label = new Float32Array(n * size);
  const mask = new Float32Array(n * size);
  for (let p = 0; p < n * size; p++) {
    const r = s.index[p]!;
    if (r < 0) continue;
    label[p] = s.pool.label[r]!;
    mask[p] = 1;
  }
  out[supportInput(s.spec.name, SUPPORT_LABEL)] = { data: label, shape: [size] };
  out[supportInput(s.spec.name, SUPPORT_MASK)] = { data: mask, shape: [size] };
  return out;
}

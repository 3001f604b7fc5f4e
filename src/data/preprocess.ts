// Rows → model inputs, following each FeatureSpec. These rules are the contract shared with the
// ONNX preprocessing (src/lower/onnx/preprocess.ts) and with serving clients; change them in both
// places or in neither.
//
//   id, vocabulary v_1..v_V   v_i → i + 1 + 1 (first value is 2); unknown → 1 (OOV);
//                             "" / null / missing cell → 0 (padding)
//   id, hash N                hashBucket(String(value), N) ∈ 1..N (src/data/hash.ts); "" / null → 0
//                             (numbers hash as their JavaScript decimal text: 42 → "42", 1.5 → "1.5")
//   seq(max_len L, sep s)     the cell split on s (a JSON array: its items), each item trimmed,
//                             empty items dropped; the LAST L items kept (most recent), left-aligned,
//                             right-padded with 0; each item mapped like an id of the seq's source
//   bucketize b_1 ≤ … ≤ b_K   1 + #{i : b_i ≤ x}  ∈ 1..K+1; x must be a number (REC6002)
//   dense(n)                  n numbers separated by "," or whitespace or "|" (or a JSON array);
//                             another count, or a non-number, is REC6002
//   label columns             must be present; label expressions read them (src/data/label-expr.ts)
//
// Output is columnar: one Int32Array (ids) or Float32Array (dense) per feature, row-major.
import type { FeatureSpec, IdSource, SupportSpec, TaskSpec } from '../ir/types.js';
import { hashBucket } from './hash.js';
import { evalLabel } from './label-expr.js';
import { cellNumber, MAX_ERRORS, type DataError, type NumberedRow, type RawCell } from './row.js';
import { sliceSupport, supportIndex, supportInputs, type InputArray, type SupportData } from './support.js';

/** A columnar dataset ready to batch. */
export interface Batchable {
  n: number;
  /** Per feature: ids (Int32Array) or values (Float32Array), row-major, `n × prod(shape)`. */
  inputs: Record<string, Int32Array | Float32Array>;
  /** Per feature: the per-sample shape ([] for one id, [L] for a sequence, [n] for dense). */
  shapes: Record<string, number[]>;
  /** Per task: the label expression's value on each row. */
  labels: Record<string, Float32Array>;
  /** Raw text of the key columns (splits, GAUC, groups); null and "" are "". */
  keys: Record<string, string[]>;
  /** Support sets (CMML), as row numbers into the encoded rows; see src/data/support.ts. */
  supports?: SupportData[];
}
export type Dataset = Batchable;

export type InputFeature = Exclude<FeatureSpec, { kind: 'label' }>;

class BadValue extends Error {
  constructor(
    readonly column: string,
    message: string,
    readonly code: 'REC6001' | 'REC6002' = 'REC6002',
  ) {
    super(message);
  }
}

const vocabMaps = new WeakMap<string[], Map<string, number>>();

/** The id of one categorical value under the id convention above. */
export function idOf(value: RawCell, source: IdSource): number {
  if (value === null || value === undefined || value === '') return 0;
  const s = String(value);
  if (source.kind === 'hash') return hashBucket(s, source.buckets);
  let m = vocabMaps.get(source.values);
  if (!m) {
    m = new Map();
    // a value listed twice keeps its first index, as the ONNX LabelEncoder would reject duplicates
    source.values.forEach((v, i) => m!.has(v) || m!.set(v, i + 2));
    vocabMaps.set(source.values, m);
  }
  return m.get(s) ?? 1;
}

/** 1 + the number of boundaries ≤ x (boundaries ascending). */
export function bucketOf(x: number, boundaries: readonly number[]): number {
  let k = 0;
  for (const b of boundaries) if (b <= x) k++;
  return 1 + k;
}

/** A sequence cell's items, oldest first, before truncation to max_len. */
export function seqItems(v: RawCell, sep: string): string[] {
  if (v === null || v === undefined) return [];
  const parts = Array.isArray(v) ? v.map(String) : String(v).split(sep);
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}

/** A dense cell's numbers (NaN where an item is not a number). */
export function denseValues(v: RawCell): number[] {
  if (Array.isArray(v)) return v.map((x) => cellNumber(x));
  if (typeof v === 'number' || typeof v === 'boolean') return [cellNumber(v)];
  return String(v ?? '')
    .split(/[\s,|]+/)
    .filter((s) => s !== '')
    .map(Number);
}

function numberOf(v: RawCell, column: string): number {
  const x = cellNumber(v);
  if (!Number.isFinite(x)) throw new BadValue(column, `\`${column}\` must be a number, found \`${Array.isArray(v) ? v.join(',') : String(v ?? '')}\``);
  return x;
}

/** Per-sample shape of a feature's input. */
export function featureShape(f: InputFeature): number[] {
  return f.kind === 'seq' ? [f.maxLen] : f.kind === 'dense' ? [f.size] : [];
}

function encodeFeature(f: InputFeature, v: RawCell, out: Int32Array | Float32Array, at: number): void {
  switch (f.kind) {
    case 'id':
      out[at] = idOf(v, f.source);
      return;
    case 'bucketize':
      out[at] = bucketOf(numberOf(v, f.column), f.boundaries);
      return;
    case 'seq': {
      const items = seqItems(v, f.sep).slice(-f.maxLen);
      for (let i = 0; i < f.maxLen; i++) out[at + i] = i < items.length ? idOf(items[i]!, f.source) : 0;
      return;
    }
    case 'dense': {
      const xs = denseValues(v);
      if (xs.length !== f.size) throw new BadValue(f.column, `\`${f.column}\` must hold ${f.size} number${f.size === 1 ? '' : 's'}, found ${xs.length}`);
      const badAt = xs.findIndex((x) => !Number.isFinite(x));
      if (badAt >= 0) throw new BadValue(f.column, `\`${f.column}\` item ${badAt + 1} is not a number`);
      out.set(xs, at);
    }
  }
}

/** Raw cell text as the key columns keep it. */
function keyText(v: RawCell): string {
  return v === null || v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v);
}

export interface PreprocessOptions {
  /** For error messages. */
  file: string;
  /** Columns whose raw text the dataset keeps (split keys, GAUC keys, the group column). */
  keyColumns?: readonly string[];
  /** Count and skip bad rows instead of reporting them. */
  skipBadRows?: boolean;
}

export interface PreprocessResult {
  dataset: Batchable;
  errors: DataError[];
  skipped: number;
}

/**
 * Encode rows for the given features and tasks. A bad row is an error with its file, row and
 * column (at most MAX_ERRORS are collected); with `skipBadRows` it is skipped and counted.
 */
export function preprocess(
  model: { features: readonly FeatureSpec[]; tasks: readonly TaskSpec[]; supports?: readonly SupportSpec[] },
  rows: readonly NumberedRow[],
  opts: PreprocessOptions,
): PreprocessResult {
  const { features, tasks, supports = [] } = model;
  const inputsF = features.filter((f): f is InputFeature => f.kind !== 'label');
  const labelCols = features.filter((f) => f.kind === 'label').map((f) => f.column);
  const keyCols = [...(opts.keyColumns ?? [])];
  const width = new Map(inputsF.map((f) => [f.name, featureShape(f).reduce((a, b) => a * b, 1)]));
  const inputs: Batchable['inputs'] = {};
  for (const f of inputsF) inputs[f.name] = f.kind === 'dense' ? new Float32Array(rows.length * width.get(f.name)!) : new Int32Array(rows.length * width.get(f.name)!);
  const labels: Batchable['labels'] = Object.fromEntries(tasks.map((t) => [t.name, new Float32Array(rows.length)]));
  const keys: Batchable['keys'] = Object.fromEntries(keyCols.map((k) => [k, [] as string[]]));
  const supportKeys = supports.map(() => [] as string[]);
  const supportLabels = supports.map(() => new Float32Array(rows.length));
  const errors: DataError[] = [];
  let n = 0;
  let skipped = 0;
  for (const { row, line } of rows) {
    try {
      for (const c of [...labelCols, ...keyCols]) if (!(c in row)) throw new BadValue(c, `missing column \`${c}\``, 'REC6001');
      for (const f of inputsF) {
        if (!(f.column in row)) throw new BadValue(f.column, `missing column \`${f.column}\` (feature \`${f.name}\`)`, 'REC6001');
        encodeFeature(f, row[f.column], inputs[f.name]!, n * width.get(f.name)!);
      }
      for (const t of tasks) {
        const y = evalLabel(t.label, (c) => row[c]);
        if (typeof y !== 'number') throw new BadValue(y.column ?? t.name, `task \`${t.name}\`: ${y.error}`, y.code);
        labels[t.name]![n] = y;
      }
      const sLabels = supports.map((s) => {
        if (!(s.key in row)) throw new BadValue(s.key, `missing column \`${s.key}\` (the task key of support set \`${s.name}\`)`, 'REC6001');
        const y = evalLabel(s.label, (c) => row[c]);
        if (typeof y !== 'number') throw new BadValue(y.column ?? s.name, `support set \`${s.name}\`: ${y.error}`, y.code);
        return y;
      });
      for (const k of keyCols) keys[k]!.push(keyText(row[k]));
      supports.forEach((s, i) => {
        supportKeys[i]!.push(keyText(row[s.key]));
        supportLabels[i]![n] = sLabels[i]!;
      });
      n++;
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      if (opts.skipBadRows) skipped++;
      else errors.push({ file: opts.file, row: line, column: e.column, code: e.code, message: e.message });
      if (errors.length >= MAX_ERRORS) break;
    }
  }
  const finalInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.slice(0, n * width.get(k)!)]));
  const supportData: SupportData[] = supports.map((spec, i) => ({
    spec,
    index: supportIndex(supportKeys[i]!, spec.size),
    pool: {
      items: Object.fromEntries(spec.items.map((item) => [item, { data: finalInputs[item]!, width: width.get(item)! }])),
      label: supportLabels[i]!.slice(0, n),
    },
  }));
  return {
    dataset: {
      n,
      inputs: finalInputs,
      shapes: Object.fromEntries(inputsF.map((f) => [f.name, featureShape(f)])),
      labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.slice(0, n)])),
      keys,
      ...(supportData.length > 0 ? { supports: supportData } : {}),
    },
    errors,
    skipped,
  };
}

/** Every graph input of a dataset: its features, then its support sets' inputs. */
export function modelInputs(ds: Batchable): Record<string, InputArray> {
  const out: Record<string, InputArray> = {};
  for (const [k, data] of Object.entries(ds.inputs)) out[k] = { data, shape: ds.shapes[k]! };
  for (const s of ds.supports ?? []) Object.assign(out, supportInputs(s, ds.n));
  return out;
}

/** The rows at `idx`, in that order, as a new dataset (a batch, or one side of a split). */
export function slice(ds: Batchable, idx: ArrayLike<number>): Batchable {
  const n = idx.length;
  const inputs: Batchable['inputs'] = {};
  for (const [name, data] of Object.entries(ds.inputs)) {
    const w = ds.shapes[name]!.reduce((a, b) => a * b, 1);
    const out = data instanceof Int32Array ? new Int32Array(n * w) : new Float32Array(n * w);
    if (w === 1) for (let i = 0; i < n; i++) out[i] = data[idx[i]!]!;
    else for (let i = 0; i < n; i++) out.set(data.subarray(idx[i]! * w, idx[i]! * w + w), i * w);
    inputs[name] = out;
  }
  const labels: Batchable['labels'] = {};
  for (const [name, y] of Object.entries(ds.labels)) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = y[idx[i]!]!;
    labels[name] = out;
  }
  const keys: Batchable['keys'] = {};
  for (const [k, v] of Object.entries(ds.keys)) keys[k] = Array.from({ length: n }, (_, i) => v[idx[i]!]!);
  return { n, inputs, shapes: ds.shapes, labels, keys, ...(ds.supports ? { supports: ds.supports.map((s) => sliceSupport(s, idx)) } : {}) };
}

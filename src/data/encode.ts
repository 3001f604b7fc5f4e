// Rows → model inputs, following each FeatureSpec. These rules are the contract shared with the
// ONNX preprocessing (src/lower/onnx/preprocess.ts):
//   id (vocab v_1..v_V): v_i → i + 2; "" or missing → 0 (padding); unknown → 1 (out of vocabulary)
//   id (hash N): hashBucket(String(value), N) in 1..N; "" or missing → 0
//   seq: split on `sep` (JSON arrays as they are), empty items dropped, the LAST max_len items
//        kept (most recent), left-aligned, right-padded with 0; items mapped like ids
//   bucketize (b ascending): 1 + #{i : b_i <= x}
//   dense (n): n numbers separated by "," " " or "|" (or a JSON array)
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { FeatureSpec, IdSource, IRGraph } from '../ir/types.js';
import { hashBucket } from './hash.js';
import { evalLabel, type Cell } from './label-expr.js';

export type RawCell = Cell | Array<string | number>;
export type Row = Record<string, RawCell>;

export interface DataError {
  file: string;
  /** 1-based data row (the header is row 0). */
  row: number;
  column?: string;
  code: DiagnosticCode;
  message: string;
}

export interface Dataset {
  n: number;
  /** Per feature: ids (Int32Array) or values (Float32Array), row-major, `n × perSample`. */
  inputs: Record<string, Int32Array | Float32Array>;
  /** Per feature: the per-sample shape ([] for one id, [L] for a sequence, [n] for dense). */
  shapes: Record<string, number[]>;
  labels: Record<string, Float32Array>;
  /** Raw values of the key columns (splits, GAUC, groups). */
  keys: Record<string, string[]>;
}

class BadValue extends Error {
  constructor(
    readonly column: string,
    message: string,
    readonly code: DiagnosticCode = 'REC6002',
  ) {
    super(message);
  }
}

const vocabMaps = new WeakMap<string[], Map<string, number>>();

export function idOf(value: RawCell, source: IdSource): number {
  if (value === null || value === undefined || value === '') return 0;
  const s = String(value);
  if (source.kind === 'hash') return hashBucket(s, source.buckets);
  let m = vocabMaps.get(source.values);
  if (!m) {
    m = new Map(source.values.map((v, i) => [v, i + 2]));
    vocabMaps.set(source.values, m);
  }
  return m.get(s) ?? 1;
}

export function bucketOf(x: number, boundaries: number[]): number {
  let k = 0;
  for (const b of boundaries) if (b <= x) k++;
  return 1 + k;
}

function toNumber(v: RawCell, column: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = String(v ?? '').trim();
  const x = s === '' ? NaN : Number(s);
  if (!Number.isFinite(x)) throw new BadValue(column, `\`${column}\` must be a number, found \`${s}\``);
  return x;
}

export function seqItems(v: RawCell, sep: string): string[] {
  if (Array.isArray(v)) return v.map(String).filter((s) => s !== '');
  if (v === null || v === undefined) return [];
  return String(v).split(sep).map((s) => s.trim()).filter((s) => s !== '');
}

function encodeFeature(f: Exclude<FeatureSpec, { kind: 'label' }>, row: Row, out: Int32Array | Float32Array, at: number): void {
  if (!(f.column in row)) throw new BadValue(f.column, `missing column \`${f.column}\` (feature \`${f.name}\`)`, 'REC6001');
  const v = row[f.column];
  switch (f.kind) {
    case 'id':
      out[at] = idOf(v, f.source);
      return;
    case 'bucketize':
      out[at] = bucketOf(toNumber(v, f.column), f.boundaries);
      return;
    case 'seq': {
      const items = seqItems(v, f.sep).slice(-f.maxLen);
      for (let i = 0; i < f.maxLen; i++) out[at + i] = i < items.length ? idOf(items[i]!, f.source) : 0;
      return;
    }
    case 'dense': {
      const parts = Array.isArray(v) ? v : String(v ?? '').trim().split(/[\s,|]+/).filter((s) => s !== '');
      if (parts.length !== f.size) throw new BadValue(f.column, `\`${f.column}\` must hold ${f.size} numbers, found ${parts.length}`);
      for (let i = 0; i < f.size; i++) out[at + i] = toNumber(parts[i]!, f.column);
    }
  }
}

function perSample(f: FeatureSpec): number[] {
  return f.kind === 'seq' ? [f.maxLen] : f.kind === 'dense' ? [f.size] : [];
}

/**
 * Encode rows. A bad row is an error with its file, row and column; with `skipBadRows` it is
 * skipped and counted instead.
 */
export function encodeRows(
  graph: IRGraph,
  rows: Array<{ row: Row; line: number }>,
  opts: { file: string; keyColumns: string[]; skipBadRows: boolean },
): { dataset: Dataset; errors: DataError[]; skipped: number } {
  const features = graph.features.filter((f): f is Exclude<FeatureSpec, { kind: 'label' }> => f.kind !== 'label');
  const width = Object.fromEntries(features.map((f) => [f.name, perSample(f).reduce((a, b) => a * b, 1)]));
  const inputs: Dataset['inputs'] = {};
  for (const f of features) inputs[f.name] = f.kind === 'dense' ? new Float32Array(rows.length * width[f.name]!) : new Int32Array(rows.length * width[f.name]!);
  const labels: Dataset['labels'] = Object.fromEntries(graph.tasks.map((t) => [t.name, new Float32Array(rows.length)]));
  const keys: Dataset['keys'] = Object.fromEntries(opts.keyColumns.map((k) => [k, [] as string[]]));
  const errors: DataError[] = [];
  let n = 0;
  let skipped = 0;
  for (const { row, line } of rows) {
    try {
      for (const f of features) encodeFeature(f, row, inputs[f.name]!, n * width[f.name]!);
      for (const t of graph.tasks) {
        const y = evalLabel(t.label, (c) => {
          const v = row[c];
          if (Array.isArray(v)) return String(v);
          return v;
        });
        if (typeof y !== 'number') throw new BadValue(t.name, `task \`${t.name}\`: ${y.error}`, y.error.includes('empty') ? 'REC6001' : 'REC6002');
        labels[t.name]![n] = y;
      }
      for (const k of opts.keyColumns) {
        if (!(k in row)) throw new BadValue(k, `missing column \`${k}\``, 'REC6001');
        keys[k]!.push(String(row[k] ?? ''));
      }
      n++;
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      for (const k of opts.keyColumns) if (keys[k]!.length > n) keys[k]!.length = n;
      if (opts.skipBadRows) skipped++;
      else errors.push({ file: opts.file, row: line, column: e.column, code: e.code, message: e.message });
      if (errors.length >= 20) break;
    }
  }
  const trim = <T extends Int32Array | Float32Array>(a: T, w: number): T => a.subarray(0, n * w) as T;
  return {
    dataset: {
      n,
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, trim(v, width[k]!)])),
      shapes: Object.fromEntries(features.map((f) => [f.name, perSample(f)])),
      labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.subarray(0, n)])),
      keys,
    },
    errors,
    skipped,
  };
}

/** The rows at `idx`, as a new dataset (a batch, or a split). */
export function take(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const n = idx.length;
  const inputs: Dataset['inputs'] = {};
  for (const [name, data] of Object.entries(ds.inputs)) {
    const w = ds.shapes[name]!.reduce((a, b) => a * b, 1);
    const out = data instanceof Int32Array ? new Int32Array(n * w) : new Float32Array(n * w);
    for (let i = 0; i < n; i++) out.set(data.subarray(idx[i]! * w, idx[i]! * w + w), i * w);
    inputs[name] = out;
  }
  const labels: Dataset['labels'] = {};
  for (const [name, y] of Object.entries(ds.labels)) labels[name] = Float32Array.from({ length: n }, (_, i) => y[idx[i]!]!);
  const keys: Dataset['keys'] = {};
  for (const [k, v] of Object.entries(ds.keys)) keys[k] = Array.from({ length: n }, (_, i) => v[idx[i]!]!);
  return { n, inputs, shapes: ds.shapes, labels, keys };
}

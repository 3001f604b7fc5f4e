// Rows → model inputs, following each FeatureSpec. These rules are the contract shared with the
// ONNX preprocessing (src/lower/onnx/preprocess.ts) and with serving clients; change them in both
// places or in neither.
//
//   id, vocabulary v_1..v_V   v_i → i + 1 + 1 (first value is 2); unknown → 1 (OOV);
//                             "" / null / missing cell → 0 (padding)
//   id, hash N                hashBucket(String(value), N) ∈ 1..N (src/data/hash.ts); "" / null → 0
//                             (numbers hash as their JavaScript decimal text: 42 → "42", 1.5 → "1.5")
//   seq(max_len L, sep s)     the cell split on s (a JSON array: its items), each item trimmed,
//                             empty (and null) items dropped; the LAST L items kept (most recent),
//                             left-aligned, right-padded with 0; each item mapped like an id of the
//                             seq's source
//   bucketize b_1 ≤ … ≤ b_K   1 + #{i : b_i ≤ x}  ∈ 1..K+1, as float32 values; x must be a number finite as a float32
//                             (REC6002)
//   dense(n)                  n numbers separated by "," or whitespace or "|" (or a JSON array);
//                             another count, or an item that is not a number finite as a float32,
//                             is REC6002
//   chronological split key   a number or an ISO date on every row (src/data/time-order.ts), REC6002
//   label columns             must be present; label expressions read them (src/data/label-expr.ts)
//
// Output is columnar: one Int32Array (ids) or Float32Array (dense) per feature, row-major.
import type { FeatureSpec, IdSource, SplitSpec, SupportSpec, TaskSpec } from '../ir/types.js';
import { hashBucket } from './hash.js';
import { evalLabel, labelColumns } from './label-expr.js';
import { cellNumber, MAX_ERRORS, numberProblem, type DataError, type NumberedRow, type RawCell } from './row.js';
import { sliceSupport, supportIndex, supportInputs, type InputArray, type SupportData } from './support.js';
import { orderTime, type TimeKind } from './time-order.js';

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

/** A dataset of no rows (what a load that failed gives, or a task with no support rows). */
export const emptyDataset = (): Dataset => ({ n: 0, inputs: {}, shapes: {}, labels: {}, keys: {} });

export type InputFeature = Exclude<FeatureSpec, { kind: 'label' }>;

/** A cell that cannot be encoded: its column (none for a label expression's value), the message and the code (caught per row). */
export class BadValue extends Error {
  constructor(
    readonly column: string | undefined,
    message: string,
    readonly code: 'REC6001' | 'REC6002' = 'REC6002',
  ) {
    super(message);
  }
}

/** The ids of a categorical feature's values under the id convention above (a vocabulary's index made once). */
export class IdLookup {
  private readonly vocab: Map<string, number> | undefined;

  constructor(private readonly source: IdSource) {
    if (source.kind !== 'vocab') return;
    // a value listed twice keeps its first index, as the ONNX LabelEncoder would reject duplicates
    const m = new Map<string, number>();
    source.values.forEach((v, i) => m.has(v) || m.set(v, i + 2));
    this.vocab = m;
  }

  id(value: RawCell): number {
    // empty text is padding, whatever gives it: "", null, and a JSON list with no item (`[]`, `[null]`),
    // as the serving feeds read them (onnx-feeds.ts idText); `[]` was hash("") here
    const s = value === null || value === undefined ? '' : String(value);
    if (s === '') return 0;
    if (this.source.kind === 'hash') return hashBucket(s, this.source.buckets);
    return this.vocab!.get(s) ?? 1;
  }
}

/** The id of one categorical value (an encoder keeps an IdLookup per feature instead). */
export const idOf = (value: RawCell, source: IdSource): number => new IdLookup(source).id(value);

/**
 * 1 + the number of boundaries ≤ x (boundaries ascending), compared as float32 values: the serving
 * graph takes x as float32 and holds the boundaries as float32 (onnx/preprocess.ts), where
 * 0.99999999 is 1 and in 1's bucket; in float64 it fell in the bucket below.
 */
export function bucketOf(x: number, boundaries: readonly number[]): number {
  const v = Math.fround(x);
  let k = 0;
  for (const b of boundaries) if (Math.fround(b) <= v) k++;
  return 1 + k;
}

/** A sequence cell's items, oldest first, before truncation to max_len. */
export function seqItems(v: RawCell, sep: string): string[] {
  if (v === null || v === undefined) return [];
  // A list's null item (JSON Lines, Parquet) is no item, as an empty item between two separators
  // of a text cell is none: `["m1", null, "m2"]` is the same sequence as "m1||m2" and "m1|m2".
  // `sep: ""` splits a text into its characters: code points, not UTF-16 units (an emoji is one
  // item, not two lone surrogates that both hashed as U+FFFD), as Python's list(text) splits it
  const parts = Array.isArray(v) ? v.filter((x) => x !== null).map(String) : sep === '' ? Array.from(String(v)) : String(v).split(sep);
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}

/** A dense cell's items: a list's as they are, a number, or a text's split on "," blanks or "|". */
function denseItems(v: RawCell): Array<string | number | boolean | null> {
  if (Array.isArray(v)) return v;
  if (typeof v === 'number' || typeof v === 'boolean') return [v];
  return String(v ?? '')
    .split(/[\s,|]+/)
    .filter((s) => s !== '');
}

/** A dense cell's numbers (NaN where an item is not a number). */
export function denseValues(v: RawCell): number[] {
  return denseItems(v).map(cellNumber);
}

/** The number of a cell, else BadValue (REC6002): not a number, or not one a float32 holds. */
export function numberOf(v: RawCell, column: string): number {
  const bad = numberProblem(v);
  if (bad) throw new BadValue(column, `\`${column}\` must be a number, ${bad}`);
  return cellNumber(v);
}

/** Per-sample shape of a feature's input. */
export function featureShape(f: InputFeature): number[] {
  return f.kind === 'seq' ? [f.maxLen] : f.kind === 'dense' ? [f.size] : [];
}

/** Encode one feature's cell at `out[at …]`; `ids`: the feature's IdLookup (id and seq features). */
function encodeFeature(f: InputFeature, v: RawCell, out: Int32Array | Float32Array, at: number, ids: IdLookup | undefined): void {
  switch (f.kind) {
    case 'id':
      out[at] = ids!.id(v);
      return;
    case 'bucketize':
      out[at] = bucketOf(numberOf(v, f.column), f.boundaries);
      return;
    case 'seq': {
      const items = seqItems(v, f.sep).slice(-f.maxLen);
      for (let i = 0; i < f.maxLen; i++) out[at + i] = i < items.length ? ids!.id(items[i]!) : 0;
      return;
    }
    case 'dense':
      out.set(denseOf(f, v), at);
  }
}

/** The `f.size` numbers of a dense cell, else BadValue (REC6002). */
export function denseOf(f: Extract<FeatureSpec, { kind: 'dense' }>, v: RawCell): number[] {
  const items = denseItems(v);
  if (items.length !== f.size) throw new BadValue(f.column, `\`${f.column}\` must hold ${f.size} number${f.size === 1 ? '' : 's'}, found ${items.length}`);
  for (let i = 0; i < items.length; i++) {
    const bad = numberProblem(items[i]!);
    if (bad) throw new BadValue(f.column, `\`${f.column}\` item ${i + 1} must be a number, ${bad}`);
  }
  return items.map(cellNumber);
}

/** Raw cell text as the key columns keep it. */
export function keyText(v: RawCell): string {
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

// Rows are encoded into chunks of this many rows, one chunk list per column, joined once at the
// end: growing one array by doubling would copy it and hold two copies at once.
const CHUNK_ROWS = 1 << 16;

/** A typed column of `width` values per row, grown in chunks. */
class ChunkedColumn<T extends Int32Array | Float32Array> {
  private chunks: T[] = [];
  constructor(
    private readonly make: (n: number) => T,
    readonly width: number,
  ) {}

  /** The chunk holding row `r`, and the row's offset in it. */
  slot(r: number): [T, number] {
    const c = Math.floor(r / CHUNK_ROWS);
    while (this.chunks.length <= c) this.chunks.push(this.make(CHUNK_ROWS * this.width));
    return [this.chunks[c]!, (r % CHUNK_ROWS) * this.width];
  }

  /** Rows 0 … n−1 as one array; the chunks are let go. */
  take(n: number): T {
    const out = this.make(n * this.width);
    for (let c = 0; c * CHUNK_ROWS < n; c++) out.set(this.chunks[c]!.subarray(0, Math.min(CHUNK_ROWS, n - c * CHUNK_ROWS) * this.width), c * CHUNK_ROWS * this.width);
    this.chunks = [];
    return out;
  }
}

/** Key texts, each distinct text kept once (a key column repeats a few values over many rows). */
class KeyColumn {
  readonly values: string[] = [];
  private readonly interned = new Map<string, string>();
  push(v: RawCell): void {
    const t = keyText(v);
    let s = this.interned.get(t);
    if (s === undefined) {
      s = t;
      // past a million distinct values (ids, timestamps) sharing stops paying for its map
      if (this.interned.size < 1 << 20) this.interned.set(t, t);
    }
    this.values.push(s);
  }
}

/** What an encoder reads: the features, the tasks' labels, support sets, and the split's time column (`train.split`). */
export type EncoderModel = { features: readonly FeatureSpec[]; tasks: readonly TaskSpec[]; supports?: readonly SupportSpec[]; train?: { split: SplitSpec } };

/** A row's first problem, for the caller to report with the row's file and line (or to skip). */
export interface BadRow {
  /** The column at fault; none when a label expression over several gives a value its task refuses. */
  column?: string;
  code: 'REC6001' | 'REC6002';
  message: string;
}

/**
 * Encodes records one at a time straight into columnar arrays (no row is kept): `columns` are
 * the columns it reads, and `push` takes one record's cells in that order. A record with a
 * problem is not kept; the next one takes its place.
 */
export class RowEncoder {
  /** The columns read, in the order `push` takes their cells. */
  readonly columns: string[];
  /** Rows kept so far. */
  n = 0;
  private readonly at = new Map<string, number>();
  private readonly inputsF: InputFeature[];
  /** Each id and seq feature's lookup, by feature name. */
  private readonly ids = new Map<string, IdLookup>();
  private readonly inputs: Map<string, ChunkedColumn<Int32Array | Float32Array>>;
  private readonly labels: Map<string, ChunkedColumn<Float32Array>>;
  private readonly keys: Map<string, KeyColumn>;
  private readonly supportKeys: KeyColumn[];
  private readonly supportLabels: ChunkedColumn<Float32Array>[];
  private readonly sLabels: number[];
  /** The column a chronological split orders rows by, checked on every row (time-order.ts). */
  private readonly timeColumn: string | undefined;
  /** The kind of time the rows kept so far hold (numbers or dates: one per file). */
  private timeKind: TimeKind | undefined;

  constructor(
    private readonly model: EncoderModel,
    private readonly keyColumns: readonly string[] = [],
  ) {
    const { features, tasks, supports = [] } = model;
    this.inputsF = features.filter((f): f is InputFeature => f.kind !== 'label');
    for (const f of this.inputsF) if (f.kind === 'id' || f.kind === 'seq') this.ids.set(f.name, new IdLookup(f.source));
    // Label columns are those the tasks and support sets read: a stage's data need not hold the
    // labels of another stage's tasks (PeterRec pretrains on sequences without the profile labels).
    const cols = new Set<string>(keyColumns);
    for (const f of this.inputsF) cols.add(f.column);
    for (const t of tasks) for (const c of labelColumns(t.label)) cols.add(c);
    for (const s of supports) [s.key, ...labelColumns(s.label)].forEach((c) => cols.add(c));
    const split = model.train?.split;
    this.timeColumn = split?.kind === 'chronological' ? split.by : undefined;
    if (this.timeColumn !== undefined) cols.add(this.timeColumn);
    this.columns = [...cols];
    this.columns.forEach((c, i) => this.at.set(c, i));
    const width = (f: InputFeature) => featureShape(f).reduce((a, b) => a * b, 1);
    this.inputs = new Map(this.inputsF.map((f) => [f.name, f.kind === 'dense' ? new ChunkedColumn((k) => new Float32Array(k), width(f)) : new ChunkedColumn((k) => new Int32Array(k), width(f))]));
    this.labels = new Map(tasks.map((t) => [t.name, new ChunkedColumn((k) => new Float32Array(k), 1)]));
    this.keys = new Map(keyColumns.map((k) => [k, new KeyColumn()]));
    this.supportKeys = supports.map(() => new KeyColumn());
    this.supportLabels = supports.map(() => new ChunkedColumn((k) => new Float32Array(k), 1));
    this.sLabels = supports.map(() => 0);
  }

  /** Encode one record (`cells[i]` is column `columns[i]`; undefined: the record lacks it). */
  push(cells: ArrayLike<RawCell>): BadRow | undefined {
    const { tasks, supports = [] } = this.model;
    const cell = (c: string): RawCell => cells[this.at.get(c)!];
    const n = this.n;
    let timeKind = this.timeKind;
    try {
      for (const c of this.keyColumns) if (cell(c) === undefined) throw new BadValue(c, `missing column \`${c}\``, 'REC6001');
      if (this.timeColumn !== undefined) {
        const c = this.timeColumn;
        if (cell(c) === undefined) throw new BadValue(c, `missing column \`${c}\` (the chronological split's time)`, 'REC6001');
        const t = orderTime(c, cell(c), timeKind);
        if ('error' in t) throw new BadValue(c, t.error);
        timeKind = t.kind;
      }
      for (const f of this.inputsF) {
        const v = cell(f.column);
        if (v === undefined) throw new BadValue(f.column, `missing column \`${f.column}\` (feature \`${f.name}\`)`, 'REC6001');
        const [out, at] = this.inputs.get(f.name)!.slot(n);
        encodeFeature(f, v, out, at, this.ids.get(f.name));
      }
      for (const t of tasks) {
        const y = evalLabel(t.label, cell);
        if (typeof y !== 'number') throw new BadValue(y.column, `task \`${t.name}\`: ${y.error}`, y.code);
        const bad = labelProblem(t, y);
        if (bad) throw new BadValue(labelColumnOf(t), `task \`${t.name}\`: ${bad}`);
        const [out, at] = this.labels.get(t.name)!.slot(n);
        out[at] = y;
      }
      supports.forEach((s, i) => {
        if (cell(s.key) === undefined) throw new BadValue(s.key, `missing column \`${s.key}\` (the task key of support set \`${s.name}\`)`, 'REC6001');
        const y = evalLabel(s.label, cell);
        if (typeof y !== 'number') throw new BadValue(y.column, `support set \`${s.name}\`: ${y.error}`, y.code);
        this.sLabels[i] = y;
      });
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      return { ...(e.column !== undefined ? { column: e.column } : {}), code: e.code, message: e.message };
    }
    this.timeKind = timeKind;
    for (const [k, col] of this.keys) col.push(cell(k));
    supports.forEach((s, i) => {
      this.supportKeys[i]!.push(cell(s.key));
      const [out, at] = this.supportLabels[i]!.slot(n);
      out[at] = this.sLabels[i]!;
    });
    this.n++;
    return undefined;
  }

  /** Take back the last row kept (it was checked; the caller does not keep it). */
  pop(): void {
    if (this.n === 0) return;
    this.n--;
    for (const col of this.keys.values()) col.values.pop();
    for (const col of this.supportKeys) col.values.pop();
  }

  /** The dataset of the rows kept; the encoder is spent. */
  finish(): Batchable {
    const n = this.n;
    const inputs: Batchable['inputs'] = Object.create(null);
    for (const [name, col] of this.inputs) inputs[name] = col.take(n);
    const labels: Batchable['labels'] = Object.create(null);
    for (const [name, col] of this.labels) labels[name] = col.take(n);
    const keys: Batchable['keys'] = Object.create(null);
    for (const [k, col] of this.keys) keys[k] = col.values;
    const shapes: Batchable['shapes'] = Object.create(null);
    for (const f of this.inputsF) shapes[f.name] = featureShape(f);
    const supportData: SupportData[] = (this.model.supports ?? []).map((spec, i) => ({
      spec,
      index: supportIndex(this.supportKeys[i]!.values, spec.size),
      pool: {
        items: Object.fromEntries(spec.items.map((item) => [item, { data: inputs[item]!, width: this.inputs.get(item)!.width }])),
        label: this.supportLabels[i]!.take(n),
      },
    }));
    return { n, inputs, shapes, labels, keys, ...(supportData.length > 0 ? { supports: supportData } : {}) };
  }
}

/** The column a task's label reads when it is a bare column (`label: clicked`). */
function labelColumnOf(t: TaskSpec): string | undefined {
  let e = t.label;
  while (e.kind === 'Paren') e = e.expr;
  return e.kind === 'Name' ? e.name : undefined;
}

/** Why a task's label value is not one its kind can learn from (binary: 0 or 1; multiclass: a class index). */
export function labelProblem(t: Pick<TaskSpec, 'kind' | 'classes'>, y: number): string | undefined {
  if (t.kind === 'binary' && y !== 0 && y !== 1) return `a binary label must be 0 or 1 (or true/false), found ${y}`;
  if (t.kind === 'multiclass' && !(Number.isInteger(y) && y >= 0 && y < t.classes)) return `a multiclass label must be a class index 0 … ${t.classes - 1}, found ${y}`;
  return undefined;
}

/**
 * Encode rows for the given features and tasks. A bad row is an error with its file, row and
 * column (at most MAX_ERRORS are collected); with `skipBadRows` it is skipped and counted.
 */
export function preprocess(model: EncoderModel, rows: readonly NumberedRow[], opts: PreprocessOptions): PreprocessResult {
  const enc = new RowEncoder(model, opts.keyColumns ?? []);
  const errors: DataError[] = [];
  let skipped = 0;
  const cells: RawCell[] = [];
  for (const { row, line } of rows) {
    for (let i = 0; i < enc.columns.length; i++) cells[i] = Object.hasOwn(row, enc.columns[i]!) ? row[enc.columns[i]!] : undefined;
    const bad = enc.push(cells);
    if (!bad) continue;
    if (opts.skipBadRows) skipped++;
    else errors.push({ file: opts.file, row: line, ...bad });
    if (errors.length >= MAX_ERRORS) break;
  }
  return { dataset: enc.finish(), errors, skipped };
}

/** Every graph input of a dataset: its features, then its support sets' inputs. */
export function modelInputs(ds: Batchable): Record<string, InputArray> {
  const out: Record<string, InputArray> = Object.create(null);
  for (const [k, data] of Object.entries(ds.inputs)) out[k] = { data, shape: ds.shapes[k]! };
  for (const s of ds.supports ?? []) Object.assign(out, supportInputs(s, ds.n));
  return out;
}

/** Rows of several datasets of the same features and key columns, one after the other (no support sets). */
export function concatRows(parts: Batchable[]): Batchable {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const first = parts[0]!;
  const join = <T extends Int32Array | Float32Array>(arrays: T[]): T => {
    const out = new (arrays[0]!.constructor as new (k: number) => T)(arrays.reduce((a, x) => a + x.length, 0));
    let at = 0;
    for (const x of arrays) {
      out.set(x, at);
      at += x.length;
    }
    return out;
  };
  const inputs: Batchable['inputs'] = Object.create(null);
  for (const k of Object.keys(first.inputs)) inputs[k] = join(parts.map((p) => p.inputs[k]!));
  const labels: Batchable['labels'] = Object.create(null);
  for (const k of Object.keys(first.labels)) labels[k] = join(parts.map((p) => p.labels[k]!));
  const keys: Batchable['keys'] = Object.create(null);
  for (const k of Object.keys(first.keys)) keys[k] = parts.flatMap((p) => p.keys[k]!);
  return { n, inputs, shapes: first.shapes, labels, keys };
}

/** The rows at `idx`, in that order, as a new dataset (a batch, or one side of a split). */
export function slice(ds: Batchable, idx: ArrayLike<number>): Batchable {
  const n = idx.length;
  // feature, task and column names are the user's: no prototype for `__proto__` to reach
  const inputs: Batchable['inputs'] = Object.create(null);
  for (const [name, data] of Object.entries(ds.inputs)) {
    const w = ds.shapes[name]!.reduce((a, b) => a * b, 1);
    const out = data instanceof Int32Array ? new Int32Array(n * w) : new Float32Array(n * w);
    // element by element: a subarray per row would allocate one object per row and feature
    for (let i = 0; i < n; i++) {
      const from = idx[i]! * w;
      for (let j = 0; j < w; j++) out[i * w + j] = data[from + j]!;
    }
    inputs[name] = out;
  }
  const labels: Batchable['labels'] = Object.create(null);
  for (const [name, y] of Object.entries(ds.labels)) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = y[idx[i]!]!;
    labels[name] = out;
  }
  const keys: Batchable['keys'] = Object.create(null);
  for (const [k, v] of Object.entries(ds.keys)) keys[k] = Array.from({ length: n }, (_, i) => v[idx[i]!]!);
  return { n, inputs, shapes: ds.shapes, labels, keys, ...(ds.supports ? { supports: ds.supports.map((s) => sliceSupport(s, idx)) } : {}) };
}

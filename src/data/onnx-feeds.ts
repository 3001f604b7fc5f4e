// Rows → the inputs of a serving ONNX graph: what a serving system sends (src/lower/onnx/
// preprocess.ts). Vocabulary ids go as their raw text (the graph's LabelEncoder maps them; an
// empty, null or missing cell is "" → id 0, the padding row), hashed ids as int64 hashed here
// (hashBucket: ONNX has no string hash; empty/null → 0), buckets as the raw float32 number, dense
// vectors as float32. Values are checked as the data loader checks them (preprocess.ts: a bucket
// that is not a number, a dense cell of the wrong count is the row's problem, REC6002).
//
// Support sets (CMML) follow src/data/support.ts: a row's set is the most recent `size` earlier
// rows of its key, oldest first, each item as its feature is sent, with the set's label and a
// mask. Rows arrive one at a time (a file streamed in chunks), so each key keeps a ring of its
// last `size` rows' sent values: memory grows with the number of keys, not of rows.
//
// Plain typed arrays come out (no onnxruntime here): the caller makes tensors of them.
import { supportInput, SUPPORT_LABEL, SUPPORT_MASK } from '../ir/support-inputs.js';
import type { SupportSpec } from '../ir/types.js';
import { hashBucket } from './hash.js';
import { int64Of } from './int64.js';
import { evalLabel, labelColumns } from './label-expr.js';
import { BadValue, denseOf, featureShape, keyText, numberOf, seqItems, type BadRow, type InputFeature } from './preprocess.js';
import type { RawCell, Row } from './row.js';

export type FeedArray =
  | { type: 'float32'; data: Float32Array; dims: number[] }
  | { type: 'int64'; data: BigInt64Array; dims: number[] }
  | { type: 'string'; data: string[]; dims: number[] };

/** One value as sent: vocabulary text, a hashed id, a number, or a dense vector. */
type Sent = string | number | number[];

const idText = (v: RawCell): string => (v === null || v === undefined ? '' : String(v));

/** One feature's sent value(s) for a cell: `width` of them (a sequence is padded). */
function sentValues(f: InputFeature, v: RawCell): Sent[] {
  switch (f.kind) {
    case 'dense':
      return [denseOf(f, v)];
    case 'bucketize':
      return [numberOf(v, f.column)];
    case 'id':
      return [f.source.kind === 'vocab' ? idText(v) : idText(v) === '' ? 0 : hashBucket(idText(v), f.source.buckets)];
    case 'seq': {
      const items = seqItems(v, f.sep).slice(-f.maxLen);
      const pad: Sent = f.source.kind === 'vocab' ? '' : 0;
      const source = f.source;
      return Array.from({ length: f.maxLen }, (_, i) => (i >= items.length ? pad : source.kind === 'vocab' ? items[i]! : hashBucket(items[i]!, source.buckets)));
    }
  }
}

/** A growing feed: `dims` per row after the batch axis; numbers in a typed array grown by doubling. */
class FeedColumn {
  private nums: Float32Array | Int32Array;
  private strs: string[] = [];
  private len = 0;
  constructor(
    readonly type: FeedArray['type'],
    readonly dims: number[],
  ) {
    this.nums = type === 'int64' ? new Int32Array(1024) : new Float32Array(type === 'float32' ? 1024 : 0);
  }

  push(v: Sent): void {
    if (typeof v === 'string') {
      this.strs.push(v);
      return;
    }
    const k = typeof v === 'number' ? 1 : v.length;
    if (this.len + k > this.nums.length) {
      const grown = new (this.nums.constructor as new (n: number) => Float32Array | Int32Array)(Math.max(2 * this.nums.length, this.len + k));
      grown.set(this.nums);
      this.nums = grown;
    }
    if (typeof v === 'number') this.nums[this.len++] = v;
    else {
      this.nums.set(v, this.len);
      this.len += k;
    }
  }

  take(n: number): FeedArray {
    const dims = [n, ...this.dims];
    if (this.type === 'string') {
      const data = this.strs;
      this.strs = [];
      return { type: 'string', data, dims };
    }
    const nums = this.nums.slice(0, this.len);
    this.len = 0;
    return this.type === 'int64' ? { type: 'int64', data: int64Of(nums as Int32Array), dims } : { type: 'float32', data: nums as Float32Array, dims };
  }
}

const feedType = (f: InputFeature): FeedArray['type'] => (f.kind === 'dense' || f.kind === 'bucketize' ? 'float32' : f.source.kind === 'vocab' ? 'string' : 'int64');

/** A support item's padding (an empty slot of a set). */
const padOf = (f: InputFeature): Sent => (f.kind === 'dense' ? new Array<number>(f.size).fill(0) : feedType(f) === 'string' ? '' : 0);

interface SupportState {
  spec: SupportSpec;
  items: InputFeature[];
  /** Per key: its last `size` rows' sent items and labels, oldest first. */
  recent: Map<string, Array<{ items: Sent[]; label: number }>>;
  feeds: FeedColumn[];
  label: FeedColumn;
  mask: FeedColumn;
}

export interface FeedModel {
  /** The features the graph reads. */
  features: readonly InputFeature[];
  supports?: readonly SupportSpec[];
  /** Every feature of the spec (support items name them). */
  all: readonly InputFeature[];
}

/**
 * Encodes records one at a time into the feeds of a serving graph: `columns` are the columns it
 * reads, `push` takes one record's cells in that order (a row with a problem is not kept), `take`
 * gives the feeds of the rows pushed since the last `take`. Support-set history carries over.
 */
export class FeedEncoder {
  readonly columns: string[];
  n = 0;
  private readonly at = new Map<string, number>();
  private readonly feeds: Map<string, FeedColumn>;
  private readonly supports: SupportState[];

  /** `also`: columns read besides the model's (kept by the caller, e.g. the keys of scored rows). */
  constructor(
    private readonly model: FeedModel,
    also: readonly string[] = [],
  ) {
    const cols = new Set<string>(model.features.map((f) => f.column));
    this.supports = (model.supports ?? []).map((spec) => {
      const items = spec.items.map((name) => {
        const f = model.all.find((x) => x.name === name);
        if (!f) throw new Error(`internal: support item ${name} is not an input feature`);
        return f;
      });
      for (const c of [spec.key, ...labelColumns(spec.label), ...items.map((f) => f.column)]) cols.add(c);
      const lead = [spec.size];
      return {
        spec,
        items,
        recent: new Map(),
        feeds: items.map((f) => new FeedColumn(feedType(f), f.kind === 'dense' ? [...lead, f.size] : lead)),
        label: new FeedColumn('float32', lead),
        mask: new FeedColumn('float32', lead),
      };
    });
    for (const c of also) cols.add(c);
    this.columns = [...cols];
    this.columns.forEach((c, i) => this.at.set(c, i));
    this.feeds = new Map(model.features.map((f) => [f.name, new FeedColumn(feedType(f), featureShape(f))]));
  }

  /** Encode one record (`cells[i]` is column `columns[i]`; undefined: the record lacks it). */
  push(cells: ArrayLike<RawCell>): BadRow | undefined {
    const cell = (c: string): RawCell => cells[this.at.get(c)!];
    const missing = (c: string, what: string) => new BadValue(c, `missing column \`${c}\` (${what})`, 'REC6001');
    let values: Sent[][];
    let sets: Array<{ key: string; items: Sent[]; label: number }>;
    try {
      values = this.model.features.map((f) => {
        const v = cell(f.column);
        if (v === undefined) throw missing(f.column, `feature \`${f.name}\``);
        return sentValues(f, v);
      });
      sets = this.supports.map((s) => {
        const k = cell(s.spec.key);
        if (k === undefined) throw missing(s.spec.key, `the task key of support set \`${s.spec.name}\``);
        const label = evalLabel(s.spec.label, cell);
        if (typeof label !== 'number') throw new BadValue(label.column ?? s.spec.name, `support set \`${s.spec.name}\`: ${label.error}`, label.code);
        const items = s.items.map((f) => {
          const v = cell(f.column);
          if (v === undefined) throw missing(f.column, `feature \`${f.name}\`, an item of support set \`${s.spec.name}\``);
          return sentValues(f, v)[0]!;
        });
        return { key: keyText(k), items, label };
      });
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      return { column: e.column, code: e.code, message: e.message };
    }
    this.model.features.forEach((f, i) => {
      const col = this.feeds.get(f.name)!;
      for (const v of values[i]!) col.push(v);
    });
    this.supports.forEach((s, i) => this.pushSet(s, sets[i]!));
    this.n++;
    return undefined;
  }

  /** The row's set (its key's earlier rows), then the row joins its key's history. */
  private pushSet(s: SupportState, row: { key: string; items: Sent[]; label: number }): void {
    const size = s.spec.size;
    const earlier = row.key === '' ? [] : (s.recent.get(row.key) ?? []);
    for (let j = 0; j < size; j++) {
      const e = earlier[j];
      s.items.forEach((f, k) => s.feeds[k]!.push(e ? e.items[k]! : padOf(f)));
      s.label.push(e ? e.label : 0);
      s.mask.push(e ? 1 : 0);
    }
    if (row.key === '') return;
    const next = [...earlier, { items: row.items, label: row.label }];
    s.recent.set(row.key, next.length > size ? next.slice(1) : next);
  }

  /** The feeds of the rows pushed since the last take. */
  take(): Record<string, FeedArray> {
    const n = this.n;
    this.n = 0;
    const out: Record<string, FeedArray> = Object.create(null);
    for (const [name, col] of this.feeds) out[name] = col.take(n);
    for (const s of this.supports) {
      s.spec.items.forEach((item, k) => (out[supportInput(s.spec.name, item)] = s.feeds[k]!.take(n)));
      out[supportInput(s.spec.name, SUPPORT_LABEL)] = s.label.take(n);
      out[supportInput(s.spec.name, SUPPORT_MASK)] = s.mask.take(n);
    }
    return out;
  }
}

/** The serving feeds of whole rows (in memory); a row with a problem is an Error naming it. */
export function onnxFeeds(model: FeedModel, rows: readonly Row[]): Record<string, FeedArray> {
  const enc = new FeedEncoder(model);
  const cells: RawCell[] = [];
  rows.forEach((row, r) => {
    for (let i = 0; i < enc.columns.length; i++) cells[i] = Object.hasOwn(row, enc.columns[i]!) ? row[enc.columns[i]!] : undefined;
    const bad = enc.push(cells);
    if (bad) throw new Error(`row ${r + 1}: ${bad.message}`);
  });
  return enc.take();
}

/** The feed model of a spec: every input feature, or only those `inputs` names (a graph's inputs). */
export function feedModel(graph: { features: readonly { kind: string }[]; supports?: readonly SupportSpec[] }, inputs?: ReadonlySet<string>): FeedModel {
  const all = graph.features.filter((f): f is InputFeature => f.kind !== 'label');
  return { features: inputs ? all.filter((f) => inputs.has(f.name)) : all, all, ...(graph.supports && graph.supports.length > 0 ? { supports: graph.supports } : {}) };
}

// The host's half of the lookups gathered outside the step graph (ir/passes/host-lookups.ts). Per
// batch and table: the rows its features' ids touch (sparse-tables.ts: distinct, ascending),
// copied out of the weights into `rows:T` with one zero row after them, and each feature's ids
// renumbered into those rows. An id outside the table reads the zero row (the wasm backend's
// lookup gives zeros for it too) and trains nothing. The table's gradient output then holds
// the gathered rows' gradients; `packedGradient` cuts it to the rows an optimizer moves.
import type * as OrtModule from 'onnxruntime-node';
import { int64Of } from '../../data/int64.js';
import type { Dataset } from '../../data/preprocess.js';
import { touchedRows, type SparseTable } from '../sparse-tables.js';

type Feeds = Record<string, OrtModule.Tensor>;

export interface Gathered {
  table: SparseTable;
  rows: string;
  ids: ReadonlyArray<{ feature: string; input: string }>;
}

export class LookupFeeds {
  /** Scratch for touchedRows: zero between calls. */
  private readonly seen: Uint8Array;
  /** Per table, each touched row's position among this batch's rows (stale for other rows). */
  private readonly where = new Map<string, Int32Array>();

  constructor(private readonly gathered: readonly Gathered[]) {
    this.seen = new Uint8Array(Math.max(0, ...gathered.map((g) => g.table.rows)));
    for (const g of gathered) this.where.set(g.table.param, new Int32Array(g.table.rows));
  }

  /** Adds each table's rows and renumbered ids to `feeds`; returns the rows each table touched. */
  add(ort: typeof OrtModule, feeds: Feeds, batch: Dataset, weights: Record<string, { data: Float32Array }>): Map<string, Int32Array> {
    const touched = new Map<string, Int32Array>();
    for (const { table, rows: rowsName, ids } of this.gathered) {
      const rows = touchedRows(table, batch.inputs, this.seen);
      touched.set(table.param, rows);
      const where = this.where.get(table.param)!;
      const w = weights[table.param]!.data;
      const d = table.width;
      const gathered = new Float32Array((rows.length + 1) * d);
      // element by element: a subarray per row would allocate an object per row
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        where[r] = k;
        for (let j = 0; j < d; j++) gathered[k * d + j] = w[r * d + j]!;
      }
      feeds[rowsName] = new ort.Tensor('float32', gathered, [rows.length + 1, d]);
      for (const { feature, input } of ids) {
        const from = batch.inputs[feature]!;
        const local = new Int32Array(from.length);
        for (let i = 0; i < from.length; i++) {
          const r = from[i]!;
          local[i] = r >= 0 && r < table.rows ? where[r]! : rows.length;
        }
        feeds[input] = new ort.Tensor('int64', int64Of(local), [batch.n, ...batch.shapes[feature]!]);
      }
    }
    return touched;
  }
}

/**
 * The part of a gathered table's gradient (one row per touched row, then the zero row's) that an
 * optimizer applies: without the zero row, and without the padding row 0 of a padded table (the
 * first touched row when the batch reads it).
 */
export function packedGradient(rows: Int32Array, g: Float32Array, width: number, padded: boolean): { rows: Int32Array; g: Float32Array } {
  const skip = padded && rows.length > 0 && rows[0] === 0 ? 1 : 0;
  return { rows: rows.subarray(skip), g: g.subarray(skip * width, rows.length * width) };
}

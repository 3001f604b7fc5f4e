// Scoring a data file with a serving graph in onnxruntime, streamed: records are read (any format
// source.ts reads), encoded into the graph's feeds (src/data/onnx-feeds.ts) `batch` rows at a
// time, run, and written out (src/data/write-table.ts) before the next batch is read, so memory
// is one batch (plus, for support sets, each key's last `size` rows), whatever the file's size.
// The output holds the kept columns' text, then one column per task output: a binary task's
// probability, a regression task's value, a multiclass task's class probabilities as
// `<task>_0 … <task>_<C-1>`. Rows with a problem stop the run (the output is not written) unless
// `skipBadRows`; the output is written atomically either way. A LiMAML model is scored by its
// global block, each row reading its meta embedding (meta-feed.ts).
import * as ort from 'onnxruntime-node';
import { encodeFile } from '../data/encode-file.js';
import { neededColumns, type NeededColumn } from '../data/needed-columns.js';
import { feedModel, FeedEncoder } from '../data/onnx-feeds.js';
import { keyText } from '../data/preprocess.js';
import { newReport } from '../data/record.js';
import type { DataError, RawCell } from '../data/row.js';
import type { Format } from '../data/file-format.js';
import { openTable, type ColumnDecl, type TableColumn } from '../data/write-table.js';
import type { IRGraph, TaskSpec } from '../ir/types.js';
import { feedsOf, MetaFeed, type MetaLookup } from './meta-feed.js';
import { ortTensors } from './ort-tensors.js';

export interface ScoreOptions {
  /** The data file, open as `fd` (closed at the end). */
  file: string;
  fd: number;
  out: string;
  format: Format;
  /** Columns copied from each row to the output, before the scores. */
  keep: readonly string[];
  batch: number;
  skipBadRows: boolean;
  /** onnxruntime's intra-op threads (0: its default). */
  threads: number;
  /** Called after each batch with the rows scored so far and the fraction of the file read. */
  onBatch?: (rows: number, fraction: number) => void;
  /** A LiMAML model: `onnx` is its global block, and this gives each row's meta embedding. */
  meta?: MetaLookup;
}

export interface Scored {
  rows: number;
  skipped: number;
  errors: DataError[];
  columns: string[];
  /** A LiMAML model: the rows (and their keys, the empty one aside) scored with the un-adapted meta block. */
  unadapted?: { rows: number; keys: number };
}

/**
 * The output columns of a task: its name, or one per class; none for a next_item task, which
 * scores every item of its table (the serving ONNX's output), not the row.
 */
export function scoreColumns(t: TaskSpec): string[] {
  if (t.kind === 'next_item') return [];
  return t.kind === 'multiclass' ? Array.from({ length: t.classes }, (_, k) => `${t.name}_${k}`) : [t.name];
}

/** Why these output columns cannot be written together (a kept column named like a score), or undefined. */
export function columnClash(keep: readonly string[], tasks: readonly TaskSpec[]): string | undefined {
  const scores = new Set(tasks.flatMap(scoreColumns));
  const seen = new Set<string>();
  for (const k of keep) {
    if (scores.has(k)) return `the kept column \`${k}\` has the name of a score column; keep other columns (--keep)`;
    if (seen.has(k)) return `--keep names \`${k}\` twice`;
    seen.add(k);
  }
  return undefined;
}

export async function scoreFile(graph: IRGraph, onnx: Uint8Array, o: ScoreOptions): Promise<Scored> {
  const options = { ...(o.threads > 0 ? { intraOpNumThreads: o.threads } : {}), interOpNumThreads: 1 };
  const session = await ort.InferenceSession.create(onnx, options);
  const meta = o.meta && (await MetaFeed.create(o.meta, options));
  const model = feedModel(graph, new Set([...session.inputNames, ...(meta?.session.inputNames ?? [])]));
  const enc = new FeedEncoder(model, [...o.keep, ...(o.meta ? [o.meta.key] : [])]);
  const keepAt = o.keep.map((c) => enc.columns.indexOf(c));
  const keyAt = o.meta ? enc.columns.indexOf(o.meta.key) : -1;
  const tasks = graph.tasks.filter((t) => scoreColumns(t).length > 0 && session.outputNames.includes(t.name));
  const decl: ColumnDecl[] = [...o.keep.map((name) => ({ name, kind: 'text' as const })), ...tasks.flatMap((t) => scoreColumns(t).map((name) => ({ name, kind: 'float' as const })))];
  const needed: NeededColumn[] = [
    ...neededColumns({ ...graph, features: model.all.filter((f) => model.features.includes(f) || (graph.supports ?? []).some((s) => s.items.includes(f.name))), tasks: [] }, []),
    ...(o.meta ? [{ column: o.meta.key, by: `the key of meta block \`${o.meta.name}\`` }] : []),
    ...o.keep.map((column) => ({ column, by: 'a kept column (--keep)' })),
  ];
  const report = newReport();
  const table = openTable(o.out, o.format, decl);
  let kept: string[][] = o.keep.map(() => []);
  let rows = 0;
  const run = async () => {
    const n = enc.n;
    if (n === 0) return;
    const feeds = enc.take();
    if (meta && o.meta) feeds[o.meta.name] = await meta.embed(feeds);
    const out = await session.run(ortTensors(feedsOf(session, feeds)));
    const cols: TableColumn[] = o.keep.map((name, k) => ({ name, kind: 'text', values: kept[k]! }));
    for (const t of tasks) {
      const data = out[t.name]!.data as Float32Array;
      const names = scoreColumns(t);
      const width = data.length / n;
      if (width !== names.length) throw new Error(`internal: task ${t.name} gives ${width} values per row, expected ${names.length}`);
      names.forEach((name, c) => cols.push({ name, kind: 'float', values: width === 1 ? data : Float32Array.from({ length: n }, (_, i) => data[i * width + c]!) }));
    }
    table.write(cols);
    kept = o.keep.map(() => []);
    rows += n;
    o.onBatch?.(rows, report.progress?.() ?? 0);
  };
  const scored = (errors: DataError[], columns: string[]): Scored => {
    const missed = meta && { rows: meta.missed.rows, keys: meta.missed.keys.size };
    return { rows, skipped: report.skipped, errors, columns, ...(missed ? { unadapted: missed } : {}) };
  };
  try {
    await encodeFile(o.file, o.fd, { columns: enc.columns, push: (cells: ArrayLike<RawCell>) => enc.push(cells) }, needed, {
      skipBadRows: o.skipBadRows,
      afterRow: (_line, cells) => {
        keepAt.forEach((at, k) => kept[k]!.push(keyText(cells[at])));
        meta?.push(keyText(cells[keyAt]));
        if (enc.n < o.batch) return;
        if (report.errors.length === 0) return run();
        // after an error nothing is written: the rest of the file is only checked
        enc.take();
        meta?.drop();
        kept = o.keep.map(() => []);
      },
    }, report);
    if (report.errors.length === 0) await run();
    if (report.errors.length > 0) {
      table.abort();
      return scored(report.errors, decl.map((d) => d.name));
    }
    if (rows === 0) {
      table.abort();
      return scored([{ file: o.file, row: 0, code: 'REC6004', message: report.skipped > 0 ? `no usable rows (${report.skipped} bad rows skipped)` : 'no rows to score' }], []);
    }
    table.commit();
  } catch (e) {
    table.abort();
    throw e;
  } finally {
    await session.release();
    await meta?.release();
  }
  return scored([], decl.map((d) => d.name));
}

// Where a run's data comes from: `--data FILE`, or the spec's `train { data: … }` (a file relative
// to the spec, read under the file policy like every file a spec names, or a synthetic setting
// generated in memory with the spec's seed). Files are encoded as they are read: no row is kept.
import { dirname, resolve } from 'node:path';
import { encodeFile } from '../data/encode-file.js';
import { checkHeader, keyColumns, neededColumns } from '../data/needed-columns.js';
import { emptyDataset, preprocess, RowEncoder, type Dataset } from '../data/preprocess.js';
import { newReport } from '../data/record.js';
import { formatDataError, type DataError } from '../data/row.js';
import { settingAt, SYNTH } from '../data/synth/index.js';
import { synthRowsRefusal } from '../data/synth/max-rows.js';
import { filePolicy, isRefusal, openChecked, reachOf, type FilePolicy } from '../io/file-policy.js';
import type { IRGraph } from '../ir/types.js';

export { formatDataError };

export interface Loaded {
  dataset: Dataset;
  source: string;
  skipped: number;
  errors: DataError[];
}

export interface LoadOptions {
  data?: string;
  rows?: number;
  skipBadRows: boolean;
  seed: number;
  /** What the spec's `data:` may name (src/io/file-policy.ts); `--data` is the user's own choice. */
  files?: FilePolicy;
}

/** The data file of a run and the trees it may be in (undefined: anywhere, the user named it). */
export function dataFile(graph: IRGraph, opts: Pick<LoadOptions, 'data' | 'files'>): { file: string; reach?: string[] } | undefined {
  if (opts.data) return { file: resolve(opts.data) };
  const spec = graph.train.data;
  if (spec?.kind !== 'file') return undefined;
  return { file: resolve(dirname(graph.file), spec.path), reach: reachOf(opts.files ?? filePolicy(), graph.file) };
}

const fileError = (file: string, code: DataError['code'], message: string): DataError => ({ file, row: 0, code, message });

export async function loadData(graph: IRGraph, opts: LoadOptions): Promise<Loaded> {
  const keys = keyColumns(graph);
  const spec = graph.train.data;
  if (!opts.data && spec?.kind === 'synth') {
    const setting = settingAt(spec.setting, spec.options.version);
    if ('error' in setting) {
      const code = Object.hasOwn(SYNTH, spec.setting) ? 'REC6020' : 'REC6004';
      return { dataset: emptyDataset(), source: `synth(${spec.setting})`, skipped: 0, errors: [fileError(graph.file, code, setting.error)] };
    }
    // Its columns are known before any row is made: a column the model reads that it lacks is one
    // error, as a file's header would give, not one per row.
    const source = `synth(${spec.setting})`;
    const missing = checkHeader(neededColumns(graph, keys), setting.columns, source, 0, source);
    if (missing.length > 0) return { dataset: emptyDataset(), source, skipped: 0, errors: missing };
    const count = opts.rows ?? spec.options.rows ?? 100_000;
    const tooMany = synthRowsRefusal(spec.setting, count, opts.rows !== undefined ? `--rows ${opts.rows}` : `\`rows: ${count}\``);
    if (tooMany) return { dataset: emptyDataset(), source, skipped: 0, errors: [fileError(opts.rows !== undefined ? source : graph.file, 'REC6013', tooMany)] };
    // every option of `synth(setting, …)` reaches the generator (users, items, …)
    const rows = setting.generate({ ...spec.options, seed: spec.options.seed ?? opts.seed, rows: count });
    const r = preprocess(graph, rows.map((row, i) => ({ row, line: i + 1 })), { file: source, keyColumns: keys, skipBadRows: opts.skipBadRows });
    return { dataset: r.dataset, source: `synth(${spec.setting}, rows: ${rows.length})`, skipped: r.skipped, errors: r.errors };
  }
  const where = dataFile(graph, opts);
  if (!where) {
    return { dataset: emptyDataset(), source: '', skipped: 0, errors: [fileError(graph.file, 'REC6004', 'no data: pass --data FILE or set `data:` in the spec\'s train section')] };
  }
  const { file } = where;
  const opened = openChecked(opts.files ?? filePolicy(), file, 'data', where.reach);
  if (isRefusal(opened)) return { dataset: emptyDataset(), source: file, skipped: 0, errors: [fileError(file, opened.code, opened.error)] };
  const enc = new RowEncoder(graph, keys);
  const report = newReport();
  await encodeFile(file, opened.fd, enc, neededColumns(graph, keys), { skipBadRows: opts.skipBadRows, ...(opts.rows !== undefined ? { limit: opts.rows } : {}) }, report);
  if (report.errors.length > 0) return { dataset: emptyDataset(), source: file, skipped: report.skipped, errors: report.errors };
  const dataset = enc.finish();
  const errors: DataError[] = [];
  if (dataset.n === 0) errors.push(fileError(file, 'REC6004', report.skipped > 0 ? `no usable rows: ${report.skipped === 1 ? 'the only row was' : `all ${report.skipped} rows were`} skipped as bad (--skip-bad-rows)` : 'no usable rows'));
  return { dataset, source: file, skipped: report.skipped, errors };
}

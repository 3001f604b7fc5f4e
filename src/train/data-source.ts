// Where a run's data comes from: `--data FILE`, or the spec's `train { data: … }` (a file relative
// to the spec, or a synthetic setting generated in memory with the spec's seed).
import { dirname, resolve } from 'node:path';
import { preprocess, type Dataset } from '../data/preprocess.js';
import type { DataError } from '../data/row.js';
import { readRows } from '../data/read.js';
import { SYNTH } from '../data/synth/index.js';
import type { IRGraph } from '../ir/types.js';

export interface Loaded {
  dataset: Dataset;
  source: string;
  skipped: number;
  errors: DataError[];
}

/** Columns the run needs besides features and labels: split keys, GAUC keys, the group column. */
export function keyColumns(graph: IRGraph): string[] {
  const t = graph.train;
  const cols = new Set<string>();
  if (t.split.kind === 'by_key') cols.add(t.split.key);
  if (t.split.kind === 'chronological') cols.add(t.split.by);
  for (const m of t.metrics) if ('by' in m) cols.add(m.by);
  if (t.groupBy) cols.add(t.groupBy);
  return [...cols];
}

export async function loadData(graph: IRGraph, opts: { data?: string; rows?: number; skipBadRows: boolean; seed: number }): Promise<Loaded> {
  const keys = keyColumns(graph);
  const spec = graph.train.data;
  if (!opts.data && spec?.kind === 'synth') {
    const setting = SYNTH[spec.setting];
    if (!setting) {
      return { dataset: emptyDataset(), source: `synth(${spec.setting})`, skipped: 0, errors: [{ file: graph.file, row: 0, code: 'REC6004', message: `unknown synthetic setting \`${spec.setting}\` (known: ${Object.keys(SYNTH).join(', ')})` }] };
    }
    // every option of `synth(setting, …)` reaches the generator (users, items, …)
    const rows = setting.generate({ ...spec.options, seed: spec.options.seed ?? opts.seed, rows: opts.rows ?? spec.options.rows ?? 100_000 });
    const r = preprocess(graph, rows.map((row, i) => ({ row, line: i + 1 })), { file: `synth(${spec.setting})`, keyColumns: keys, skipBadRows: opts.skipBadRows });
    return { dataset: r.dataset, source: `synth(${spec.setting}, rows: ${rows.length})`, skipped: r.skipped, errors: r.errors };
  }
  const file = opts.data ? resolve(opts.data) : spec?.kind === 'file' ? resolve(dirname(graph.file), spec.path) : undefined;
  if (!file) {
    return { dataset: emptyDataset(), source: '', skipped: 0, errors: [{ file: graph.file, row: 0, code: 'REC6004', message: 'no data: pass --data FILE or set `data:` in the spec\'s train section' }] };
  }
  const read = await readRows(file, { skipBadRows: opts.skipBadRows, limit: opts.rows });
  if (read.errors.length > 0) return { dataset: emptyDataset(), source: file, skipped: read.skipped, errors: read.errors };
  const r = preprocess(graph, read.rows, { file, keyColumns: keys, skipBadRows: opts.skipBadRows });
  const errors = r.errors;
  if (errors.length === 0 && r.dataset.n === 0) errors.push({ file, row: 0, code: 'REC6004', message: 'no usable rows' });
  return { dataset: r.dataset, source: file, skipped: read.skipped + r.skipped, errors };
}

function emptyDataset(): Dataset {
  return { n: 0, inputs: {}, shapes: {}, labels: {}, keys: {} };
}

export function formatDataError(e: DataError): string {
  return `${e.file}:${e.row}${e.column ? ` (column ${e.column})` : ''}: error[${e.code}]: ${e.message}`;
}

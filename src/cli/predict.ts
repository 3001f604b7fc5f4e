// `recc predict SPEC --weights W --data FILE -o OUT`: score a data file with the serving graph in
// onnxruntime, streamed in batches with a progress bar, into a CSV, TSV, JSON Lines or Parquet
// file (by OUT's extension): the kept columns (`--keep`, by default the spec's key columns), then
// one column per task output (src/predict/score-file.ts). A LiMAML model is scored as it serves: its
// global block, each row reading its key's meta embedding from `--meta` (what `recc meta-embed`
// writes), a key without one embedded by the un-adapted meta block.
import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { keyColumns } from '../data/needed-columns.js';
import { formatDataError } from '../data/row.js';
import { outputFormat } from '../data/write-table.js';
import { isRefusal, openChecked } from '../io/file-policy.js';
import { refuseOutputOverInput } from '../io/output-path.js';
import { GLOBAL_ENTRY } from '../ir/meta.js';
import { limamlProgram, UNADAPTED_ENTRY } from '../ir/passes/limaml.js';
import { servingGraph } from '../ir/plan.js';
import { lowerToOnnx } from '../lower/onnx/lower.js';
import { readMetaTable } from '../predict/meta-table.js';
import { columnClash, scoreColumns, scoreFile } from '../predict/score-file.js';
import { newReport } from '../data/record.js';
import { dataFile } from '../train/data-source.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { specInputs } from './spec-inputs.js';
import { nonNegativeInt, positiveInt } from './int-option.js';
import { VERSION } from './version.js';
import { readWeights } from './weights.js';

export interface PredictCliOptions {
  allowPath?: string[];
  weights: string;
  data?: string;
  meta?: string;
  out: string;
  keep?: string;
  batch: number;
  threads: number;
  skipBadRows: boolean;
}

export const DEFAULT_BATCH = 4096;

export async function runPredict(file: string, o: PredictCliOptions): Promise<number> {
  const fail = (line: string) => {
    process.stderr.write(`${line}\n`);
    return 1;
  };
  const out = resolve(o.out);
  const format = outputFormat(out);
  if ('error' in format) return fail(`${o.out}: error[REC6010]: ${format.error}`);
  const spec = loadSpec(file, policyOf(o));
  if (!spec) return 1;
  const m = spec.meta;
  if (o.meta !== undefined && !m) return fail(`error: --meta: ${spec.model} has no meta_block, so it reads no meta embeddings`);
  if (m && o.meta === undefined) {
    return fail(
      `error: ${spec.model} serves its global block, which reads the meta embedding \`${m.name}\` of each \`${m.key}\`: pass --meta FILE, the output of \`recc meta-embed\` (a key it lacks is embedded by the un-adapted meta block)`,
    );
  }
  // LiMAML: the global block, and the meta block un-adapted for keys without an embedding
  const program = m && limamlProgram(spec, m.steps);
  const graph = servingGraph(program ?? spec);
  const weights = readWeights(spec, o.weights);
  if ('error' in weights) return fail(`${weights.error}`);
  // next_item tasks score every item of a table, not the row: left out, and said
  const ranked = graph.tasks.filter((t) => scoreColumns(t).length === 0).map((t) => `\`${t.name}\``);
  const itemsOnly = `next_item, which score${ranked.length === 1 ? 's' : ''} every item of a table: the ONNX file of \`recc compile\` serves that distribution`;
  if (ranked.length === graph.tasks.length) return fail(`error: ${spec.model}'s serving task${ranked.length === 1 ? ' is' : 's are'} ${ranked.join(', ')}, ${itemsOnly}; recc predict writes one score per row and task`);
  if (ranked.length > 0) process.stderr.write(`note: ${ranked.join(', ')} ${ranked.length === 1 ? 'is' : 'are'} ${itemsOnly}; not written\n`);
  // By default the key columns, less one a task's scores are named like (a task `is_new` beside
  // `group_by: is_new`): said, not refused, since the user asked for no column.
  const scores = new Set(graph.tasks.flatMap(scoreColumns));
  const keys = o.keep === undefined ? keyColumns(graph) : [];
  for (const c of keys.filter((k) => scores.has(k))) {
    process.stderr.write(`note: the key column \`${c}\` is not copied to the output: a score column has its name (choose the columns with --keep)\n`);
  }
  const keep = o.keep === undefined ? keys.filter((c) => !scores.has(c)) : o.keep.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const clash = columnClash(keep, graph.tasks);
  if (clash) return fail(`error: ${clash}`);
  const where = dataFile(graph, { data: o.data, files: policyOf(o) });
  if (!where) return fail('error[REC6004]: no data: pass --data FILE (or set `data:` to a file in the spec\'s train section)');
  const opened = openChecked(policyOf(o), where.file, 'data', where.reach);
  if (isRefusal(opened)) return fail(`${where.file}: error[${opened.code}]: ${opened.error}`);
  // Before a row is read: the output replaces its file at the end, so -o the --data file would
  // leave the scores where the data was. Compared as files (the descriptor read from), not names.
  const over = refuseOutputOverInput(out, `-o ${o.out}`, [
    { stats: opened.stats, role: o.data !== undefined ? 'the --data file' : `the spec's data file ${displayPath(where.file)}` },
    { path: o.weights, role: 'the --weights file' },
    ...(o.meta !== undefined ? [{ path: o.meta, role: 'the --meta file' }] : []),
    ...specInputs(spec).map((path) => ({ path, role: `the spec's input ${displayPath(path)}` })),
  ]);
  if (over) {
    closeSync(opened.fd);
    return fail(`error[REC6009]: ${over}`);
  }
  const onnxMeta = { reccVersion: VERSION, extra: { 'recc.weights': `weights from ${o.weights}` } };
  const onnx = program ? lowerToOnnx(program, weights, onnxMeta, GLOBAL_ENTRY) : lowerToOnnx(spec, weights, onnxMeta);
  let lookup;
  if (program && m && o.meta !== undefined) {
    const table = openChecked(policyOf(o), o.meta, 'data');
    if (isRefusal(table)) {
      closeSync(opened.fd);
      return fail(`${o.meta}: error[${table.code}]: ${table.error}`);
    }
    const report = newReport();
    const dim = program.nodes[m.embedding]!.shape[1] as number;
    const vectors = await readMetaTable(o.meta, table.fd, { name: m.name, key: m.key, dim }, report);
    if (report.errors.length > 0) {
      closeSync(opened.fd);
      for (const e of report.errors) process.stderr.write(`${formatDataError(e)}\n`);
      return fail(`nothing written to ${displayPath(out)}`);
    }
    lookup = { name: m.name, key: m.key, dim, vectors, unadapted: lowerToOnnx(program, weights, onnxMeta, UNADAPTED_ENTRY) };
  }

  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastLine = started;
  const bar = tty ? new cliProgress.SingleBar({ format: 'scoring [{bar}] {percentage}% | {rows} rows | {speed} rows/s | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(1000, 0, { rows: 0, speed: '-' });
  const onBatch = (rows: number, fraction: number) => {
    const speed = Math.round(rows / Math.max(1e-3, (Date.now() - started) / 1000));
    bar?.update(Math.round(fraction * 1000), { rows, speed });
    if (!bar && Date.now() - lastLine > 10_000) {
      process.stderr.write(`scoring: ${rows} rows (${Math.round(fraction * 100)}% of the file), ${speed} rows/s\n`);
      lastLine = Date.now();
    }
  };
  let r;
  try {
    r = await scoreFile(graph, onnx, { file: where.file, fd: opened.fd, out, format: format.format, keep, batch: o.batch, skipBadRows: o.skipBadRows, threads: o.threads, onBatch, ...(lookup ? { meta: lookup } : {}) });
  } finally {
    bar?.stop();
  }
  if (r.errors.length > 0) {
    for (const e of r.errors) process.stderr.write(`${formatDataError(e)}\n`);
    const rowLevel = r.errors.some((e) => e.row > 0 && e.code !== 'REC6001');
    return fail(`nothing written to ${displayPath(out)}${rowLevel && !o.skipBadRows ? ' (--skip-bad-rows skips and counts malformed rows)' : ''}`);
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`wrote ${displayPath(out)}: ${r.rows} rows${r.skipped ? ` (${r.skipped} bad rows skipped)` : ''}, columns ${r.columns.join(', ')} (${Math.round(r.rows / Math.max(seconds, 1e-3))} rows/s)\n`);
  if (lookup && r.unadapted) {
    const { rows, keys } = r.unadapted;
    const plural = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
    process.stdout.write(
      rows === 0
        ? `  every row read its key's meta embedding from ${displayPath(o.meta!)} (${plural(lookup.vectors.size, 'key')})\n`
        : `  ${plural(rows, 'row')} of ${plural(keys, 'key')} not in ${displayPath(o.meta!)} (or of no key) embedded by the un-adapted meta block\n`,
    );
  }
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('predict')
      .description('score a data file with trained weights (the serving ONNX graph in onnxruntime), streamed')
      .argument('<spec>', '.rec file')
      .requiredOption('--weights <file>', 'weights (model.safetensors or checkpoint.safetensors)')
      .requiredOption('-o, --out <file>', 'output: .csv, .tsv, .jsonl or .parquet')
      .option('--data <file>', 'CSV, TSV, JSON Lines or Parquet (default: the spec\'s data file)')
      .option('--meta <file>', 'a model with a meta_block: the meta embeddings by key, as `recc meta-embed` writes them')
      .option('--keep <columns>', 'comma-separated columns copied to the output before the scores (default: the spec\'s key columns; "" for none)')
      .option('--batch <rows>', `rows scored at a time (default ${DEFAULT_BATCH})`, positiveInt, DEFAULT_BATCH)
      .option('--threads <n>', 'onnxruntime threads (default 0: all cores)', nonNegativeInt, 0)
      .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping', false),
  ).action(async (spec: string, o: PredictCliOptions) => setCode(await runPredict(spec, o)));
}

// `recc meta-embed SPEC --weights W --data FILE -o OUT.csv`: LiMAML's daily job (Alg. 2b). For
// every task (the rows sharing the meta block's key): k SGD steps (default the spec's inner steps)
// of the meta block on the task's rows (the most recent --recent of them, all by default), then
// the meta block on its latest row: one vector per key, what global.onnx reads as its input named
// after the meta block. The same computation as meta.onnx (the IR entry of ir/passes/limaml.ts).
//
// Behaviour on awkward input, documented:
// - rows are grouped by key whatever their order (a stable grouping: "sorting" by key), and each
//   task's rows keep the file's order, which is taken as time order (latest = last in the file);
// - a row whose key is empty belongs to no task: skipped, and counted in the summary;
// - a task of one row adapts on that row and embeds it;
// - a missing key, feature or label column is an error naming the column and the file's columns;
// - --shard i/n keeps the keys with hashBucket(key, n) = i + 1 (FNV-1a, the features' hash), so
//   n jobs with i = 0 … n−1 cover every key once;
// - the file is written atomically: a killed job leaves no partial OUT, and a rerun writes it whole;
// - OUT's extension chooses CSV, TSV, JSON Lines or Parquet (data/write-table.ts); the embedding
//   is one text column of numbers separated by spaces in each, as a `dense(d)` feature reads it.
//
// The data is streamed, so memory does not grow with the file, in two passes:
// 1. The file's records are read once (data/encode-file.ts, the reader and checks of `recc train`
//    and `recc predict`) and each is encoded, as the loader would, only to check it: a bad row or
//    missing column is the same one-line error with file, line and column, and nothing is
//    embedded. Each good record of a key of this shard has its raw cells spilled, in file order,
//    to one of B bucket files, hashBucket(key, B) (data/key-spill.ts), in a temporary directory
//    beside OUT; B = ⌈file size / --bucket-mb⌉ (at least 1), so a bucket holds about that much
//    of the file (more for a compressed Parquet file) and every row of a key is in one bucket.
// 2. Bucket by bucket: its records are encoded again (the same RowEncoder, so the same numbers as
//    when the whole file was loaded), grouped by key, each key embedded, and the bucket's rows
//    appended to OUT. Memory is one bucket's encoded rows (at least the largest key's rows).
// OUT lists its keys bucket by bucket (ascending), sorted within each bucket: not sorted overall.
// The temporary directory is removed when the job ends, whether it succeeds or fails; one left by
// a killed job is removed by the next run writing beside the same OUT (io/atomic-write.ts).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { closeSync, fstatSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import { encodeFile } from '../data/encode-file.js';
import { hashBucket } from '../data/hash.js';
import { bucketCount, KeySpill } from '../data/key-spill.js';
import { keyColumns, neededColumns } from '../data/needed-columns.js';
import { keyText, RowEncoder, slice } from '../data/preprocess.js';
import { newReport } from '../data/record.js';
import { formatDataError, type DataError } from '../data/row.js';
import { openTable, outputFormat, type TableWriter } from '../data/write-table.js';
import { isRefusal, openChecked } from '../io/file-policy.js';
import { refuseOutputOverInput } from '../io/output-path.js';
import { makeTempDir, removeStaleTemps } from '../io/atomic-write.js';
import type { IRGraph } from '../ir/types.js';
import type { BackendName } from '../lower/tfjs/backend.js';
import { dataFile } from '../train/data-source.js';
import { embedTask, groupByKey, metaRunner, type MetaRunner } from '../train/meta-embed.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { specInputs } from './spec-inputs.js';
import { nonNegativeInt, positiveInt } from './int-option.js';
import { BACKENDS } from './train.js';
import { startBackend } from './inference.js';
import { signalStatus, STOP_SIGNALS } from './stop-signals.js';

export interface MetaEmbedOptions {
  allowPath?: string[];
  weights: string;
  data: string;
  out: string;
  steps?: number;
  recent?: number;
  shard?: { index: number; count: number };
  /** Spill bucket size in MB (default DEFAULT_BUCKET_MB). */
  bucketMb?: number;
  backend: BackendName;
  progress: boolean;
}

export const DEFAULT_BUCKET_MB = 64;

/** `i/n` with 0 ≤ i < n. */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count)) throw new InvalidArgumentError('expected i/n with 0 ≤ i < n, e.g. 0/4');
  return { index, count };
}

/** Float32 values as the shortest decimal text that reads back to the same float32. */
function float32Text(x: number): string {
  for (let p = 6; p < 10; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

type Graph = IRGraph & { meta: NonNullable<IRGraph['meta']> };

interface Spilled {
  /** Good rows in the file (keyless ones and other shards' too). */
  rows: number;
  unkeyed: number;
  /** Rows of keys of other shards, passed over. */
  otherShards: number;
  errors: DataError[];
}

/**
 * Pass 1: every record of the file (open as `fd`, closed at the end) encoded as the loader
 * encodes it, to check it, then taken back from the encoder; the raw cells of the good records of
 * this shard's keys spilled. After an error nothing more is spilled: the rest is only checked.
 */
async function spillByKey(graph: Graph, file: string, fd: number, spill: KeySpill, shard: MetaEmbedOptions['shard'], tty: boolean): Promise<Spilled> {
  const keys = keyColumns(graph);
  const enc = new RowEncoder(graph, keys);
  const keyAt = enc.columns.indexOf(graph.meta.key);
  const report = newReport();
  const counts = { unkeyed: 0, otherShards: 0 };
  let seen = 0;
  const rows = await encodeFile(file, fd, enc, neededColumns(graph, keys), {
    skipBadRows: false,
    afterRow: (_line, cells) => {
      enc.pop(); // checked: the row is kept on disk, not in memory
      if (tty && ++seen % 65_536 === 0) process.stderr.write(`\rmeta-embed reading ${displayPath(file)}: ${Math.round((report.progress?.() ?? 0) * 100)}%   `);
      if (report.errors.length > 0) return;
      const key = keyText(cells[keyAt]);
      if (key === '') counts.unkeyed++;
      else if (shard && hashBucket(key, shard.count) !== shard.index + 1) counts.otherShards++;
      else spill.add(key, cells);
    },
  }, report);
  spill.flush();
  const errors = [...report.errors];
  if (errors.length === 0 && rows === 0) errors.push({ file, row: 0, code: 'REC6004', message: 'no usable rows' });
  return { rows, ...counts, errors };
}

interface Embedder {
  tf: typeof tfc;
  runner: MetaRunner;
  params: Record<string, tfc.Tensor>;
  recent?: number;
  /** Called after each key embedded, with the keys done so far. */
  onKey: (done: number) => void;
}

/** Pass 2, one bucket: its records encoded again, each key embedded (keys sorted), the rows appended to `table`; returns the keys. */
async function embedBucket(graph: Graph, spill: KeySpill, bucket: number, e: Embedder, table: TableWriter, done: number): Promise<number> {
  const enc = new RowEncoder(graph, keyColumns(graph));
  for await (const cells of spill.records(bucket)) {
    const bad = enc.push(cells);
    // the same cells passed the same encoder in pass 1
    if (bad) throw new Error(`internal: meta-embed: a spilled row no longer encodes: ${bad.message}`);
  }
  const ds = enc.finish();
  const groups = groupByKey(ds.keys[graph.meta.key]!);
  const keys = [...groups.keys()].sort();
  const vectors = keys.map((k, i) => {
    const rows = groups.get(k)!;
    const v = embedTask(e.tf, e.runner, e.params, slice(ds, e.recent ? rows.slice(-e.recent) : rows));
    e.onKey(done + i + 1);
    return Array.from(v, float32Text).join(' ');
  });
  table.write([
    { name: graph.meta.key, kind: 'text', values: keys },
    { name: graph.meta.name, kind: 'text', values: vectors },
  ]);
  return keys.length;
}

/** Every bucket through embedBucket into `table`; returns the keys embedded. */
async function embedAll(graph: Graph, spill: KeySpill, e: Omit<Embedder, 'onKey'>, table: TableWriter, tty: boolean): Promise<number> {
  const buckets = spill.nonEmpty();
  const started = performance.now();
  let done = 0;
  for (const [i, b] of buckets.entries()) {
    const onKey = (n: number) => {
      if (!tty || n % 50 !== 1) return;
      const rate = n / Math.max((performance.now() - started) / 1000, 1e-9);
      process.stderr.write(`\rmeta-embed ${n} keys, bucket ${i + 1}/${buckets.length} (${rate.toFixed(0)} keys/s)   `);
    };
    done += await embedBucket(graph, spill, b, { ...e, onKey }, table, done);
  }
  return done;
}

export async function runMetaEmbed(file: string, o: MetaEmbedOptions): Promise<number> {
  const fail = (line: string) => {
    process.stderr.write(`${line}\n`);
    return 1;
  };
  const spec = loadSpec(file, policyOf(o));
  if (!spec) return 1;
  const meta = spec.meta;
  if (!meta) return fail(`error: model ${spec.model} has no \`meta_block\`: nothing to embed`);
  const graph: Graph = { ...spec, meta };
  const format = outputFormat(o.out);
  if ('error' in format) return fail(`error: ${format.error}`);
  const started = await startBackend(graph, o);
  if (!started) return 1;
  const { tf, weights } = started;
  const steps = o.steps ?? meta.steps;
  const runner = metaRunner(tf, graph, steps);
  const where = dataFile(graph, { data: o.data, files: policyOf(o) })!;
  const opened = openChecked(policyOf(o), where.file, 'data', where.reach);
  if (isRefusal(opened)) return fail(formatDataError({ file: where.file, row: 0, code: opened.code, message: opened.error }));

  const out = resolve(o.out);
  // as `recc predict`: OUT replaces its file at the end, so -o the --data file would leave the
  // embeddings where the data was, and -o a vocabulary would break the spec (compared as files,
  // the data by the descriptor read from)
  const over = refuseOutputOverInput(out, `-o ${o.out}`, [
    { stats: opened.stats, role: o.data !== undefined ? 'the --data file' : `the spec's data file ${displayPath(where.file)}` },
    { path: o.weights, role: 'the --weights file' },
    ...specInputs(spec).map((path) => ({ path, role: `the spec's input ${displayPath(path)}` })),
  ]);
  if (over) {
    closeSync(opened.fd);
    return fail(`error[REC6009]: ${over}`);
  }
  removeStaleTemps(dirname(out)); // with the spill directories of killed runs
  const buckets = bucketCount(fstatSync(opened.fd).size, (o.bucketMb ?? DEFAULT_BUCKET_MB) * 2 ** 20);
  let dir: string;
  try {
    dir = makeTempDir(out);
  } catch (e) {
    closeSync(opened.fd);
    throw e;
  }
  const spill = new KeySpill(dir, buckets);
  const params = Object.fromEntries(graph.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
  const tty = o.progress && process.stderr.isTTY;
  let spilled: Spilled;
  let keys: number;
  // Ctrl-C or SIGTERM: the spill directory and the half-written table go at once, and the
  // output stays as it was (the next run into another directory would never sweep them)
  let table: TableWriter | undefined;
  const stop = (signal: NodeJS.Signals) => {
    table?.abort();
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`${tty ? '\n' : ''}${signal}: stopped; ${displayPath(o.out)} was not written\n`);
    process.exit(signalStatus(signal));
  };
  for (const s of STOP_SIGNALS) process.on(s, stop);
  try {
    spilled = await spillByKey(graph, where.file, opened.fd, spill, o.shard, tty);
    if (spilled.errors.length > 0) {
      for (const e of spilled.errors) process.stderr.write(`${formatDataError(e)}\n`);
      return 1;
    }
    table = openTable(o.out, format.format, [{ name: meta.key, kind: 'text' }, { name: meta.name, kind: 'text' }], 'recc meta-embed');
    try {
      keys = await embedAll(graph, spill, { tf, runner, params, ...(o.recent ? { recent: o.recent } : {}) }, table, tty);
      table.commit();
    } catch (e) {
      table.abort();
      throw e;
    }
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, stop);
    for (const t of Object.values(params)) t.dispose();
    rmSync(dir, { recursive: true, force: true });
    if (tty) process.stderr.write('\n');
  }
  const notes = [
    `${steps} step${steps === 1 ? '' : 's'} of lr ${meta.lr}${o.recent ? ` on each key's ${o.recent} most recent rows` : ''}`,
    ...(o.shard ? [`shard ${o.shard.index}/${o.shard.count}: ${spilled.otherShards} row${spilled.otherShards === 1 ? '' : 's'} of other shards' keys passed over`] : []),
    ...(spilled.unkeyed > 0 ? [`${spilled.unkeyed} row${spilled.unkeyed === 1 ? '' : 's'} without a \`${meta.key}\` skipped`] : []),
  ];
  process.stdout.write(`wrote ${displayPath(o.out)}: ${keys} keys × ${runner.dim} (${meta.name}) from ${spilled.rows} rows; ${notes.join('; ')}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('meta-embed')
      .description("LiMAML's daily job: one meta embedding per key (adapt the meta block on the key's rows, embed its latest row), as CSV, TSV, JSON Lines or Parquet; the data is streamed")
      .argument('<spec>', '.rec file with a meta_block')
      .requiredOption('--weights <file>', 'trained weights (safetensors)')
      .requiredOption('--data <file>', "CSV, TSV, JSON Lines or Parquet file: the tasks' recent rows (features, labels, key), oldest first")
      .requiredOption('-o, --out <file>', 'file to write (.csv, .tsv, .jsonl or .parquet): the key column and the embedding (numbers separated by spaces, a dense feature)')
      .option('--steps <k>', "inner SGD steps (default: the meta block's `inner { steps }`)", nonNegativeInt)
      .option('--recent <n>', "adapt on each key's n most recent rows only (default: all)", positiveInt)
      .option('--shard <i/n>', 'embed only the keys of shard i of n (by hash of the key)', parseShard)
      .option('--bucket-mb <n>', 'spill bucket size in MB: the rows are spilled by key to ⌈file size / n⌉ temporary files beside OUT, then embedded one file at a time', positiveNumber, DEFAULT_BUCKET_MB)
      .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
      .option('--no-progress', 'no progress line'),
  ).action(async (spec: string, o: MetaEmbedOptions) => setCode(await runMetaEmbed(spec, o)));
}

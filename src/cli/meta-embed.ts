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
// The job reads the data file into memory (encoded columns), like `recc train`.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { slice } from '../data/preprocess.js';
import { hashBucket } from '../data/hash.js';
import { openTable, outputFormat } from '../data/write-table.js';
import { removeStaleTemps } from '../io/atomic-write.js';
import type { BackendName } from '../lower/tfjs/backend.js';
import { embedTask, groupByKey, metaRunner } from '../train/meta-embed.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { BACKENDS, positiveInt } from './train.js';
import { startInference } from './inference.js';

export interface MetaEmbedOptions {
  allowPath?: string[];
  weights: string;
  data: string;
  out: string;
  steps?: number;
  recent?: number;
  shard?: { index: number; count: number };
  backend: BackendName;
  progress: boolean;
}

/** `i/n` with 0 ≤ i < n. */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count)) throw new InvalidArgumentError('expected i/n with 0 ≤ i < n, e.g. 0/4');
  return { index, count };
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

/** Float32 values as the shortest decimal text that reads back to the same float32. */
function float32Text(x: number): string {
  for (let p = 6; p < 10; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

export async function runMetaEmbed(file: string, o: MetaEmbedOptions): Promise<number> {
  const graph = loadSpec(file, policyOf(o));
  if (!graph) return 1;
  const meta = graph.meta;
  if (!meta) {
    process.stderr.write(`error: model ${graph.model} has no \`meta_block\`: nothing to embed\n`);
    return 1;
  }
  const format = outputFormat(o.out);
  if ('error' in format) {
    process.stderr.write(`error: ${format.error}\n`);
    return 1;
  }
  const run = await startInference(graph, { ...o, skipBadRows: false, files: policyOf(o) });
  if (!run) return 1;
  const { tf, weights } = run;
  const ds = run.data.dataset;
  const keys = ds.keys[meta.key]!;
  const groups = groupByKey(keys);
  const unkeyed = groups.get('')?.length ?? 0;
  groups.delete('');
  const mine = [...groups.keys()].filter((k) => !o.shard || hashBucket(k, o.shard.count) === o.shard.index + 1).sort();
  const steps = o.steps ?? meta.steps;
  const runner = metaRunner(tf, graph, steps);
  const params = Object.fromEntries(graph.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
  const out: string[][] = [];
  const started = performance.now();
  const tty = o.progress && process.stderr.isTTY;
  try {
    mine.forEach((k, i) => {
      const rows = groups.get(k)!;
      const recent = o.recent ? rows.slice(-o.recent) : rows;
      const e = embedTask(tf, runner, params, slice(ds, recent));
      out.push([k, Array.from(e, float32Text).join(' ')]);
      if (tty && (i % 50 === 0 || i === mine.length - 1)) {
        const rate = (i + 1) / Math.max((performance.now() - started) / 1000, 1e-9);
        process.stderr.write(`\rmeta-embed ${i + 1}/${mine.length} keys (${rate.toFixed(0)} keys/s)   `);
      }
    });
  } finally {
    for (const t of Object.values(params)) t.dispose();
    if (tty) process.stderr.write('\n');
  }
  removeStaleTemps(dirname(resolve(o.out)));
  const table = openTable(o.out, format.format, [{ name: meta.key, kind: 'text' }, { name: meta.name, kind: 'text' }], 'recc meta-embed');
  try {
    table.write([
      { name: meta.key, kind: 'text', values: out.map((r) => r[0]!) },
      { name: meta.name, kind: 'text', values: out.map((r) => r[1]!) },
    ]);
    table.commit();
  } catch (e) {
    table.abort();
    throw e;
  }
  const notes = [
    `${steps} step${steps === 1 ? '' : 's'} of lr ${meta.lr}${o.recent ? ` on each key's ${o.recent} most recent rows` : ''}`,
    ...(o.shard ? [`shard ${o.shard.index}/${o.shard.count}: ${mine.length} of ${groups.size} keys`] : []),
    ...(unkeyed > 0 ? [`${unkeyed} row${unkeyed === 1 ? '' : 's'} without a \`${meta.key}\` skipped`] : []),
  ];
  process.stdout.write(`wrote ${displayPath(o.out)}: ${mine.length} keys × ${runner.dim} (${meta.name}) from ${ds.n} rows; ${notes.join('; ')}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('meta-embed')
      .description("LiMAML's daily job: one meta embedding per key (adapt the meta block on the key's rows, embed its latest row), as CSV, TSV, JSON Lines or Parquet")
      .argument('<spec>', '.rec file with a meta_block')
      .requiredOption('--weights <file>', 'trained weights (safetensors)')
      .requiredOption('--data <file>', "CSV, TSV or JSON Lines file: the tasks' recent rows (features, labels, key), oldest first")
      .requiredOption('-o, --out <file>', 'file to write (.csv, .tsv, .jsonl or .parquet): the key column and the embedding (numbers separated by spaces, a dense feature)')
      .option('--steps <k>', "inner SGD steps (default: the meta block's `inner { steps }`)", nonNegativeInt)
      .option('--recent <n>', "adapt on each key's n most recent rows only (default: all)", positiveInt)
      .option('--shard <i/n>', 'embed only the keys of shard i of n (by hash of the key)', parseShard)
      .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
      .option('--no-progress', 'no progress line'),
  ).action(async (spec: string, o: MetaEmbedOptions) => setCode(await runMetaEmbed(spec, o)));
}

// `recc eval SPEC --weights W --data D`: the metrics of trained weights on data, per task and per
// group (the spec's `group_by`), as a table or JSON. A model with a meta block is evaluated as it
// trains (LiMAML §6.1): each task's rows in data order, the first `support_fraction` adapting its
// meta embedding, the rest scored, sliced by tasks with fewer / 25 or more samples.
import { Option, type Command } from 'commander';
import { servingGraph } from '../ir/plan.js';
import type { BackendName } from '../lower/tfjs/backend.js';
import { evaluate, evaluationForward, formatEvaluation, predict } from '../train/evaluate.js';
import { metaPredict, metaRunner } from '../train/meta-embed.js';
import { keylessRows, splitTestTasks, TASK_SLICE } from '../train/task-split.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { loadSpec } from './spec.js';
import { startInference } from './inference.js';
import { positiveInt } from './int-option.js';
import { BACKENDS } from './train.js';

export interface EvalCliOptions {
  /** `--allow-path`: trees the spec may read besides its own. */
  allowPath?: string[];
  weights: string;
  data?: string;
  json: boolean;
  backend: BackendName;
  rows?: number;
  skipBadRows: boolean;
}

export async function runEval(file: string, o: EvalCliOptions): Promise<number> {
  const spec = loadSpec(file, policyOf(o));
  if (!spec) return 1;
  // the serving entry's tasks, with the last stage's settings (data, metrics)
  const graph = servingGraph(spec);
  const run = await startInference(graph, { ...o, files: policyOf(o) });
  if (!run) return 1;
  const { tf, weights, data: loaded } = run;
  const params = Object.fromEntries(graph.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
  let e;
  if (graph.meta) {
    const all = Int32Array.from({ length: loaded.dataset.n }, (_, i) => i);
    const { support, query, keyless } = splitTestTasks(loaded.dataset, graph.meta.key, all, graph.meta.support);
    if (keyless > 0) process.stderr.write(`note: ${keylessRows(keyless, graph.meta.key)}, and not scored\n`);
    const p = metaPredict(tf, metaRunner(tf, graph, graph.meta.steps), metaRunner(tf, graph, 0), params, support, query);
    e = evaluate({ ...graph, train: { ...graph.train, groupBy: graph.train.groupBy ?? TASK_SLICE } }, p, query);
  } else {
    // next_item tasks are scored from their per-row loss, as training scores them
    const { forward, instead } = evaluationForward(tf, graph);
    e = evaluate(graph, predict(tf, forward, params, loaded.dataset, 4096, instead), loaded.dataset);
  }
  for (const t of Object.values(params)) t.dispose();
  if (o.json) process.stdout.write(`${JSON.stringify({ data: loaded.source, rows: loaded.dataset.n, skipped: loaded.skipped, ...e }, null, 2)}\n`);
  else process.stdout.write(`${loaded.source}: ${loaded.dataset.n} rows${loaded.skipped ? ` (${loaded.skipped} bad rows skipped)` : ''}\n${formatEvaluation(e)}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('eval')
      .description('evaluate trained weights on data: metrics per task and per group')
      .argument('<spec>', '.rec file')
      .requiredOption('--weights <file>', 'weights (model.safetensors or checkpoint.safetensors)')
      .option('--data <file>', 'CSV, TSV, JSON Lines or Parquet (default: the spec\'s data)')
      .option('--rows <n>', 'at most this many rows', positiveInt)
      .option('--json', 'print JSON', false)
      .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping', false)
      .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto')),
  ).action(async (spec: string, o: EvalCliOptions) => setCode(await runEval(spec, o)));
}

// `recc eval SPEC --weights W --data D`: the metrics table of trained weights on data.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkWeights, decodeSafetensors } from '../io/safetensors.js';
import { buildForward } from '../lower/tfjs/forward.js';
import { initBackend, type BackendName } from '../lower/tfjs/backend.js';
import { formatDataError, loadData } from '../train/data-source.js';
import { evaluate, formatEvaluation, predict } from '../train/evaluate.js';
import { loadSpec } from './spec.js';

export async function runEval(file: string, o: { weights: string; data?: string; json: boolean; backend: BackendName; rows?: number }): Promise<number> {
  const graph = loadSpec(file);
  if (!graph) return 1;
  const r = decodeSafetensors(readFileSync(o.weights));
  if ('error' in r) {
    process.stderr.write(`error[REC6006]: ${o.weights}: ${r.error}\n`);
    return 1;
  }
  const problems = checkWeights(graph.params, Object.fromEntries(Object.entries(r.tensors).filter(([k]) => !k.startsWith('optimizer/'))));
  if (problems.length > 0) {
    process.stderr.write(`error[REC6005]: ${o.weights} does not match the spec:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  const { tf } = await initBackend(o.backend);
  const loaded = await loadData(graph, { data: o.data, rows: o.rows, skipBadRows: false, seed: graph.train.seed });
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) process.stderr.write(`${formatDataError(e)}\n`);
    return 1;
  }
  const params = Object.fromEntries(graph.params.map((p) => [p.name, tf.tensor(r.tensors[p.name]!.data, p.shape)]));
  const e = evaluate(graph, predict(tf, buildForward(tf, graph), params, loaded.dataset), loaded.dataset);
  process.stdout.write(o.json ? `${JSON.stringify(e, null, 2)}\n` : `${formatEvaluation(e)}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('eval')
    .description('evaluate trained weights on data')
    .argument('<spec>', '.rec file')
    .requiredOption('--weights <file>', 'weights (safetensors)')
    .option('--data <file>', 'CSV, TSV or JSON Lines (default: the spec\'s data)')
    .option('--rows <n>', 'at most this many rows', (v) => Number.parseInt(v, 10))
    .option('--json', 'print JSON', false)
    .option('--backend <name>', 'auto | gpu | node | wasm | cpu', 'auto')
    .action(async (spec: string, o: { weights: string; data?: string; json: boolean; backend: BackendName; rows?: number }) => setCode(await runEval(spec, o)));
}

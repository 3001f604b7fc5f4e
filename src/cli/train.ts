// `recc train SPEC`: train on the spec's data (or --data), print metrics per task and group, and
// write the checkpoint, weights, report, loss curve and a serving ONNX file to --out.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic-write.js';
import { lowerToOnnx } from '../lower/onnx/lower.js';
import { BackendUnavailableError, initBackend, type BackendName } from '../lower/tfjs/backend.js';
import { split } from '../data/split.js';
import { saveWeights } from '../train/checkpoint.js';
import { formatDataError, loadData } from '../train/data-source.js';
import { formatEvaluation } from '../train/evaluate.js';
import { lossSvg, reportMarkdown } from '../train/report.js';
import { train, TrainError } from '../train/train.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { VERSION } from './version.js';

export interface TrainCliOptions {
  data?: string;
  out?: string;
  epochs?: number;
  rows?: number;
  backend: BackendName;
  skipBadRows: boolean;
  resume: boolean;
  checkpointEvery: number;
  maxSteps?: number;
}

export async function runTrain(file: string, o: TrainCliOptions): Promise<number> {
  const graph = loadSpec(file);
  if (!graph) return 1;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  let tf;
  let backend: string;
  try {
    ({ tf, backend } = await initBackend(o.backend));
  } catch (e) {
    if (e instanceof BackendUnavailableError) {
      log(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const loaded = await loadData(graph, { data: o.data, rows: o.rows, skipBadRows: o.skipBadRows, seed: graph.train.seed });
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) log(formatDataError(e));
    return 1;
  }
  const ds = loaded.dataset;
  const parts = split(ds, graph.train.split, graph.train.seed);
  const out = resolve(o.out ?? join('runs', graph.model));
  log(`recc ${VERSION}: training ${graph.model} on ${loaded.source}: ${parts.train.length} train / ${parts.test.length} test rows${loaded.skipped ? `, ${loaded.skipped} bad rows skipped` : ''}; backend ${backend}`);
  let result;
  try {
    result = await train(tf, graph, ds, parts, {
      outDir: out,
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      resume: o.resume,
      checkpointEvery: o.checkpointEvery,
      log,
      progress: process.stderr.isTTY === true,
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
    });
  } catch (e) {
    if (e instanceof TrainError) {
      log(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const meta = { 'recc.model': graph.model, 'recc.version': VERSION, 'recc.step': String(result.state.step) };
  saveWeights(join(out, 'model.safetensors'), Object.fromEntries(graph.params.map((p) => [p.name, { shape: p.shape, data: result.weights[p.name]! }])), meta);
  const onnx = lowerToOnnx(graph, result.weights, { reccVersion: VERSION, extra: { 'recc.step': String(result.state.step) } });
  writeFileAtomic(join(out, 'model.onnx'), onnx);
  writeFileAtomic(join(out, 'loss.svg'), lossSvg(result.state.losses));
  const extra = [`backend: ${backend}, ${Math.round(result.samplesPerSecond)} samples/s`];
  writeFileAtomic(join(out, 'report.md'), reportMarkdown(graph.model, loaded.source, result.evaluation, result.state, extra));
  writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(result.evaluation, null, 2)}\n`);
  process.stdout.write(`${formatEvaluation(result.evaluation)}\n`);
  process.stdout.write(`wrote ${displayPath(out)}/{checkpoint.safetensors, model.safetensors, model.onnx, report.md, loss.svg, metrics.json}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('train')
    .description('train a spec on its data and write checkpoint, report and a serving ONNX file')
    .argument('<spec>', '.rec file')
    .option('--data <file>', 'CSV, TSV or JSON Lines file (default: the spec\'s `train { data: … }`)')
    .option('-o, --out <dir>', 'output directory (default: runs/<model>)')
    .option('--epochs <n>', 'override the spec\'s epochs', (v) => Number.parseInt(v, 10))
    .option('--rows <n>', 'use at most this many rows (synthetic settings: generate this many)', (v) => Number.parseInt(v, 10))
    .option('--backend <name>', 'auto | gpu | node | wasm | cpu', 'auto')
    .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping', false)
    .option('--resume', 'continue from the checkpoint in the output directory', false)
    .option('--checkpoint-every <steps>', 'save a resumable checkpoint every N steps', (v) => Number.parseInt(v, 10), 50)
    .option('--max-steps <n>', 'stop after N optimizer steps (checkpointed; continue with --resume)', (v) => Number.parseInt(v, 10))
    .action(async (spec: string, o: TrainCliOptions) => setCode(await runTrain(spec, o)));
}

// `recc train SPEC`: train on the spec's data (or --data), print metrics per task and group, and
// write the checkpoint, weights, report, loss curve and a serving ONNX file to --out.
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BackendUnavailableError, initBackend, type BackendName } from '../lower/tfjs/backend.js';
import { split } from '../data/split.js';
import { ARTEFACTS, writeArtefacts } from '../train/artefacts.js';
import { CHECKPOINT, STATE_JSON } from '../train/checkpoint.js';
import { formatDataError, loadData } from '../train/data-source.js';
import { formatEvaluation } from '../train/evaluate.js';
import { train, TrainError } from '../train/train.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { VERSION } from './version.js';

export const BACKENDS = ['auto', 'gpu', 'node', 'wasm', 'cpu'];

/** A commander parser for counts: an integer ≥ 1, else a usage error (never NaN). */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

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
  const info = {
    version: VERSION,
    source: loaded.source,
    backend,
    notes: loaded.skipped ? [`${loaded.skipped} bad rows skipped`] : [],
  };
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
      onEpoch: (e) => writeArtefacts(out, graph, e, info),
    });
  } catch (e) {
    if (e instanceof TrainError) {
      log(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  log(`${Math.round(result.samplesPerSecond)} samples/s on ${backend}`);
  process.stdout.write(`${formatEvaluation(result.evaluation)}\n`);
  process.stdout.write(`wrote ${displayPath(out)}/{${[CHECKPOINT, STATE_JSON, ...ARTEFACTS].join(', ')}}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('train')
    .description('train a spec on its data and write checkpoint, report and a serving ONNX file')
    .argument('<spec>', '.rec file')
    .option('--data <file>', 'CSV, TSV or JSON Lines file (default: the spec\'s `train { data: … }`)')
    .option('-o, --out <dir>', 'output directory (default: runs/<model>)')
    .option('--epochs <n>', 'override the spec\'s epochs', positiveInt)
    .option('--rows <n>', 'use at most this many rows (synthetic settings: generate this many)', positiveInt)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping', false)
    .option('--resume', 'continue from the checkpoint in the output directory', false)
    .option('--checkpoint-every <steps>', 'save a resumable checkpoint every N steps', positiveInt, 50)
    .option('--max-steps <n>', 'stop after N optimizer steps (checkpointed; continue with --resume)', positiveInt)
    .action(async (spec: string, o: TrainCliOptions) => setCode(await runTrain(spec, o)));
}

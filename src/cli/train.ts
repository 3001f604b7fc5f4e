// `recc train SPEC`: train on the spec's data (or --data), print metrics per task and group, and
// write the checkpoint, weights, report, loss curve and a serving ONNX file to --out.
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { keyColumns } from '../data/needed-columns.js';
import { split } from '../data/split.js';
import { MAX_SYNTH_ROWS_TEXT } from '../data/synth/max-rows.js';
import { ensureWritableDir, removeStaleTemps } from '../io/atomic-write.js';
import { artefactFiles, writeArtefacts } from '../train/artefacts.js';
import { CHECKPOINT, STATE_JSON } from '../train/checkpoint.js';
import { planOf, stageGraph, type StagePlan } from '../ir/plan.js';
import { formatDataError, loadData } from '../train/data-source.js';
import { formatEvaluation } from '../train/evaluate.js';
import { oneClassWarnings } from '../train/label-balance.js';
import { splitShortfall } from '../train/split-shortfall.js';
import { DEFAULT_SHUFFLE_BUFFER, streamData } from '../train/stream-data.js';
import { nonFiniteTensors } from '../train/checkpoint-check.js';
import { startFromPretrained, type Pretrained } from '../train/pretrained.js';
import type { Interrupt } from '../train/loop.js';
import { train, TrainError, type StageData } from '../train/train.js';
import { positiveInt } from './int-option.js';
import { displayPath } from './output.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { loadSpec } from './spec.js';
import { catchStopSignals, signalStatus } from './stop-signals.js';
import { trainBackend, type TrainBackendName } from './train-backend.js';
import { VERSION } from './version.js';
import { readWeightsFile } from './weights.js';

export const BACKENDS = ['auto', 'gpu', 'node', 'wasm', 'cpu'];
/** `recc train` also trains on onnxruntime (train-backend.ts). */
export const TRAIN_BACKENDS = [...BACKENDS, 'ort', 'ort-cuda'];

export interface TrainCliOptions {
  /** `--allow-path`: trees the spec may read besides its own. */
  allowPath?: string[];
  data?: string;
  out?: string;
  epochs?: number;
  rows?: number;
  backend: TrainBackendName;
  /** onnxruntime's intra-op threads (`--backend ort`). */
  threads: number;
  skipBadRows: boolean;
  resume: boolean;
  checkpointEvery: number;
  maxSteps?: number;
  stream: boolean;
  shuffleBuffer?: number;
  /** `--init`: a weights file (or checkpoint) of another run to start from; `--from`: the stage to start at. */
  init?: string;
  from?: string;
}

/** `--init FILE [--from STAGE]`: the file's tensors (a checkpoint's optimizer slots left out), or the error to print. */
function readPretrained(o: TrainCliOptions): Pretrained | { error: string } | undefined {
  if (o.init === undefined) {
    return o.from === undefined ? undefined : { error: 'error: --from starts at a stage from another run\'s weights: give them with --init FILE' };
  }
  const r = readWeightsFile(o.init);
  if ('error' in r) return r;
  const { tensors } = r;
  const infinite = nonFiniteTensors(tensors);
  if (infinite.length > 0) return { error: `error[REC6006]: ${o.init} holds weights that are not finite (a diverged run?):\n${infinite.map((p) => `  ${p}`).join('\n')}` };
  return { file: displayPath(o.init), tensors, ...(o.from !== undefined ? { from: o.from } : {}) };
}

/** A stage's data could not be loaded: the lines say why (file, line, column). */
class DataLoadError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** `load` of a stage, made once per key (`keyOf`, JSON): stages that read the same data alike share it. */
function sharedBy(keyOf: (stage: StagePlan) => unknown[], load: (stage: StagePlan) => Promise<StageData>): (stage: StagePlan) => Promise<StageData> {
  const loads = new Map<string, Promise<StageData>>();
  return (stage) => {
    const key = JSON.stringify(keyOf(stage));
    let p = loads.get(key);
    if (!p) loads.set(key, (p = load(stage)));
    return p;
  };
}

export async function runTrain(file: string, o: TrainCliOptions): Promise<number> {
  const graph = loadSpec(file, policyOf(o));
  if (!graph) return 1;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const pretrained = readPretrained(o);
  if (pretrained && 'error' in pretrained) {
    log(pretrained.error);
    return 1;
  }
  const chosen = await trainBackend(o.backend, o.threads, log);
  if ('error' in chosen) {
    log(`error: ${chosen.error}`);
    return 1;
  }
  const { tf, backend } = chosen;
  // The output directory first: a read-only or full disk is found before minutes of loading.
  const out = resolve(o.out ?? join('runs', graph.model));
  ensureWritableDir(out, o.out !== undefined ? `-o ${o.out}` : `the output directory ${displayPath(out)}`);
  const stale = removeStaleTemps(out);
  if (stale.length > 0) log(`removed ${stale.length} temporary file${stale.length === 1 ? '' : 's'} that a killed run left in ${displayPath(out)}`);
  const plan = planOf(graph);
  if (pretrained) {
    // the file against the spec before minutes of loading data (train() loads it the same way)
    const ok = startFromPretrained(graph, plan, {}, pretrained);
    if ('error' in ok) {
      log(`error: ${ok.error}`);
      return 1;
    }
  }
  const sources: string[] = [];
  const notes: string[] = [];
  const where = (stage: StagePlan) => (plan.stages.length > 1 ? ` (stage ${stage.name})` : '');
  const started = (stage: StagePlan, source: string, skipped: number, trainRows: number, testRows: number, streamed: boolean) => {
    log(`recc ${VERSION}: training ${graph.model}${where(stage)} on ${source}${streamed ? ' (streamed)' : ''}: ${trainRows} train / ${testRows} test rows${skipped ? `, ${skipped} bad rows skipped` : ''}; backend ${backend}`);
    sources.push(source);
    if (skipped) notes.push(`${skipped} bad rows skipped${where(stage)}`);
  };
  const loadOpts = (seed: number) => ({ data: o.data, rows: o.rows, skipBadRows: o.skipBadRows, seed, files: policyOf(o) });
  // Each stage's rows: stages that read the same data, split, labels and key columns (those its
  // metrics and groups read) share one load.
  const dataFor = sharedBy(
    (s) => [s.settings.data, s.settings.split, s.settings.seed, s.tasks, keyColumns(stageGraph(graph, s))],
    async (stage) => {
      const s = stage.settings;
      const view = stageGraph(graph, stage);
      const loaded = await loadData(view, loadOpts(s.seed));
      if (loaded.errors.length > 0) throw new DataLoadError(loaded.errors.map(formatDataError));
      const parts = split(loaded.dataset, s.split, s.seed);
      const short = splitShortfall(s.split, loaded.dataset, parts);
      if (short) throw new DataLoadError([formatDataError({ file: loaded.source, row: 0, code: 'REC6004', message: short })]);
      for (const w of oneClassWarnings(view.tasks, loaded.dataset.labels, parts.train, loaded.source)) log(formatDataError(w));
      started(stage, loaded.source, loaded.skipped, parts.train.length, parts.test.length, false);
      return { dataset: loaded.dataset, split: parts };
    },
  );
  // With --stream, each stage's data is read once to check it and keep its test rows, then its
  // training rows streamed each epoch; stages that read the same data the same way (the batch,
  // of rows or of tasks, too) share it.
  const streamFor = sharedBy(
    (s) => [s.settings.data, s.settings.split, s.settings.seed, s.settings.batch, s.batching, s.tasks, keyColumns(stageGraph(graph, s))],
    async (stage) => {
      const s = stage.settings;
      const b = stage.batching;
      const tasks = b.kind === 'tasks' ? { tasks: { key: b.key, perBatch: b.perBatch } } : {};
      const r = await streamData(stageGraph(graph, stage), { ...loadOpts(s.seed), batch: s.batch, ...tasks, ...(o.shuffleBuffer ? { shuffleBuffer: o.shuffleBuffer } : {}) });
      if (r.errors.length > 0) throw new DataLoadError(r.errors.map(formatDataError));
      started(stage, r.source, r.skipped, r.batches.rows, r.test.n, true);
      return { dataset: r.test, split: { train: new Int32Array(0), test: Int32Array.from({ length: r.test.n }, (_, i) => i) }, stream: r.batches };
    },
  );
  const stageData = o.stream ? streamFor : dataFor;
  let first: StageData;
  try {
    if (o.stream && o.rows !== undefined) {
      log('error: --rows and --stream do not go together (a stream reads the whole file each epoch)');
      return 1;
    }
    // every stage's data is loaded (or, streamed, checked) and split before the first step: a
    // later stage's missing column or empty split is found now, not after the stages before it trained
    const from = Math.max(0, plan.stages.findIndex((st) => st.name === pretrained?.from));
    first = await stageData(plan.stages[from]!);
    for (const stage of plan.stages.slice(from + 1)) await stageData(stage);
  } catch (e) {
    if (!(e instanceof DataLoadError)) throw e;
    for (const line of e.lines) log(line);
    return 1;
  }
  const info = {
    version: VERSION,
    get source() {
      return [...new Set(sources)].join(', ');
    },
    backend,
    notes,
  };
  let result;
  // a stop signal from here on stops before the next step, checkpointed; during the load above, it
  // stops the process at once (nothing is written before training)
  const interrupt: Interrupt = {};
  const release = catchStopSignals(interrupt, log);
  try {
    result = await train(tf, graph, first.dataset, first.split, {
      interrupt,
      outDir: out,
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      resume: o.resume,
      checkpointEvery: o.checkpointEvery,
      log,
      progress: process.stderr.isTTY === true,
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
      onEpoch: (e) => writeArtefacts(out, graph, e, info),
      ...(chosen.runner ? { runner: chosen.runner } : {}),
      dataFor: stageData,
      ...(pretrained ? { pretrained } : {}),
    });
  } catch (e) {
    if (e instanceof TrainError) {
      log(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof DataLoadError) {
      for (const line of e.lines) log(line);
      return 1;
    }
    throw e;
  } finally {
    release();
  }
  if (result.interrupted) return signalStatus(result.interrupted);
  log(`${Math.round(result.samplesPerSecond)} samples/s on ${backend}`);
  process.stdout.write(`${formatEvaluation(result.evaluation)}\n`);
  process.stdout.write(`wrote ${displayPath(out)}/{${[CHECKPOINT, STATE_JSON, ...artefactFiles(graph)].join(', ')}}\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('train')
      .description('train a spec on its data and write checkpoint, report and a serving ONNX file')
      .argument('<spec>', '.rec file')
      .option('--data <file>', 'CSV, TSV, JSON Lines or Parquet file (default: the spec\'s `train { data: … }`)')
      .option('-o, --out <dir>', 'output directory (default: runs/<model>)')
      .option('--epochs <n>', 'override the spec\'s epochs', positiveInt)
      .option('--rows <n>', `use at most this many rows (synthetic settings: generate this many, at most ${MAX_SYNTH_ROWS_TEXT})`, positiveInt)
      .addOption(new Option('--backend <name>', 'training backend: auto (tfjs-node if installed, else onnxruntime, else wasm), TensorFlow.js (gpu, node, wasm, cpu) or onnxruntime (ort, ort-cuda)').choices(TRAIN_BACKENDS).default('auto'))
      .option('--threads <n>', 'onnxruntime intra-op threads (ort, and auto when it picks onnxruntime)', positiveInt, 1)
      .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping', false)
      .option('--resume', 'continue from the checkpoint in the output directory', false)
      .option('--checkpoint-every <steps>', 'save a resumable checkpoint every N steps', positiveInt, 50)
      .option('--max-steps <n>', 'stop after N optimizer steps (checkpointed; continue with --resume)', positiveInt)
    .option('--stream', 'read the data file in chunks each epoch instead of holding it in memory (see the README: the split and the shuffle differ)', false)
    .option('--shuffle-buffer <rows>', `rows shuffled together with --stream (default ${DEFAULT_SHUFFLE_BUFFER})`, positiveInt)
    .option('--init <weights>', 'start from another run\'s weights (model.safetensors or a checkpoint), by parameter name: e.g. a pretraining run')
    .option('--from <stage>', 'with --init: start at this stage; the stages before it are not run'),
  ).action(async (spec: string, o: TrainCliOptions) => setCode(await runTrain(spec, o)));
}

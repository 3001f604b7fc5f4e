// Training a program: its plan's stages in order (plan.ts), each from the weights the previous
// one left, by parameter name. For each stage a backend runner (tfjs-runner.ts) and the stage loop
// (loop.ts); checkpoints record the stage, so `--resume` continues inside it. A spec without
// stages is a plan of one stage, trained exactly as before stages existed.
import { join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import { slice, type Dataset } from '../data/preprocess.js';
import { makeDirs } from '../io/make-dirs.js';
import { objectives } from '../ir/passes/objectives.js';
import { planOf, stageGraph, type StagePlan } from '../ir/plan.js';
import type { IRGraph } from '../ir/types.js';
import type { NamedTensor } from '../io/safetensors.js';
import { CHECKPOINT, saveCheckpoint, type TrainState } from './checkpoint.js';
import type { Evaluation } from './evaluate.js';
import { batchUnits, runStage, type BatchStream, type Interrupt } from './loop.js';
import type { RunnerInit, StageRunner } from './runner.js';
import { shuffleKey } from './shuffle.js';
import { scheduleOf } from './schedule.js';
import { stageState, startRun } from './state.js';
import { keylessRows, splitTestTasks, TASK_SLICE, taskRanges } from './task-split.js';
import { predictingOnTfjs } from './tfjs-predictions.js';
import { tfjsRunner } from './tfjs-runner.js';
import type { Pretrained } from './pretrained.js';
import { TrainError } from './train-error.js';

type TF = typeof tfc;

export { TrainError };
export { shuffled, shuffleKey } from './shuffle.js';
export { validationScore, type BatchStream } from './loop.js';

/** What the run hands out after each epoch (and once at the end), to write artefacts. */
export interface EpochEnd {
  weights: Record<string, Float32Array>;
  evaluation: Evaluation;
  state: TrainState;
  /** The stage the epoch belongs to, and whether it is the plan's last. */
  stage: StagePlan;
  lastStage: boolean;
  /** True for the last call of the run. */
  final: boolean;
  /** Training speed so far in this process. */
  samplesPerSecond: number;
}

/** The rows a stage trains and evaluates on. */
export interface StageData {
  dataset: Dataset;
  split: { train: Int32Array; test: Int32Array };
  /** The training rows read from a file each epoch (`--stream`): `dataset` then holds the test rows. */
  stream?: BatchStream;
}

export interface TrainOptions {
  outDir: string;
  /** Epochs of every stage (default: each stage's own). */
  epochs?: number;
  resume: boolean;
  /** Save a resumable checkpoint every this many steps (and at every epoch end). */
  checkpointEvery: number;
  log: (line: string) => void;
  progress: boolean;
  /** Stop after this many steps in total (checkpointed; continue with `resume`). */
  maxSteps?: number;
  /** Stop before the next step once it holds a signal (checkpointed; continue with `resume`): loop.ts. */
  interrupt?: Interrupt;
  /** Called after each epoch's checkpoint and at the end, e.g. to write weights and a report. */
  onEpoch?: (e: EpochEnd) => void | Promise<void>;
  /** Called after each optimizer step with its duration (batch assembly, forward, backward, update). */
  onStep?: (s: { step: number; ms: number; loss: number }) => void;
  /** The data of a stage whose settings name other data than the run's (default: the run's). */
  dataFor?: (stage: StagePlan) => Promise<StageData>;
  /**
   * Training batches read from a file each epoch (`--stream`, stream-data.ts); `data` then holds
   * the test rows. One stage only: a plan of several streams each stage's own (StageData.stream).
   */
  stream?: BatchStream;
  /** Start from another run's weights, at a given stage (`--init`, `--from`: pretrained.ts). */
  pretrained?: Pretrained;
  /** The backend that runs a stage (default: TensorFlow.js, tfjs-runner.ts). */
  runner?: (init: RunnerInit) => StageRunner | Promise<StageRunner>;
}


export interface TrainResult {
  weights: Record<string, Float32Array>;
  /** The last stage's evaluation (interrupted: of its last whole epoch, or none). */
  evaluation: Evaluation;
  state: TrainState;
  samplesPerSecond: number;
  /** The signal that stopped the run (`interrupt`): its checkpoint is written, nothing else. */
  interrupted?: string;
}

/** Train a program's plan on the train rows of `data`, evaluating each stage on the test rows. */
export async function train(tf: TF, program: IRGraph, data: Dataset, splitIdx: { train: Int32Array; test: Int32Array }, opts: TrainOptions): Promise<TrainResult> {
  makeDirs(opts.outDir);
  // The front end's graphs have their objectives; one built by hand gets them here.
  const graph = objectives(program);
  const plan = planOf(graph);
  const named = plan.stages.length > 1;
  if (opts.stream && named) throw new Error('internal: `stream` serves a plan of one stage; a plan of several streams each stage through `dataFor`');
  const start = startRun(graph, plan, opts);
  let { state, weights } = start;
  const speed = { samples: 0, ms: 0 };
  const speedNow = () => speed.samples / Math.max(speed.ms / 1000, 1e-9);
  let evaluation: Evaluation = { tasks: {} };
  for (let k = start.stage; k < plan.stages.length; k++) {
    const stage = plan.stages[k]!;
    if (k > start.stage) state = stageState(graph, plan, k, state);
    let view = stageGraph(graph, stage);
    const { dataset, split, stream } = opts.dataFor ? await opts.dataFor(stage) : { dataset: data, split: splitIdx, stream: opts.stream };
    // The training rows are not copied out of the dataset: each batch is sliced from it through this index.
    let trainSet: Parameters<typeof runStage>[0]['trainSet'] = { data: dataset, rows: split.train, n: stream?.rows ?? split.train.length };
    let testSet = slice(dataset, split.test);
    let adaptOn: typeof testSet | undefined;
    // rows without the meta block's key are in no task (task-split.ts, stream-tasks.ts): said, not dropped silently
    const keyless = (n: number, which: string) => {
      if (n > 0) opts.log(`${named ? `${stage.name}: ` : ''}${keylessRows(n, graph.meta?.key ?? '', `${which} `)} (a task is the rows of one key)`);
    };
    if (trainSet.n === 0) throw new TrainError(`${named ? `stage ${stage.name}: ` : ''}no training rows: the split left every row for testing (use more data or a smaller \`test\` fraction)`);
    // Checked here too, not only by the CLI (split-shortfall.ts): a run with nothing to score
    // would train to the end and then report metrics of nothing.
    if (testSet.n === 0) throw new TrainError(`${named ? `stage ${stage.name}: ` : ''}no test rows: the split held out no row (use more data or a larger \`test\` fraction)`);
    if (stage.batching.kind === 'tasks') {
      // MAML: batches of tasks
      const b = stage.batching;
      const noTask = `no training task has two rows or more (tasks are the rows sharing \`${b.key}\`): a task needs a support row and a query row`;
      if (stream) {
        // streamed in batches of whole tasks (stream-tasks.ts), counted by the stream's first pass
        if (!stream.tasks) throw new Error('internal: a MAML stage streamed without its tasks');
        if (stream.tasks.trainable === 0) throw new TrainError(noTask);
        keyless(stream.tasks.keyless, 'training');
      } else {
        const keys = dataset.keys[b.key];
        if (!keys) throw new TrainError(`the data has no column \`${b.key}\` (the meta block's key)`);
        const grouped = taskRanges(keys, split.train, b.perBatch);
        if (grouped.trainable === 0) throw new TrainError(noTask);
        keyless(grouped.keyless, 'training');
        trainSet = { data: dataset, rows: grouped.rows, n: grouped.rows.length, tasks: grouped.tasks };
      }
    }
    if (graph.meta) {
      // A model with a meta block is evaluated as it serves, after every stage (MAML's or not):
      // held-out tasks adapt on their support rows, their query rows are scored.
      const { key, support } = graph.meta;
      if (!dataset.keys[key]) throw new TrainError(`the data has no column \`${key}\` (the meta block's key)`);
      const t = splitTestTasks(dataset, key, split.test, support);
      keyless(t.keyless, 'held-out');
      testSet = t.query;
      adaptOn = t.support;
      if (testSet.n === 0) throw new TrainError(`no held-out task has two rows or more (tasks are the rows sharing \`${key}\`): a task is scored on the rows after those it adapts on, so nothing would be scored`);
      view = { ...view, train: { ...view.train, groupBy: view.train.groupBy ?? TASK_SLICE } };
    }
    const epochs = opts.epochs ?? stage.settings.epochs;
    const { batches } = batchUnits(trainSet, stage.settings.batch, stream);
    if (k === start.stage && state.batchInEpoch > batches) {
      throw new TrainError(`${join(opts.outDir, CHECKPOINT)} is at batch ${state.batchInEpoch} of an epoch, but an epoch of this data has ${batches} batches (other data or --rows?); start afresh without --resume`);
    }
    const schedule = scheduleOf(stage.settings, epochs * batches);
    if (stage.settings.warmupFraction !== undefined) {
      opts.log(`${named ? `${stage.name}: ` : ''}warm-up over ${schedule.warmupSteps} of ${schedule.totalSteps} steps (${+(100 * stage.settings.warmupFraction).toFixed(2)} %)`);
    }
    // What each stage of a plan trains, of what its entry reads (PeterRec's Table 3 reports the fraction)
    const values = (names: readonly string[]) => names.reduce((a, n) => a + weights[n]!.length, 0);
    const [trains, reads] = [values(stage.trainable), values(stage.trainable) + values(stage.frozen)];
    if (named) opts.log(`${stage.name}: training ${trains.toLocaleString('en-US')} of ${reads.toLocaleString('en-US')} parameters (${(100 * trains / Math.max(reads, 1)).toFixed(2)} %)`);
    if (stage.step.kind === 'maml' && stage.step.lrScale !== undefined && stage.step.lrScale !== 1) {
      const lrs = stage.optimizers.map((o) => `${o.group} ${o.spec.lr.toPrecision(3)}`).join(', ');
      opts.log(`${stage.name}: learning rates scaled ×${stage.step.lrScale.toPrecision(3)} to ${stage.batching.kind === 'tasks' ? stage.batching.perBatch : '?'} tasks a batch (lr_tasks sets the count they are written for): ${lrs}`);
    }
    const init: RunnerInit = { graph: view, stage, weights, ...(k === start.stage && start.optimizers ? { optimizers: start.optimizers } : {}), schedule, ...(adaptOn ? { adaptOn } : {}) };
    const backendRunner = opts.runner ? await opts.runner(init) : tfjsRunner(tf, init);
    // a meta block's adapted predictions are made on TensorFlow.js (meta-embed.ts)
    const runner = opts.runner && graph.meta ? predictingOnTfjs(tf, init, backendRunner) : backendRunner;
    const current = () => ({ ...weights, ...runner.weights() });
    const lastStage = k === plan.stages.length - 1;
    try {
      const checkpoint = async () => {
        const all = current();
        const tensors: Record<string, NamedTensor> = Object.create(null); // parameter names are the user's
        for (const p of graph.params) tensors[p.name] = { shape: p.shape, data: all[p.name]! };
        const o = runner.optimizerState(state.step);
        state.optimizer = o.groups;
        state.rng = { kind: 'seedrandom-fisher-yates', key: shuffleKey(stage.settings.seed, state.epoch), consumedRows: Math.min(trainSet.n, state.batchInEpoch * stage.settings.batch) };
        saveCheckpoint(opts.outDir, tensors, o.slots, state);
      };
      const r = await runStage({
        runner, graph: view, stage, named, trainSet, testSet, epochs, state, speed,
        log: opts.log, progress: opts.progress, checkpointEvery: opts.checkpointEvery, checkpoint,
        ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
        ...(opts.interrupt ? { interrupt: opts.interrupt } : {}),
        ...(opts.onStep ? { onStep: opts.onStep } : {}),
        ...(stream ? { stream } : {}),
        ...(opts.onEpoch ? { onEpoch: async (e: Evaluation) => opts.onEpoch!({ weights: current(), evaluation: e, state, stage, lastStage, final: false, samplesPerSecond: speedNow() }) } : {}),
      });
      evaluation = r.evaluation;
      weights = current();
      // stopped from outside: the checkpoint is on disk; no evaluation, no artefacts, at once
      if (r.interrupted) return { weights, evaluation, state, samplesPerSecond: speedNow(), interrupted: r.interrupted };
      if (r.stopped || lastStage) {
        if (opts.onEpoch) await opts.onEpoch({ weights, evaluation, state, stage, lastStage, final: true, samplesPerSecond: speedNow() });
        return { weights, evaluation, state, samplesPerSecond: speedNow() };
      }
      if (opts.onEpoch) await opts.onEpoch({ weights, evaluation, state, stage, lastStage, final: false, samplesPerSecond: speedNow() });
    } finally {
      runner.dispose();
    }
  }
  throw new Error('internal: a plan without stages');
}

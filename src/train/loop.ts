// The loop of one stage: epochs of shuffled batches, a step per batch (whatever the stage's step
// kind and the backend), checkpoints every N steps and at every epoch's end, evaluation after each
// epoch, early stopping, --max-steps, and a stop asked for from outside (a signal the CLI caught).
// It reads and advances the run's TrainState, so a stopped or killed run resumes inside the very
// batch order it was in.
import { slice, type Dataset } from '../data/preprocess.js';
import type { StagePlan } from '../ir/plan.js';
import type { IRGraph } from '../ir/types.js';
import type { TrainState } from './checkpoint.js';
import { evaluate, LOWER_IS_BETTER, metricKeys, type Evaluation } from './evaluate.js';
import { epochSummary, Progress } from './progress.js';
import type { StageRunner } from './runner.js';
import { shuffled } from './shuffle.js';
import type { TaskCount } from './stream-tasks.js';
import { TrainError } from './train-error.js';

/**
 * The validation score early stopping watches: the spec's first metric that the first task
 * reports (overall rows), negated when smaller is better; undefined when there is none.
 */
export function validationScore(graph: IRGraph, e: Evaluation): { name: string; value: number } | undefined {
  const first = graph.tasks[0];
  const row = first ? e.tasks[first.name]?.all : undefined;
  if (!row) return undefined;
  const names = [...metricKeys(graph.train.metrics), 'auc', 'accuracy', 'mse', 'nll'];
  const name = names.find((k) => row[k] !== undefined && Number.isFinite(row[k]));
  if (!name) return undefined;
  return { name: `${first!.name} ${name}`, value: LOWER_IS_BETTER.has(name) ? -row[name]! : row[name]! };
}

/**
 * A stop asked for while a run trains (the CLI sets `signal` when it catches SIGINT or SIGTERM):
 * the loop stops before its next step, after a checkpoint of the steps not saved yet.
 */
export interface Interrupt {
  signal?: string;
}

/**
 * The training rows of a streamed run: how many, and each epoch's batches from batch `from` on;
 * a MAML stage's come in batches of whole tasks, `tasks` counting them.
 */
export interface BatchStream {
  rows: number;
  tasks?: TaskCount;
  epoch(epoch: number, from: number): AsyncIterable<Dataset>;
}

/** Tasks as contiguous ranges of a row list (`starts` has one more entry than there are tasks). */
export interface TaskRanges {
  starts: Int32Array;
  perBatch: number;
}

/** How many shuffled units (rows, or tasks) an epoch has, and how many go in a batch. */
export function batchUnits(trainSet: StageLoop['trainSet'], batch: number, stream?: BatchStream): { units: number; per: number; batches: number } {
  if (stream?.tasks) return { units: stream.tasks.count, per: stream.tasks.perBatch, batches: Math.ceil(stream.tasks.count / stream.tasks.perBatch) };
  const units = trainSet.tasks ? trainSet.tasks.starts.length - 1 : trainSet.n;
  const per = trainSet.tasks ? trainSet.tasks.perBatch : batch;
  return { units, per, batches: Math.ceil(units / per) };
}

/** The row indices of some units (rows, or whole tasks in the given order). */
function rowsOf(trainSet: StageLoop['trainSet'], units: Int32Array | number[]): number[] {
  const t = trainSet.tasks;
  if (!t) return Array.from(units, (i) => trainSet.rows[i]!);
  const out: number[] = [];
  for (const u of units) for (let i = t.starts[u]!; i < t.starts[u + 1]!; i++) out.push(trainSet.rows[i]!);
  return out;
}

export interface StageLoop {
  runner: StageRunner;
  /** The stage's view of the graph (its tasks and settings). */
  graph: IRGraph;
  stage: StagePlan;
  /** Name the stage in log lines (the plan has several). */
  named: boolean;
  /**
   * The training rows: indices into a dataset (not copied out of it). With `tasks` (a MAML stage)
   * the rows are grouped by task, task t being rows[starts[t] … starts[t + 1]), and a batch is
   * `perBatch` shuffled tasks instead of `batch` shuffled rows.
   */
  trainSet: { data: Dataset; rows: Int32Array; n: number; tasks?: TaskRanges };
  testSet: Dataset;
  /** Training batches read from a file each epoch instead (`--stream`). */
  stream?: BatchStream;
  epochs: number;
  /** The run's state, advanced in place. */
  state: TrainState;
  log: (line: string) => void;
  progress: boolean;
  checkpointEvery: number;
  /** Stop once the run has taken this many steps in all (checkpointed; continue with `resume`). */
  maxSteps?: number;
  /** Read before each step: once it has a signal, the stage stops there (checkpointed). */
  interrupt?: Interrupt;
  /** Save a resumable checkpoint of the current weights and `state`. */
  checkpoint: () => Promise<void>;
  /** After each epoch's checkpoint but the stage's last, e.g. to write artefacts. */
  onEpoch?: (evaluation: Evaluation) => Promise<void>;
  onStep?: (s: { step: number; ms: number; loss: number }) => void;
  /** Samples and milliseconds spent in steps, across stages (for samples/s). */
  speed: { samples: number; ms: number };
}

/**
 * Train one stage from where `state` is; returns its last evaluation, whether --max-steps stopped
 * the run, and the signal that interrupted it (then nothing is evaluated after the last whole
 * epoch: the run ends at once).
 */
export async function runStage(l: StageLoop): Promise<{ evaluation: Evaluation; stopped: boolean; interrupted?: string }> {
  const { state, stage, trainSet } = l;
  const spec = stage.settings;
  const { units, per, batches } = batchUnits(trainSet, spec.batch, l.stream);
  const prefix = l.named ? `${stage.name}: ` : '';
  const progress = new Progress(l.progress, l.log, prefix);
  const speedNow = () => l.speed.samples / Math.max(l.speed.ms / 1000, 1e-9);
  const doneSteps = state.doneSteps ?? 0;
  let evaluation: Evaluation = { tasks: {} };
  let stopped = false;
  let interrupted: string | undefined;
  // the step the checkpoint on disk holds (a resumed run starts from it): an interrupt saves the steps after it
  let saved = state.step;
  const save = async () => {
    await l.checkpoint();
    saved = state.step;
  };
  try {
    // A resumed run that early stopping ended stays ended.
    outer: for (let epoch = state.epoch; epoch < l.epochs && !state.earlyStopped; epoch++) {
      const order = l.stream ? undefined : shuffled(units, spec.seed, epoch);
      const streamed = l.stream?.epoch(epoch, state.batchInEpoch)[Symbol.asyncIterator]();
      progress.startEpoch(epoch, batches, state.batchInEpoch);
      for (let b = state.batchInEpoch; b < batches; b++) {
        // A step on a synchronous backend (TensorFlow.js on wasm) never leaves the microtask
        // queue: a turn of the event loop lets the process see a signal (~µs, a step takes ms).
        if (l.interrupt) await new Promise((r) => setImmediate(r));
        const signal = l.interrupt?.signal;
        if (signal) {
          progress.stop();
          const at = doneSteps + state.step;
          const unsaved = state.step !== saved;
          if (unsaved) await save();
          const what = unsaved ? 'checkpoint written' : at === 0 ? 'no step taken, nothing written' : 'its checkpoint was written already';
          l.log(`${prefix}stopped by ${signal} after step ${at} (epoch ${epoch + 1}, batch ${b}): ${what}; continue with --resume`);
          interrupted = signal;
          break outer;
        }
        const t0 = performance.now();
        const part = streamed
          ? ((await streamed.next()).value as Dataset | undefined)
          : slice(trainSet.data, rowsOf(trainSet, order!.subarray(b * per, Math.min(units, (b + 1) * per))));
        if (!part) break;
        const loss = await l.runner.step(part, state.step);
        if (!Number.isFinite(loss)) {
          progress.stop();
          throw new TrainError(
            `${prefix}the loss became ${loss} at step ${state.step + 1} (epoch ${epoch + 1}, batch ${b + 1}) in ${await l.runner.diverged(part, state.step)}; ` +
              'try a smaller learning rate, or `clip_norm` in the train section. The last checkpoint is kept.',
          );
        }
        state.step++;
        state.batchInEpoch = b + 1;
        l.speed.samples += part.n;
        const ms = performance.now() - t0;
        l.speed.ms += ms;
        l.onStep?.({ step: state.step, ms, loss });
        if (state.step % 10 === 0 || b === batches - 1 || state.step === 1) state.losses.push({ step: doneSteps + state.step, loss, ...(l.named ? { stage: stage.name } : {}) });
        progress.step(epoch, b + 1, batches, loss, Math.round(speedNow()));
        if (l.maxSteps !== undefined && doneSteps + state.step >= l.maxSteps) {
          progress.stop();
          await save();
          l.log(`stopped after step ${doneSteps + state.step} (--max-steps); continue with --resume`);
          stopped = true;
          break outer;
        }
        if (state.step % l.checkpointEvery === 0 && b < batches - 1) await save();
      }
      progress.stop();
      evaluation = evaluate(l.graph, await l.runner.predict(l.testSet), l.testSet);
      state.history.push({ epoch: epoch + 1, metrics: evaluation, ...(l.named ? { stage: stage.name } : {}) });
      state.epoch = epoch + 1;
      state.batchInEpoch = 0;
      const score = validationScore(l.graph, evaluation);
      l.log(`${prefix}epoch ${epoch + 1}/${l.epochs}: loss ${state.losses[state.losses.length - 1]?.loss.toFixed(4) ?? '-'} | ${epochSummary(evaluation)}`);
      let stop = false;
      if (spec.earlyStop && score !== undefined) {
        if (state.bestMetric === undefined || score.value > state.bestMetric) {
          state.bestMetric = score.value;
          state.badEpochs = 0;
        } else state.badEpochs = (state.badEpochs ?? 0) + 1;
        if (state.badEpochs >= spec.earlyStop.patience) {
          l.log(`${prefix}early stop: ${score.name} did not improve for ${spec.earlyStop.patience} epoch(s)`);
          stop = true;
          state.earlyStopped = true;
        }
      }
      await save();
      if (l.onEpoch && !stop && epoch + 1 < l.epochs) await l.onEpoch(evaluation);
      if (stop) break;
    }
  } finally {
    progress.stop();
  }
  if (interrupted) return { evaluation, stopped: true, interrupted };
  if (Object.keys(evaluation.tasks).length === 0) evaluation = evaluate(l.graph, await l.runner.predict(l.testSet), l.testSet);
  return { evaluation, stopped };
}

// The training loop on the TensorFlow.js lowering: seeded shuffled mini-batches, the tasks'
// weighted losses, one optimizer per parameter group, the learning-rate schedule, gradient
// clipping, evaluation per epoch (per task and per group), early stopping, and atomic checkpoints
// that `--resume` continues from.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import cliProgress from 'cli-progress';
import seedrandom from 'seedrandom';
import { slice, type Dataset } from '../data/preprocess.js';
import { paddedTables } from '../ir/padding-rows.js';
import type { IRGraph, ParamGroup } from '../ir/types.js';
import type { NamedTensor } from '../io/safetensors.js';
import { buildForward, type Forward } from '../lower/tfjs/forward.js';
import { initWeights } from '../lower/tfjs/init.js';
import { loadCheckpoint, optimizerStates, saveCheckpoint, tableSizes, type TrainState } from './checkpoint.js';
import { batchTensors, evaluate, LOWER_IS_BETTER, metricKey, predict, type Evaluation } from './evaluate.js';
import { taskLoss } from './losses.js';
import { FusedOptimizer, type ParamUpdate } from './fused-optimizer.js';
import { clipByGlobalNorm } from './clip-norm.js';
import { learningRate, type Schedule } from './schedule.js';
import { sparseTables, touchedRows } from './sparse-tables.js';

type TF = typeof tfc;
const GROUPS = ['embedding', 'dense'] as const;

/** A training run that cannot go on (diverged, unusable checkpoint): the CLI prints the message. */
export class TrainError extends Error {}

/** What the loop hands out after each epoch (and once at the end), to write artefacts. */
export interface EpochEnd {
  weights: Record<string, Float32Array>;
  evaluation: Evaluation;
  state: TrainState;
  /** True for the last call of the run. */
  final: boolean;
  /** Training speed so far in this process. */
  samplesPerSecond: number;
}

export interface TrainOptions {
  outDir: string;
  epochs?: number;
  resume: boolean;
  /** Save a resumable checkpoint every this many steps (and at every epoch end). */
  checkpointEvery: number;
  log: (line: string) => void;
  progress: boolean;
  /** Stop after this many steps in total (checkpointed; continue with `resume`). */
  maxSteps?: number;
  /** Called after each epoch's checkpoint and at the end, e.g. to write weights and a report. */
  onEpoch?: (e: EpochEnd) => void | Promise<void>;
  /** Called after each optimizer step with its duration (batch assembly, forward, backward, update). */
  onStep?: (s: { step: number; ms: number; loss: number }) => void;
}

export interface TrainResult {
  weights: Record<string, Float32Array>;
  evaluation: Evaluation;
  state: TrainState;
  samplesPerSecond: number;
}

let runs = 0;

/** The epoch's row order: a Fisher–Yates shuffle driven by seedrandom(`epoch:<seed>:<epoch>`). */
export function shuffleKey(seed: number, epoch: number): string {
  return `epoch:${seed}:${epoch}`;
}

export function shuffled(n: number, seed: number, epoch: number): Int32Array {
  const rng = seedrandom(shuffleKey(seed, epoch));
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/**
 * The validation score early stopping watches: the spec's first metric that the first task
 * reports (overall rows), negated when smaller is better; undefined when there is none.
 */
export function validationScore(graph: IRGraph, e: Evaluation): { name: string; value: number } | undefined {
  const first = graph.tasks[0];
  const row = first ? e.tasks[first.name]?.all : undefined;
  if (!row) return undefined;
  const names = [...graph.train.metrics.map(metricKey), 'auc', 'accuracy', 'mse'];
  const name = names.find((k) => row[k] !== undefined && Number.isFinite(row[k]));
  if (!name) return undefined;
  return { name: `${first!.name} ${name}`, value: LOWER_IS_BETTER.has(name) ? -row[name]! : row[name]! };
}

function epochSummary(e: Evaluation): string {
  const parts: string[] = [];
  for (const [task, groups] of Object.entries(e.tasks)) {
    const cells = Object.entries(groups).map(([g, r]) => {
      const ms = Object.entries(r).filter(([k, v]) => k !== 'n' && Number.isFinite(v));
      return `${g === 'all' ? '' : `${g} `}${ms.map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')}`;
    });
    parts.push(`${task}: ${cells.join('; ')}`);
  }
  return parts.join(' | ');
}

/** The task whose loss is not finite (the loop then stops and names it). */
function divergedTask(tf: TF, graph: IRGraph, forward: Forward, vars: Record<string, tfc.Tensor>, batch: Dataset): string {
  return tf.tidy(() => {
    const { logits } = forward(vars, batchTensors(tf, batch));
    for (const t of graph.tasks) {
      const l = taskLoss(tf, t.loss, logits[t.name]!, tf.tensor1d(batch.labels[t.name]!), batch.labels[t.name]!).dataSync()[0]!;
      if (!Number.isFinite(l)) return `task \`${t.name}\` (${t.loss} loss ${l})`;
    }
    return 'the weighted sum of the task losses';
  });
}

/** Train a graph on the train rows of `data`, evaluating on the test rows after each epoch. */
export async function train(tf: TF, graph: IRGraph, data: Dataset, splitIdx: { train: Int32Array; test: Int32Array }, opts: TrainOptions): Promise<TrainResult> {
  mkdirSync(opts.outDir, { recursive: true });
  const spec = graph.train;
  const epochs = opts.epochs ?? spec.epochs;
  const run = runs++;
  const forward = buildForward(tf, graph);
  const trainSet = slice(data, splitIdx.train);
  const testSet = slice(data, splitIdx.test);
  const batches = Math.ceil(trainSet.n / spec.batch);
  if (trainSet.n === 0) throw new TrainError('no training rows: the split left every row for testing (use more data or a smaller `test` fraction)');

  // Weights: from the checkpoint when resuming, else seeded initialisation.
  let state: TrainState = { step: 0, epoch: 0, batchInEpoch: 0, seed: spec.seed, model: graph.model, tables: tableSizes(graph), losses: [], history: [] };
  let initial: Record<string, Float32Array> = initWeights(graph, spec.seed);
  const padded = paddedTables(graph);
  const optimizers: Record<ParamGroup, FusedOptimizer> = {
    embedding: new FusedOptimizer(spec.optimizer.embedding, padded),
    dense: new FusedOptimizer(spec.optimizer.dense, padded),
  };
  if (opts.resume) {
    const ck = loadCheckpoint(opts.outDir, graph);
    if (ck && 'error' in ck) throw new TrainError(ck.error);
    if (ck) {
      state = ck.state;
      initial = Object.fromEntries(Object.entries(ck.weights).map(([k, v]) => [k, v.data]));
      const saved = optimizerStates(ck);
      if ('error' in saved) throw new TrainError(saved.error);
      const sizes = Object.fromEntries(graph.params.map((p) => [p.name, p.shape.reduce((a, d) => a * d, 1)]));
      for (const group of GROUPS) {
        const s = saved.groups[group];
        if (!s) continue;
        const problems = optimizers[group].load(s.slots, s.step, sizes);
        if (problems.length > 0) throw new TrainError(`${join(opts.outDir, 'checkpoint.safetensors')}: the ${group} optimizer's state does not fit the spec:\n${problems.map((p) => `  ${p}`).join('\n')}`);
      }
      opts.log(`resuming from step ${state.step} (epoch ${state.epoch + 1}, batch ${state.batchInEpoch})`);
    } else opts.log('no checkpoint to resume from: starting afresh');
  }
  const vars: Record<string, tfc.Variable> = {};
  const groupOf = new Map<string, ParamGroup>();
  for (const p of graph.params) {
    const value = tf.tensor(initial[p.name]!, p.shape);
    vars[p.name] = tf.variable(value, p.trainable, `run${run}:${p.name}`);
    value.dispose(); // the variable holds the buffer now
    groupOf.set(vars[p.name]!.name, p.group);
  }
  // Frozen parameters (trainable: false) are left out of the gradient list: no optimizer sees them.
  const trainable = graph.params.filter((p) => p.trainable).map((p) => vars[p.name]!);
  const nameOf = new Map(graph.params.map((p) => [vars[p.name]!.name, p.name]));
  // Lookup-only embedding tables: their optimizer visits the rows the batch touched (sparse-tables.ts).
  const sparse = sparseTables(graph);
  const seen = new Uint8Array(Math.max(0, ...[...sparse.values()].map((t) => t.rows)));
  const schedule: Schedule = { warmupSteps: spec.warmupSteps, decay: spec.lrDecay ?? 'constant', totalSteps: epochs * batches };
  const lrAt = (group: ParamGroup, step: number) => learningRate(spec.optimizer[group].lr, step, schedule);

  const currentWeights = () => Object.fromEntries(graph.params.map((p) => [p.name, Float32Array.from(vars[p.name]!.dataSync())]));
  const checkpoint = async () => {
    const weights: Record<string, NamedTensor> = {};
    for (const p of graph.params) weights[p.name] = { shape: p.shape, data: vars[p.name]!.dataSync() as Float32Array };
    const s: Record<string, NamedTensor> = {};
    state.optimizer = {};
    const shapes = Object.fromEntries(graph.params.map((p) => [p.name, p.shape]));
    for (const group of GROUPS) {
      const mine = optimizers[group].slots(shapes);
      Object.assign(s, mine);
      state.optimizer[group] = { kind: spec.optimizer[group].kind, lr: lrAt(group, state.step), step: optimizers[group].step, slots: Object.keys(mine) };
    }
    state.rng = { kind: 'seedrandom-fisher-yates', key: shuffleKey(spec.seed, state.epoch), consumedRows: Math.min(trainSet.n, state.batchInEpoch * spec.batch) };
    saveCheckpoint(opts.outDir, weights, s, state);
  };

  let samples = 0;
  let trainMs = 0; // time in optimizer steps only, not evaluation or checkpoints
  const speedNow = () => samples / Math.max(trainMs / 1000, 1e-9);
  let evaluation: Evaluation = { tasks: {} };
  const bar = opts.progress
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {percentage}% | loss {loss} | {speed} samples/s | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;

  try {
    // A resumed run that early stopping ended stays ended.
    outer: for (let epoch = state.epoch; epoch < epochs && !state.earlyStopped; epoch++) {
      const order = shuffled(trainSet.n, spec.seed, epoch);
      bar?.start(batches, state.batchInEpoch, { epoch: epoch + 1, loss: '-', speed: '-' });
      let lastLine = Date.now();
      for (let b = state.batchInEpoch; b < batches; b++) {
        const t0 = performance.now();
        const part = slice(trainSet, order.subarray(b * spec.batch, Math.min(trainSet.n, (b + 1) * spec.batch)));
        // Gradients once per step over every trainable variable; each group's optimizer applies its own.
        const lossValue = tf.tidy(() => {
          const inputs = batchTensors(tf, part);
          const labels = Object.fromEntries(graph.tasks.map((t) => [t.name, tf.tensor1d(part.labels[t.name]!)]));
          const { value, grads } = tf.variableGrads(() => {
            const { logits } = forward(vars, inputs);
            let total: tfc.Tensor = tf.scalar(0);
            for (const t of graph.tasks) total = tf.add(total, tf.mul(taskLoss(tf, t.loss, logits[t.name]!, labels[t.name]!, part.labels[t.name]!), t.weight));
            return total as tfc.Scalar;
          }, trainable);
          const loss = value.dataSync()[0]!;
          if (!Number.isFinite(loss)) return loss;
          const clipped = spec.clipNorm ? clipByGlobalNorm(tf, grads, spec.clipNorm, (k) => padded.has(nameOf.get(k)!)).grads : grads;
          for (const group of GROUPS) {
            const mine: ParamUpdate[] = [];
            for (const [varName, grad] of Object.entries(clipped)) {
              if (groupOf.get(varName) !== group) continue;
              const name = nameOf.get(varName)!;
              const table = sparse.get(name);
              mine.push({ name, variable: vars[name]!, grad, rows: table ? touchedRows(table, part.inputs, seen) : undefined });
            }
            if (mine.length > 0) optimizers[group].apply(tf, mine, lrAt(group, state.step));
          }
          return loss;
        });
        if (!Number.isFinite(lossValue)) {
          bar?.stop();
          const culprit = divergedTask(tf, graph, forward, vars, part);
          throw new TrainError(
            `the loss became ${lossValue} at step ${state.step + 1} (epoch ${epoch + 1}, batch ${b + 1}) in ${culprit}; ` +
              'try a smaller learning rate, or `clip_norm` in the train section. The last checkpoint is kept.',
          );
        }
        state.step++;
        state.batchInEpoch = b + 1;
        samples += part.n;
        const ms = performance.now() - t0;
        trainMs += ms;
        opts.onStep?.({ step: state.step, ms, loss: lossValue });
        if (state.step % 10 === 0 || b === batches - 1 || state.step === 1) state.losses.push({ step: state.step, loss: lossValue });
        const speed = Math.round(speedNow());
        bar?.update(b + 1, { loss: lossValue.toFixed(4), speed });
        if (!bar && Date.now() - lastLine > 5000) {
          opts.log(`epoch ${epoch + 1} batch ${b + 1}/${batches} loss ${lossValue.toFixed(4)} ${speed} samples/s`);
          lastLine = Date.now();
        }
        if (opts.maxSteps !== undefined && state.step >= opts.maxSteps) {
          bar?.stop();
          await checkpoint();
          opts.log(`stopped after step ${state.step} (--max-steps); continue with --resume`);
          break outer;
        }
        if (state.step % opts.checkpointEvery === 0 && b < batches - 1) await checkpoint();
      }
      bar?.stop();
      evaluation = evaluate(graph, predict(tf, forward, vars, testSet), testSet);
      state.history.push({ epoch: epoch + 1, metrics: evaluation });
      state.epoch = epoch + 1;
      state.batchInEpoch = 0;
      const score = validationScore(graph, evaluation);
      opts.log(`epoch ${epoch + 1}/${epochs}: loss ${state.losses[state.losses.length - 1]?.loss.toFixed(4) ?? '-'} | ${epochSummary(evaluation)}`);
      let stop = false;
      if (spec.earlyStop && score !== undefined) {
        if (state.bestMetric === undefined || score.value > state.bestMetric) {
          state.bestMetric = score.value;
          state.badEpochs = 0;
        } else state.badEpochs = (state.badEpochs ?? 0) + 1;
        if (state.badEpochs >= spec.earlyStop.patience) {
          opts.log(`early stop: ${score.name} did not improve for ${spec.earlyStop.patience} epoch(s)`);
          stop = true;
          state.earlyStopped = true;
        }
      }
      await checkpoint();
      if (opts.onEpoch && !stop && epoch + 1 < epochs) await opts.onEpoch({ weights: currentWeights(), evaluation, state, final: false, samplesPerSecond: speedNow() });
      if (stop) break;
    }
    if (Object.keys(evaluation.tasks).length === 0) evaluation = evaluate(graph, predict(tf, forward, vars, testSet), testSet);
    const weights = currentWeights();
    if (opts.onEpoch) await opts.onEpoch({ weights, evaluation, state, final: true, samplesPerSecond: speedNow() });
    return { weights, evaluation, state, samplesPerSecond: speedNow() };
  } finally {
    bar?.stop();
    for (const v of Object.values(vars)) v.dispose();
  }
}

// The training loop on the TensorFlow.js lowering: seeded shuffled mini-batches, the tasks'
// weighted losses, one optimizer per parameter group, warm-up, gradient clipping, evaluation per
// epoch, early stopping, and atomic checkpoints that `--resume` continues from.
import { mkdirSync } from 'node:fs';
import type * as tfc from '@tensorflow/tfjs-core';
import cliProgress from 'cli-progress';
import seedrandom from 'seedrandom';
import { take, type Dataset } from '../data/encode.js';
import type { IRGraph, ParamGroup } from '../ir/types.js';
import type { NamedTensor } from '../io/safetensors.js';
import { buildForward } from '../lower/tfjs/forward.js';
import { initWeights } from '../lower/tfjs/init.js';
import { loadCheckpoint, saveCheckpoint, type TrainState } from './checkpoint.js';
import { batchTensors, evaluate, predict, type Evaluation } from './evaluate.js';
import { taskLoss } from './losses.js';
import { clipByGlobalNorm, learningRate, makeOptimizer, setLearningRate } from './optimizers.js';

type TF = typeof tfc;

export class TrainError extends Error {}

export interface TrainOptions {
  outDir: string;
  epochs?: number;
  resume: boolean;
  /** Save a resumable checkpoint every this many steps (and at every epoch end). */
  checkpointEvery: number;
  log: (line: string) => void;
  progress: boolean;
  /** Stop after this many steps in total (tests of resume). */
  maxSteps?: number;
}

export interface TrainResult {
  weights: Record<string, Float32Array>;
  evaluation: Evaluation;
  state: TrainState;
  samplesPerSecond: number;
}

let runs = 0;

function shuffled(idx: Int32Array, seed: number, epoch: number): Int32Array {
  const rng = seedrandom(`epoch:${seed}:${epoch}`);
  const a = Int32Array.from(idx);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function firstMetric(e: Evaluation): number | undefined {
  const first = Object.values(e.tasks)[0]?.all;
  if (!first) return undefined;
  return first.gauc ?? first.auc ?? (first.mse === undefined ? undefined : -first.mse);
}

export async function train(tf: TF, graph: IRGraph, data: Dataset, splitIdx: { train: Int32Array; test: Int32Array }, opts: TrainOptions): Promise<TrainResult> {
  mkdirSync(opts.outDir, { recursive: true });
  const spec = graph.train;
  const epochs = opts.epochs ?? spec.epochs;
  const run = runs++;
  const forward = buildForward(tf, graph);

  // Weights: from the checkpoint when resuming, else seeded initialisation.
  let state: TrainState = { step: 0, epoch: 0, batchInEpoch: 0, seed: spec.seed, model: graph.model, losses: [], history: [] };
  let initial: Record<string, Float32Array> = initWeights(graph, spec.seed);
  let slots: Record<string, NamedTensor> | undefined;
  if (opts.resume) {
    const ck = loadCheckpoint(opts.outDir);
    if (ck && 'error' in ck) throw new TrainError(ck.error);
    if (ck) {
      state = ck.state;
      initial = Object.fromEntries(Object.entries(ck.weights).map(([k, v]) => [k, v.data]));
      slots = ck.slots;
      opts.log(`resuming from step ${state.step} (epoch ${state.epoch + 1}, batch ${state.batchInEpoch})`);
    } else opts.log('no checkpoint to resume from: starting afresh');
  }
  const vars: Record<string, tfc.Variable> = {};
  const groupOf = new Map<string, ParamGroup>();
  for (const p of graph.params) {
    vars[p.name] = tf.variable(tf.tensor(initial[p.name]!, p.shape), p.trainable, `run${run}:${p.name}`);
    groupOf.set(vars[p.name]!.name, p.group);
  }
  const trainable = graph.params.filter((p) => p.trainable).map((p) => vars[p.name]!);
  const optimizers: Record<ParamGroup, tfc.Optimizer> = {
    embedding: makeOptimizer(tf, spec.optimizer.embedding),
    dense: makeOptimizer(tf, spec.optimizer.dense),
  };
  if (slots) {
    for (const group of ['embedding', 'dense'] as const) {
      const mine = Object.keys(slots).filter((k) => k.startsWith(`${group}/`)).sort();
      if (mine.length > 0) await optimizers[group].setWeights(mine.map((k) => ({ name: k, tensor: tf.tensor(slots![k]!.data, slots![k]!.shape) })));
    }
  }

  const snapshot = async (): Promise<{ weights: Record<string, NamedTensor>; slots: Record<string, NamedTensor> }> => {
    const weights: Record<string, NamedTensor> = {};
    for (const p of graph.params) weights[p.name] = { shape: p.shape, data: vars[p.name]!.dataSync() as Float32Array };
    const s: Record<string, NamedTensor> = {};
    for (const group of ['embedding', 'dense'] as const) {
      const ws = await optimizers[group].getWeights();
      ws.forEach((w, i) => {
        s[`${group}/${String(i).padStart(5, '0')}`] = { shape: w.tensor.shape, data: Float32Array.from(w.tensor.dataSync()) };
      });
    }
    return { weights, slots: s };
  };
  const checkpoint = async () => {
    const snap = await snapshot();
    saveCheckpoint(opts.outDir, snap.weights, snap.slots, state);
  };

  const trainSet = take(data, splitIdx.train);
  const testSet = take(data, splitIdx.test);
  const batches = Math.ceil(trainSet.n / spec.batch);
  const started = Date.now();
  let samples = 0;
  let evaluation: Evaluation = { tasks: {} };
  const bar = opts.progress
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {percentage}% | loss {loss} | {speed} samples/s | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;

  outer: for (let epoch = state.epoch; epoch < epochs; epoch++) {
    const order = shuffled(Int32Array.from({ length: trainSet.n }, (_, i) => i), spec.seed, epoch);
    bar?.start(batches, state.batchInEpoch, { epoch: epoch + 1, loss: '-', speed: '-' });
    let lastLine = Date.now();
    for (let b = state.batchInEpoch; b < batches; b++) {
      const part = take(trainSet, order.subarray(b * spec.batch, Math.min(trainSet.n, (b + 1) * spec.batch)));
      for (const g of ['embedding', 'dense'] as const) setLearningRate(optimizers[g], learningRate(spec.optimizer[g].lr, state.step, spec.warmupSteps));
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
        const clipped = spec.clipNorm ? clipByGlobalNorm(tf, grads, spec.clipNorm).grads : grads;
        for (const group of ['embedding', 'dense'] as const) {
          const mine: Record<string, tfc.Tensor> = {};
          for (const [name, g] of Object.entries(clipped)) if (groupOf.get(name) === group) mine[name] = g;
          if (Object.keys(mine).length > 0) optimizers[group].applyGradients(mine);
        }
        return loss;
      });
      if (!Number.isFinite(lossValue)) {
        bar?.stop();
        throw new TrainError(`the loss became ${lossValue} at step ${state.step + 1} (epoch ${epoch + 1}, batch ${b + 1}); try a smaller learning rate or clip_norm in the train section`);
      }
      state.step++;
      state.batchInEpoch = b + 1;
      samples += part.n;
      if (state.step % 10 === 0 || b === batches - 1) state.losses.push({ step: state.step, loss: lossValue });
      const speed = Math.round(samples / ((Date.now() - started) / 1000));
      bar?.update(b + 1, { loss: lossValue.toFixed(4), speed });
      if (!bar && Date.now() - lastLine > 5000) {
        opts.log(`epoch ${epoch + 1} batch ${b + 1}/${batches} loss ${lossValue.toFixed(4)} ${speed} samples/s`);
        lastLine = Date.now();
      }
      if (state.step % opts.checkpointEvery === 0) await checkpoint();
      if (opts.maxSteps !== undefined && state.step >= opts.maxSteps) {
        bar?.stop();
        await checkpoint();
        break outer;
      }
    }
    bar?.stop();
    evaluation = evaluate(graph, predict(tf, forward, vars, testSet), testSet);
    state.history.push({ epoch: epoch + 1, metrics: evaluation });
    state.epoch = epoch + 1;
    state.batchInEpoch = 0;
    const m = firstMetric(evaluation);
    opts.log(`epoch ${epoch + 1}: loss ${state.losses[state.losses.length - 1]?.loss.toFixed(4) ?? '-'}${m === undefined ? '' : `, validation ${m.toFixed(4)}`}`);
    if (spec.earlyStop && m !== undefined) {
      if (state.bestMetric === undefined || m > state.bestMetric) {
        state.bestMetric = m;
        state.badEpochs = 0;
      } else state.badEpochs = (state.badEpochs ?? 0) + 1;
    }
    await checkpoint();
    if (spec.earlyStop && (state.badEpochs ?? 0) >= spec.earlyStop.patience) {
      opts.log(`early stop: no improvement for ${spec.earlyStop.patience} epoch(s)`);
      break;
    }
  }
  if (Object.keys(evaluation.tasks).length === 0) evaluation = evaluate(graph, predict(tf, forward, vars, testSet), testSet);
  const weights = Object.fromEntries(graph.params.map((p) => [p.name, Float32Array.from(vars[p.name]!.dataSync())]));
  const seconds = (Date.now() - started) / 1000;
  for (const v of Object.values(vars)) v.dispose();
  for (const o of Object.values(optimizers)) o.dispose();
  return { weights, evaluation, state, samplesPerSecond: samples / Math.max(seconds, 1e-9) };
}

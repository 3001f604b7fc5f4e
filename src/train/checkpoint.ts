// Checkpoints. `checkpoint.safetensors` is the one file a resume reads: the weights, the
// optimizers' slots and the training state (in its metadata), so weights and state can never
// disagree, and each write is atomic, so a killed run never leaves a half-written file.
// `state.json` repeats the state for people and tools (step, epoch, shuffle position, table sizes,
// optimizer slots, metrics history); it is written after the checkpoint and never read back.
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { StagedWrites, writeFileAtomic } from '../io/atomic-write.js';
import { checkWeights, safetensorsParts, type Decoded, type NamedTensor } from '../io/safetensors.js';
import { readSafetensorsFile } from '../io/safetensors-file.js';
import type { IRGraph } from '../ir/types.js';
import { isObject, nonFiniteTensors, stateProblems } from './checkpoint-check.js';

export interface TrainState {
  /**
   * The stage in progress (absent in checkpoints of plans with one stage, and written before
   * stages existed: the first stage). Step, epoch and batch count within it.
   */
  stage?: string;
  /** Optimizer steps taken in the stage. */
  step: number;
  /** Optimizer steps of the stages finished before it (absent: none). */
  doneSteps?: number;
  /** The epoch in progress, and how many of its batches are done. */
  epoch: number;
  batchInEpoch: number;
  seed: number;
  model: string;
  /**
   * The shuffle is a pure function of (seed, epoch): seedrandom(`epoch:<seed>:<epoch>`) drives a
   * Fisher–Yates shuffle of the training rows; `batchInEpoch` batches of it are consumed.
   */
  rng?: { kind: 'seedrandom-fisher-yates'; key: string; consumedRows: number };
  /** Rows of every embedding table (vocabulary, hash and bucket sizes): a resume checks them. */
  tables?: Record<string, number>;
  /**
   * Per parameter group: optimizer kind, the current learning rate, its step count and its slot
   * tensors (`<parameter>/<slot>`, stored as `optimizer/<parameter>/<slot>`). Checkpoints written
   * with tfjs's optimizers have no step here and list positional slots, `<group>/<index> (<name>)`.
   */
  optimizer?: Record<string, { kind: string; lr: number; step?: number; slots: string[] }>;
  /** The loss every 10 steps; `step` counts every stage's steps, `stage` is set when there are several. */
  losses: Array<{ step: number; loss: number; stage?: string }>;
  history: Array<{ epoch: number; metrics: unknown; stage?: string }>;
  bestMetric?: number;
  badEpochs?: number;
  /** Early stopping ended the run: a resume trains no further. */
  earlyStopped?: boolean;
}

export const CHECKPOINT = 'checkpoint.safetensors';
export const STATE_JSON = 'state.json';

/** Rows per embedding table, as the spec declares them. */
export function tableSizes(graph: IRGraph): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of graph.features) if (f.kind === 'id' || f.kind === 'seq' || f.kind === 'bucketize') out[f.table] = f.rows;
  return out;
}

export function saveCheckpoint(dir: string, weights: Record<string, NamedTensor>, slots: Record<string, NamedTensor>, state: TrainState): void {
  const tensors: Record<string, NamedTensor> = { ...weights };
  for (const [k, v] of Object.entries(slots)) tensors[`optimizer/${k}`] = v;
  // the checkpoint and its state.json go in place together: a failed write changes neither
  const staged = new StagedWrites();
  staged.file(join(dir, CHECKPOINT), safetensorsParts(tensors, { 'recc.state': JSON.stringify(state) }));
  staged.file(join(dir, STATE_JSON), `${JSON.stringify({ checkpoint: CHECKPOINT, ...state }, null, 2)}\n`);
  staged.commit();
}

export function saveWeights(path: string, weights: Record<string, NamedTensor>, meta: Record<string, string>): void {
  writeFileAtomic(path, safetensorsParts(weights, meta));
}

export interface Checkpoint {
  weights: Record<string, NamedTensor>;
  slots: Record<string, NamedTensor>;
  state: TrainState;
}

/**
 * The checkpoint in `dir`: undefined when there is none, an error when it is unreadable or was
 * written for another model (other parameters, shapes or table sizes).
 */
export function loadCheckpoint(dir: string, graph?: IRGraph): Checkpoint | { error: string } | undefined {
  const path = join(dir, CHECKPOINT);
  let r: Decoded | { error: string };
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO in its place would otherwise wait for a writer
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { error: `${path} is not a file (a checkpoint is one safetensors file); move it away or use another --out` };
    // a tensor at a time: a checkpoint with its optimizer's slots may be more than Node reads whole
    r = readSafetensorsFile(fd, stats.size);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { error: `${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if ('error' in r) return { error: `${path}: ${r.error}` };
  const raw = Object.hasOwn(r.metadata, 'recc.state') ? r.metadata['recc.state'] : undefined;
  if (!raw) return { error: `${path}: no training state in the metadata (is it a checkpoint written by recc train?)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: `${path}: the training state in the metadata is not valid JSON` };
  }
  const malformed = stateProblems(parsed);
  if (malformed.length > 0) return { error: `${path}: the training state is malformed; start afresh without --resume or use another --out:\n${malformed.map((p) => `  ${p}`).join('\n')}` };
  const state = parsed as TrainState;
  for (const h of state.history) nanForNull(h.metrics);
  const infinite = nonFiniteTensors(r.tensors);
  if (infinite.length > 0) return { error: `${path}: the checkpoint holds values that are not finite, so training cannot continue from it:\n${infinite.map((p) => `  ${p}`).join('\n')}` };
  const weights: Record<string, NamedTensor> = Object.create(null);
  const slots: Record<string, NamedTensor> = Object.create(null);
  for (const [k, v] of Object.entries(r.tensors)) {
    if (k.startsWith('optimizer/')) slots[k.slice('optimizer/'.length)] = v;
    else weights[k] = v;
  }
  const saved = optimizerStates({ weights, slots, state });
  if ('error' in saved) return { error: `${path}: ${saved.error}` };
  if (graph) {
    const problems = checkWeights(graph.params, weights);
    const want = tableSizes(graph);
    for (const [t, rows] of Object.entries(state.tables ?? {})) {
      if (want[t] !== undefined && want[t] !== rows) problems.push(`table ${t} has ${rows} rows in the checkpoint, the spec gives it ${want[t]}`);
    }
    if (state.model !== graph.model) problems.unshift(`written for model \`${state.model}\`, the spec is \`${graph.model}\``);
    if (problems.length > 0) return { error: `${path} does not match the spec; start afresh without --resume or use another --out:\n${problems.map((p) => `  ${p}`).join('\n')}` };
  }
  return { weights, slots, state };
}

/**
 * JSON has no NaN: a metric that was NaN (n/a: a group with one class) was written as null. Put NaN
 * back, so that a resumed run reports its earlier epochs as it reported them (an evaluation's
 * values, `tasks → group → metric`, are numbers).
 */
function nanForNull(metrics: unknown): void {
  const tasks = isObject(metrics) && isObject(metrics.tasks) ? metrics.tasks : {};
  for (const groups of Object.values(tasks)) {
    if (!isObject(groups)) continue;
    for (const row of Object.values(groups)) {
      if (!isObject(row)) continue;
      for (const k of Object.keys(row)) if (row[k] === null) row[k] = NaN;
    }
  }
}

/** One group's optimizer state in a checkpoint: its step count and slots by `<parameter>/<slot>`. */
export interface OptimizerState {
  step: number;
  slots: Record<string, NamedTensor>;
}

/**
 * The optimizer state of each parameter group. Also reads checkpoints written when training used
 * tfjs's optimizers: their slots were saved by position (`<group>/<index>`), and the state lists
 * each as `<group>/<index> (<name>)` with tfjs's names, `iter` for the step count and
 * `<parameter>/m`, `/v`, `/accumulator` for the slots, which are the names used now.
 */
export function optimizerStates(ck: Checkpoint): { groups: Record<string, OptimizerState> } | { error: string } {
  const out: Record<string, OptimizerState> = {};
  for (const [group, entry] of Object.entries(ck.state.optimizer ?? {})) {
    const slots: Record<string, NamedTensor> = {};
    let step = entry.step;
    for (const listed of entry.slots) {
      const legacy = /^(\S+) \((.+)\)$/.exec(listed);
      const key = legacy ? legacy[1]! : listed;
      const t = Object.hasOwn(ck.slots, key) ? ck.slots[key] : undefined;
      if (!t) return { error: `the checkpoint lists optimizer slot ${key} but does not hold it` };
      if (legacy?.[2] === 'iter') step = t.data[0];
      else slots[legacy ? legacy[2]! : key] = t;
    }
    if (step === undefined || !Number.isInteger(step) || step < 0) return { error: `the checkpoint has no valid step count for the ${group} optimizer` };
    out[group] = { step, slots };
  }
  return { groups: out };
}

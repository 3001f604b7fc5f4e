// LiMAML on TensorFlow.js after training (Alg. 2b): a task's meta embedding (adapt on its rows,
// embed its latest row) and the global block's predictions from embeddings. The training-time
// evaluation, `recc meta-embed` and the tests all go through here, so that they compute the same
// numbers as meta.onnx and global.onnx (the same IR entries, limamlProgram).
import type * as tfc from '@tensorflow/tfjs-core';
import { slice, type Dataset } from '../data/preprocess.js';
import { GLOBAL_ENTRY, META_ENTRY, type MetaSpec } from '../ir/meta.js';
import { limamlProgram } from '../ir/passes/limaml.js';
import { SUPPORT_ROWS_MASK, supportInputName } from '../ir/passes/maml.js';
import type { StagePlan } from '../ir/plan.js';
import type { IRGraph, TaskSpec } from '../ir/types.js';
import { buildForward, type Forward } from '../lower/tfjs/forward.js';
import { batchTensors } from './evaluate.js';
import { taskTensors } from './task-tensors.js';

type TF = typeof tfc;

/** Row indices of each key, in data order (the first time a key appears orders the keys). */
export function groupByKey(keys: readonly string[], rows?: ArrayLike<number>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const n = rows ? rows.length : keys.length;
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    const k = keys[r]!;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** A task's support rows as the `support.*` inputs, with their labels and a mask of ones. */
export function supportTensors(tf: TF, tasks: readonly TaskSpec[], rows: Dataset): Record<string, tfc.Tensor> {
  const own = { ...batchTensors(tf, rows), ...taskTensors(tf, tasks, rows) };
  const out: Record<string, tfc.Tensor> = Object.fromEntries(Object.entries(own).map(([k, v]) => [supportInputName(k), v]));
  out[SUPPORT_ROWS_MASK] = tf.ones([rows.n]);
  return out;
}

export interface MetaRunner {
  meta: MetaSpec;
  steps: number;
  /** Embedding width. */
  dim: number;
  tasks: readonly TaskSpec[];
  embed: Forward;
  global: Forward;
}

/**
 * The adapt-and-embed and global forwards of a graph (objectives applied) with `steps` inner
 * steps: as the model serves, or as `stage` is evaluated (limamlProgram).
 */
export function metaRunner(tf: TF, graph: IRGraph, steps: number, stage?: StagePlan): MetaRunner {
  const meta = graph.meta;
  if (!meta) throw new Error('internal: metaRunner: the model has no meta block');
  const program = limamlProgram(graph, steps, stage);
  return {
    meta,
    steps,
    dim: graph.nodes[meta.embedding]!.shape[1] as number,
    tasks: graph.tasks,
    embed: buildForward(tf, program, META_ENTRY),
    global: buildForward(tf, program, GLOBAL_ENTRY),
  };
}

/**
 * The meta embedding of one task from its rows (oldest first): `steps` SGD steps on all of them,
 * then the meta block on the last. With no steps only the last row is read.
 */
export function embedTask(tf: TF, m: MetaRunner, params: Record<string, tfc.Tensor>, rows: Dataset): Float32Array {
  if (rows.n === 0) throw new Error('internal: embedTask: a task without rows');
  return tf.tidy(() => {
    const latest = batchTensors(tf, slice(rows, [rows.n - 1]));
    const inputs = m.steps > 0 ? { ...latest, ...supportTensors(tf, m.tasks, rows) } : latest;
    return m.embed(params, inputs).outputs[m.meta.name]!.dataSync() as Float32Array;
  });
}

/** The global block's task outputs for rows, each reading its embedding (n × dim, row-major). */
export function globalPredict(tf: TF, m: MetaRunner, params: Record<string, tfc.Tensor>, rows: Dataset, embeddings: Float32Array, batch = 4096): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = Object.create(null); // task names are the user's
  for (let start = 0; start < rows.n; start += batch) {
    const idx = Array.from({ length: Math.min(batch, rows.n - start) }, (_, i) => start + i);
    const res = tf.tidy(() => {
      const e = tf.tensor2d(embeddings.subarray(start * m.dim, (start + idx.length) * m.dim), [idx.length, m.dim]);
      const { outputs } = m.global(params, { ...batchTensors(tf, slice(rows, idx)), [m.meta.name]: e });
      return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.dataSync() as Float32Array]));
    });
    for (const [k, v] of Object.entries(res)) {
      const full = (out[k] ??= new Float32Array(rows.n * (v.length / idx.length)));
      full.set(v, start * (v.length / idx.length));
    }
  }
  return out;
}

/**
 * The paper's evaluation (§6.1): each task of `query` adapted on its rows in `support` (same key),
 * its embedding from its latest support row, its query rows scored by the global block. A task
 * with no support rows is embedded unadapted from its first query row (its features only).
 */
export function metaPredict(tf: TF, m: MetaRunner, unadapted: MetaRunner, params: Record<string, tfc.Tensor>, support: Dataset, query: Dataset): Record<string, Float32Array> {
  const key = m.meta.key;
  const supportRows = groupByKey(support.keys[key] ?? []);
  const embeddings = new Float32Array(query.n * m.dim);
  for (const [k, rows] of groupByKey(query.keys[key] ?? [])) {
    const own = supportRows.get(k);
    const e = own ? embedTask(tf, m, params, slice(support, own)) : embedTask(tf, unadapted, params, slice(query, [rows[0]!]));
    for (const r of rows) embeddings.set(e, r * m.dim);
  }
  return globalPredict(tf, m, params, query, embeddings);
}

/**
 * The predictions a stage of a model with a meta block is evaluated by: each task of the query
 * rows adapted on its rows of `support` (metaPredict), as the stage's objective descends.
 */
export function adaptedPredictions(tf: TF, graph: IRGraph, stage: StagePlan, support: Dataset): (params: Record<string, tfc.Tensor>, query: Dataset) => Record<string, Float32Array> {
  const meta = graph.meta;
  if (!meta) throw new Error('internal: adaptedPredictions: the model has no meta block');
  const adapted = metaRunner(tf, graph, meta.steps, stage);
  const unadapted = metaRunner(tf, graph, 0, stage);
  return (params, query) => metaPredict(tf, adapted, unadapted, params, support, query);
}

// Predictions in batches and the metrics of each task, overall and per group.
import type * as tfc from '@tensorflow/tfjs-core';
import { modelInputs, slice, type Dataset } from '../data/preprocess.js';
import { getEntry, SERVE } from '../ir/entry.js';
import type { IRGraph, MetricSpec, TaskSpec } from '../ir/types.js';
import { buildForward, type Forward } from '../lower/tfjs/forward.js';
import { auc, gauc, gradedNdcgAtK, logloss, mae, mse, ndcgAtK, recallAtK } from './metrics.js';

type TF = typeof tfc;

/** The graph inputs of a batch as tensors: features and support sets. */
export function batchTensors(tf: TF, ds: Dataset): Record<string, tfc.Tensor> {
  return Object.fromEntries(
    Object.entries(modelInputs(ds)).map(([k, { data, shape }]) => [k, tf.tensor(data, [ds.n, ...shape], data instanceof Int32Array ? 'int32' : 'float32')]),
  );
}

/**
 * The forward pass of an entry that predict() evaluates, and the tasks it scores from another node
 * than their output (next_item: each row's summed loss and predicted positions,
 * semantics/next-item.ts), as training and `recc eval` both score them.
 */
export function evaluationForward(tf: TF, graph: IRGraph, entryName = SERVE): { forward: Forward; instead: Record<string, number> } {
  const entry = getEntry(graph, entryName);
  if (!entry) throw new Error(`internal: ${graph.model} has no entry ${entryName}`);
  const instead = Object.fromEntries(graph.tasks.flatMap((t) => (t.evaluation !== undefined && Object.hasOwn(entry.outputs, t.name) ? [[t.name, t.evaluation]] : [])));
  return { forward: buildForward(tf, graph, entryName, { also: Object.values(instead) }), instead };
}

/**
 * Task outputs for every row (binary: probability; regression: value; multiclass: n × C class
 * probabilities). `instead`: tasks evaluated from another node than their output (next_item: n × 2,
 * each row's summed loss and count), which `forward` computes (its `also`).
 */
export function predict(tf: TF, forward: Forward, params: Record<string, tfc.Tensor>, ds: Dataset, batch = 4096, instead: Record<string, number> = {}): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = Object.create(null); // task names are the user's
  for (let start = 0; start < ds.n; start += batch) {
    const idx = Array.from({ length: Math.min(batch, ds.n - start) }, (_, i) => start + i);
    const part = slice(ds, idx);
    const res = tf.tidy(() => {
      const { outputs, nodes } = forward(params, batchTensors(tf, part));
      return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, (Object.hasOwn(instead, k) ? nodes.get(instead[k]!)! : v).dataSync() as Float32Array]));
    });
    for (const [k, v] of Object.entries(res)) {
      const full = (out[k] ??= new Float32Array(ds.n * (v.length / idx.length)));
      full.set(v, start * (v.length / idx.length));
    }
  }
  return out;
}

export type MetricRow = Record<string, number>;

/**
 * The key of each metric of a list in a MetricRow: `auc`, `gauc`, `logloss`, `mse`, `mae`,
 * `recall@k`, `ndcg@k`; with its column when the list has two of that key (`gauc(user)` and
 * `gauc(item)`), which otherwise wrote one column over the other.
 */
export function metricKeys(metrics: readonly MetricSpec[]): string[] {
  const base = metrics.map((m) => (m.kind === 'recall' || m.kind === 'ndcg' ? `${m.kind}@${m.k}` : m.kind));
  return base.map((k, i) => {
    const m = metrics[i]!;
    return 'by' in m && base.filter((x) => x === k).length > 1 ? `${k}(${m.by})` : k;
  });
}

/** Metrics where smaller is better (early stopping negates them). */
export const LOWER_IS_BETTER = new Set(['logloss', 'mse', 'mae', 'nll']);

function metricsOf(task: TaskSpec, metrics: MetricSpec[], p: Float32Array, y: Float32Array, keys: Dataset['keys']): MetricRow {
  const row: MetricRow = { n: y.length };
  if (task.kind === 'next_item') {
    // p holds n × (summed loss, predicted positions): the held-out loss per predicted item
    let loss = 0;
    let count = 0;
    for (let i = 0; i < y.length; i++) {
      loss += p[2 * i]!;
      count += p[2 * i + 1]!;
    }
    row.nll = count === 0 ? NaN : loss / count;
    return row;
  }
  if (task.kind === 'multiclass') {
    // p holds n × C class probabilities; y holds class indices.
    const c = task.classes;
    let hit = 0;
    let ce = 0;
    for (let i = 0; i < y.length; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (p[i * c + j]! > p[i * c + best]!) best = j;
      if (best === y[i]) hit++;
      ce -= Math.log(Math.max(1e-7, p[i * c + y[i]!] ?? 0));
    }
    row.accuracy = y.length === 0 ? NaN : hit / y.length;
    row.logloss = y.length === 0 ? NaN : ce / y.length;
    return row;
  }
  const named = metricKeys(metrics);
  for (const [i, m] of metrics.entries()) {
    const key = named[i]!;
    if (task.kind === 'binary') {
      if (m.kind === 'auc') row.auc = auc(p, y);
      if (m.kind === 'gauc' && keys[m.by]) row[key] = gauc(p, y, keys[m.by]!).value;
      if (m.kind === 'logloss') row.logloss = logloss(p, y);
      // of the predicted probability: the Brier score, and its absolute counterpart
      if (m.kind === 'mse') row.mse = mse(p, y);
      if (m.kind === 'mae') row.mae = mae(p, y);
      if ((m.kind === 'recall' || m.kind === 'ndcg') && keys[m.by]) row[key] = (m.kind === 'recall' ? recallAtK : ndcgAtK)(p, y, keys[m.by]!, m.k).value;
    }
    if (task.kind === 'regression') {
      if (m.kind === 'mse') row.mse = mse(p, y);
      if (m.kind === 'mae') row.mae = mae(p, y);
      if (m.kind === 'ndcg' && keys[m.by]) row[key] = gradedNdcgAtK(p, y, keys[m.by]!, m.k).value;
    }
  }
  if (task.kind === 'regression' && row.mse === undefined) row.mse = mse(p, y);
  if (task.kind === 'binary' && row.auc === undefined) row.auc = auc(p, y);
  return row;
}

export interface Evaluation {
  /** task → group ('all' and each group value) → metric → value */
  tasks: Record<string, Record<string, MetricRow>>;
}

export function evaluate(graph: IRGraph, preds: Record<string, Float32Array>, ds: Dataset): Evaluation {
  const out: Evaluation = { tasks: Object.create(null) };
  const groupCol = graph.train.groupBy;
  const groups = groupCol && ds.keys[groupCol] ? [...new Set(ds.keys[groupCol])].sort() : [];
  for (const t of graph.tasks) {
    // No rows, no batches: a predictor leaves out the tasks of an empty set, whose metrics are n/a.
    const p = preds[t.name] ?? new Float32Array(0);
    const y = ds.labels[t.name] ?? new Float32Array(0);
    const rows: Record<string, MetricRow> = { all: metricsOf(t, graph.train.metrics, p, y, ds.keys) };
    for (const g of groups) {
      const idx = ds.keys[groupCol!]!.flatMap((v, i) => (v === g ? [i] : []));
      const w = y.length === 0 ? 1 : p.length / y.length; // classes per row (multiclass)
      const sub = (a: Float32Array, width = 1) => Float32Array.from({ length: idx.length * width }, (_, k) => a[idx[Math.floor(k / width)]! * width + (k % width)]!);
      const subKeys = Object.fromEntries(Object.entries(ds.keys).map(([k, v]) => [k, idx.map((i) => v[i]!)]));
      rows[`${groupCol}=${groupValueText(g)}`] = metricsOf(t, graph.train.metrics, sub(p, w), sub(y), subKeys);
    }
    out.tasks[t.name] = rows;
  }
  return out;
}

/** A metric as every report shows it: four decimals, or `n/a` where it is undefined (AUC of one class). */
export const metricText = (v: number): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(4));

/** A cell of a group's row: the row count as it is, a metric by metricText, nothing for a metric it lacks. */
export const cellText = (r: Record<string, number>, c: string): string => (r[c] === undefined ? '' : c === 'n' ? String(r[c]) : metricText(r[c]!));

/**
 * A group's value as its row names it: quoted when empty or blank at either end, so that groups
 * `""` and `" "` are not both shown as `col=` (as written otherwise).
 */
export const groupValueText = (v: string): string => (v === '' || v.trim() !== v ? JSON.stringify(v) : v);

/** The metrics as an aligned text table. */
export function formatEvaluation(e: Evaluation): string {
  const lines: string[] = [];
  for (const [task, groups] of Object.entries(e.tasks)) {
    const cols = [...new Set(Object.values(groups).flatMap((r) => Object.keys(r)))];
    // the group column as wide as its longest name (slices like `task_samples=fewer than 25`)
    const w = Math.max(20, ...Object.keys(groups).map((g) => g.length + 2));
    lines.push(`task ${task}`);
    lines.push(`  ${'group'.padEnd(w)}${cols.map((c) => c.padStart(10)).join('')}`);
    for (const [g, r] of Object.entries(groups)) {
      lines.push(`  ${g.padEnd(w)}${cols.map((c) => cellText(r, c).padStart(10)).join('')}`);
    }
  }
  return lines.join('\n');
}

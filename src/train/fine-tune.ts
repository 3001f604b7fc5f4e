// Per-task fine-tuning at evaluation (LiMAML §6.2, the "with fine-tuning" rows of Table 3): for each
// task, `steps` SGD steps of `lr` on the chosen parameters over its support rows, then its query
// rows scored with the adapted parameters (every parameter for the vanilla model; the meta block's
// for a model trained by MAML over the whole network). The adapted forward is an IR graph
// (passes/maml.ts adaptedNodes), evaluated once per task.
import type * as tfc from '@tensorflow/tfjs-core';
import { slice, type Dataset } from '../data/preprocess.js';
import { SERVE } from '../ir/entry.js';
import { adaptedNodes } from '../ir/passes/maml.js';
import { trainingObjective } from '../ir/passes/limaml.js';
import type { IRGraph } from '../ir/types.js';
import { buildForward } from '../lower/tfjs/forward.js';
import { batchTensors } from './evaluate.js';
import { groupByKey, supportTensors } from './meta-embed.js';

type TF = typeof tfc;

const TUNED = 'fine_tuned';

/** Predictions of `query` rows, each task (rows sharing `key`) fine-tuned on its rows in `support`; a task without support rows is scored untuned. */
export type FineTuned = (params: Record<string, tfc.Tensor>, support: Dataset, query: Dataset) => Record<string, Float32Array>;

export function fineTuner(tf: TF, graph: IRGraph, key: string, adapt: readonly string[], o: { steps: number; lr: number }): FineTuned {
  const outputs = graph.tasks.map((t) => t.output);
  const a = adaptedNodes(graph, trainingObjective(graph), outputs, adapt, { ...o, order: 'second' });
  const tuned = buildForward(tf, { ...a.graph, entries: { ...a.graph.entries, [TUNED]: { inputs: { ...a.graph.inputs }, outputs: Object.fromEntries(graph.tasks.map((t, k) => [t.name, a.nodes[k]!])) } } }, TUNED);
  const plain = buildForward(tf, graph, SERVE);
  return (params, support, query) => {
    const out: Record<string, Float32Array> = Object.create(null); // task names are the user's
    const bySupport = groupByKey(support.keys[key] ?? []);
    for (const rows of groupByKey(query.keys[key] ?? []).values()) {
      const own = bySupport.get(query.keys[key]![rows[0]!]!);
      const res = tf.tidy(() => {
        const q = batchTensors(tf, slice(query, rows));
        const r = own ? tuned(params, { ...q, ...supportTensors(tf, graph.tasks, slice(support, own)) }) : plain(params, q);
        return Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.dataSync() as Float32Array]));
      });
      for (const [k, v] of Object.entries(res)) {
        const width = v.length / rows.length;
        const full = (out[k] ??= new Float32Array(query.n * width));
        rows.forEach((r, i) => full.set(v.subarray(i * width, (i + 1) * width), r * width));
      }
    }
    return out;
  };
}

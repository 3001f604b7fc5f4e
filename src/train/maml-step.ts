// MAML's optimizer step on TensorFlow.js (LiMAML, Alg. 2a), the unit that replaces the supervised
// step in a stage whose step kind is `maml`. For each task of the batch (the rows sharing a key,
// in data order = time order): its first `support` fraction of rows is the support set, the rest
// the query set; the task's outer gradient is one evaluation of the IR graph of passes/maml.ts
// (inner SGD steps on θ_meta, the query loss with θ′_meta, its gradient with respect to every
// trained parameter, second order unless `order: first`). The gradients are averaged over the
// batch's tasks, clipped to the stage's global norm (1.0 by default: §6.4), and each group's
// optimizer applies them. Tasks with a single row have no query row and are skipped.
//
// Hand-written rather than tf.grad nested twice: the gradient graph is the IR's, the same one the
// ONNX and PyTorch lowerings compute (the float64 test checks it against PyTorch autograd).
import type * as tfc from '@tensorflow/tfjs-core';
import { slice, type Dataset } from '../data/preprocess.js';
import { getEntry } from '../ir/entry.js';
import { mamlGraph } from '../ir/passes/maml.js';
import type { StagePlan } from '../ir/plan.js';
import type { IRGraph } from '../ir/types.js';
import { buildForward, type Forward } from '../lower/tfjs/forward.js';
import { batchTensors } from './evaluate.js';
import { groupByKey, supportTensors } from './meta-embed.js';
import { applyGradients, type SupervisedStep } from './supervised-step.js';
import { taskTensors } from './task-tensors.js';

type TF = typeof tfc;

/** Rows of a task of n rows that are its support set: the first ⌈fraction·n⌉, leaving at least one query row. */
export function supportCount(n: number, fraction: number): number {
  return Math.max(1, Math.min(n - 1, Math.ceil(fraction * n)));
}

export interface MamlTraining {
  step(s: SupervisedStep, batch: Dataset, step: number): number;
}

const MAML_ENTRY = 'maml';

export function mamlTraining(tf: TF, graph: IRGraph, stage: StagePlan): MamlTraining {
  const { step: kind, batching } = stage;
  const meta = graph.meta;
  if (kind.kind !== 'maml' || batching.kind !== 'tasks' || !meta) throw new Error(`internal: stage ${stage.name} is not a MAML stage`);
  const objective = getEntry(graph, stage.entry)?.objective;
  if (objective === undefined) throw new Error('internal: the MAML step needs the objectives pass first');
  const trained = stage.trainable;
  const m = mamlGraph(graph, objective, meta.params, trained, { steps: kind.steps, lr: kind.lr, order: kind.order });
  const g: IRGraph = { ...m.graph, entries: { ...m.graph.entries, [MAML_ENTRY]: { inputs: { ...m.graph.inputs }, outputs: { loss: m.loss } } } };
  const withGrad = trained.flatMap((name, k) => (m.grads[k] === undefined ? [] : [{ name, node: m.grads[k]! }]));
  const forward: Forward = buildForward(tf, g, MAML_ENTRY, { also: withGrad.map((w) => w.node) });

  return {
    step(s, batch, step) {
      const tasks = [...groupByKey(batch.keys[batching.key] ?? []).values()].filter((rows) => rows.length >= 2);
      if (tasks.length === 0) return 0; // nothing to learn from (single-row tasks only)
      const sums: tfc.Tensor[] = [];
      let loss = 0;
      for (const rows of tasks) {
        const ns = supportCount(rows.length, batching.support);
        const support = slice(batch, rows.slice(0, ns));
        const query = slice(batch, rows.slice(ns));
        const [l, ...grads] = tf.tidy(() => {
          const r = forward(s.vars, { ...supportTensors(tf, graph.tasks, support), ...batchTensors(tf, query), ...taskTensors(tf, graph.tasks, query) });
          return [r.nodes.get(m.loss)!, ...withGrad.map((w) => r.nodes.get(w.node)!)];
        });
        loss += l!.dataSync()[0]!;
        l!.dispose();
        grads.forEach((gk, k) => {
          const before = sums[k];
          sums[k] = before ? tf.add(before, gk) : gk;
          if (before) {
            before.dispose();
            gk.dispose();
          }
        });
      }
      loss /= tasks.length;
      return tf.tidy(() => {
        const mean: Record<string, tfc.Tensor> = {};
        withGrad.forEach((w, k) => (mean[s.vars[w.name]!.name] = tf.div(sums[k]!, tasks.length)));
        for (const t of sums) t.dispose();
        if (Number.isFinite(loss)) applyGradients(tf, s, mean, step);
        return loss;
      });
    },
  };
}

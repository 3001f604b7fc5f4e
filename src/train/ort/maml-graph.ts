// MAML's step on onnxruntime (LiMAML, Alg. 2a): the outer gradient graph of one task
// (ir/passes/maml.ts: inner SGD steps on θ_meta over the support rows, the query loss with θ′,
// its gradient with respect to every trained parameter, second order unless `order: first`),
// lowered to ONNX and run once per task of a batch. What train/maml-step.ts does on TensorFlow.js,
// with the same conventions: a task is the rows sharing the key, in data order; its first
// `support` fraction of rows is the support set (supportCount), the rest the query set; tasks
// of one row are skipped; the gradients are averaged over the tasks (summed in float32, in task
// order, then divided, as there). The caller clips and applies them.
import type * as OrtModule from 'onnxruntime-node';
import { slice, type Dataset } from '../../data/preprocess.js';
import { getEntry } from '../../ir/entry.js';
import { mamlGraph, SUPPORT_PREFIX, SUPPORT_ROWS_MASK, supportInputName } from '../../ir/passes/maml.js';
import type { StagePlan } from '../../ir/plan.js';
import type { IRGraph } from '../../ir/types.js';
import { lowerFunction } from '../../lower/onnx/function.js';
import { supportCount } from '../maml-step.js';
import { groupByKey } from '../meta-embed.js';
import { batchFeeds } from './feeds.js';
import { sessionOptions, type OrtBackendOptions } from './session-options.js';

const LOSS = 'loss';
const gradOf = (param: string) => `grad:${param}`;

export interface OrtMamlStep {
  /** The mean query loss and mean outer gradients of the batch's tasks; undefined when no task has two rows. */
  run(batch: Dataset, trained: Record<string, { data: Float32Array; shape: number[] }>): Promise<{ loss: number; grads: Array<{ param: string; g: Float32Array }> } | undefined>;
  release(): Promise<void>;
}

export async function ortMamlStep(ort: typeof OrtModule, graph: IRGraph, stage: StagePlan, frozen: Record<string, Float32Array>, o: OrtBackendOptions): Promise<OrtMamlStep> {
  const { step: kind, batching } = stage;
  const meta = graph.meta;
  if (kind.kind !== 'maml' || batching.kind !== 'tasks' || !meta) throw new Error(`internal: stage ${stage.name} is not a MAML stage`);
  const objective = getEntry(graph, stage.entry)?.objective;
  if (objective === undefined) throw new Error('internal: the MAML step needs the objectives pass first');
  const m = mamlGraph(graph, objective, meta.params, stage.trainable, { steps: kind.steps, lr: kind.lr, order: kind.order });
  const withGrad = stage.trainable.flatMap((param, k) => (m.grads[k] === undefined ? [] : [{ param, node: m.grads[k]! }]));
  const outputs: Record<string, number> = { [LOSS]: m.loss, ...Object.fromEntries(withGrad.map((w) => [gradOf(w.param), w.node])) };
  const bytes = lowerFunction(m.graph, { outputs, weights: frozen, name: `${graph.model}.${stage.name}.maml` });
  const session = await ort.InferenceSession.create(bytes, sessionOptions(o));
  const wanted = new Set(session.inputNames);
  // the support rows' inputs, by their own names (batchFeeds names them so), then prefixed
  const supportWanted = new Set(session.inputNames.filter((n) => n.startsWith(SUPPORT_PREFIX) && n !== SUPPORT_ROWS_MASK).map((n) => n.slice(SUPPORT_PREFIX.length)));

  return {
    async run(batch, trained) {
      const tasks = [...groupByKey(batch.keys[batching.key] ?? []).values()].filter((rows) => rows.length >= 2);
      if (tasks.length === 0) return undefined;
      const sums = withGrad.map((w) => new Float32Array(trained[w.param]!.data.length));
      let loss = 0;
      for (const rows of tasks) {
        const ns = supportCount(rows.length, batching.support);
        const support = slice(batch, rows.slice(0, ns)) as Dataset;
        const query = slice(batch, rows.slice(ns)) as Dataset;
        const feeds = batchFeeds(ort, wanted, graph.tasks, query, trained);
        for (const [name, t] of Object.entries(batchFeeds(ort, supportWanted, graph.tasks, support, {}))) feeds[supportInputName(name)] = t;
        if (wanted.has(SUPPORT_ROWS_MASK)) feeds[SUPPORT_ROWS_MASK] = new ort.Tensor('float32', new Float32Array(support.n).fill(1), [support.n]);
        const out = await session.run(feeds);
        loss += (out[LOSS]!.data as Float32Array)[0]!;
        withGrad.forEach((w, k) => {
          const g = out[gradOf(w.param)]!.data as Float32Array;
          const sum = sums[k]!;
          for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + g[i]!;
        });
      }
      const n = tasks.length;
      return { loss: loss / n, grads: withGrad.map((w, k) => ({ param: w.param, g: sums[k]!.map((x) => x / n) })) };
    },
    release: () => session.release(),
  };
}

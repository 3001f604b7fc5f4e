// The onnxruntime training backend for one stage (issue 14). A step's gradients come from an ONNX
// graph run in an onnxruntime-node InferenceSession: the supervised step graph
// (ort/supervised-step.ts), or a MAML stage's outer gradient per task (ort/maml-graph.ts).
// Weights and optimizer slots live in typed arrays, and each group's fused optimizer loops
// (fused-optimizer.ts) update them: lookup-only embedding tables sparsely, on the rows the batch
// touched (sparse-tables.ts; a MAML step updates every row, as on TensorFlow.js). Groups,
// schedule, clipping and checkpoint state are the TensorFlow.js backend's (group-optimizers.ts).
// A MAML stage's predictions adapt each task first: train.ts makes them on TensorFlow.js.
import type { Dataset } from '../data/preprocess.js';
import { entryNodes, getEntry } from '../ir/entry.js';
import { paddedTables } from '../ir/padding-rows.js';
import { slice } from '../data/preprocess.js';
import { groupOptimizers, optimizerSnapshot } from './group-optimizers.js';
import { clipArrays } from './ort/clip.js';
import { batchFeeds } from './ort/feeds.js';
import type { Ort } from './ort/load.js';
import { ortMamlStep } from './ort/maml-graph.js';
import { sessionOptions, type OrtBackendOptions } from './ort/session-options.js';
import { frozenWeights, outputOf, predictGraph } from './ort/step-graph.js';
import { ortSupervisedStep, type ArrayGradient } from './ort/supervised-step.js';
import type { RunnerInit, StageRunner } from './runner.js';
import { sparseTables } from './sparse-tables.js';

/** Rows per prediction run. */
const PREDICT_BATCH = 4096;

export async function ortRunner(ort: Ort, init: RunnerInit, o: OrtBackendOptions): Promise<StageRunner> {
  const { graph, stage } = init;
  const entry = getEntry(graph, stage.entry);
  if (!entry) throw new Error(`internal: stage ${stage.name} has no entry ${stage.entry}`);
  const nodes = entryNodes(graph, entry, { objective: true });
  const reads = new Set(nodes.flatMap((id) => (graph.nodes[id]!.op === 'param' ? [String(graph.nodes[id]!.attrs.name)] : [])));
  const params = graph.params.filter((p) => reads.has(p.name));
  const trains = new Set(stage.trainable.filter((n) => reads.has(n)));
  const padded = paddedTables(graph);
  const optimizers = groupOptimizers(init, params, padded);
  // The runner's own copies: the optimizers update them in place.
  const weights: Record<string, { data: Float32Array; shape: number[] }> = Object.create(null); // parameter names are the user's
  for (const p of params) {
    const w = init.weights[p.name];
    if (!w) throw new Error(`internal: no weights for ${p.name}`);
    weights[p.name] = { data: Float32Array.from(w), shape: p.shape };
  }
  const trained = Object.fromEntries([...trains].map((n) => [n, weights[n]!]));
  const sparse = sparseTables(graph, nodes, trains);
  const maml = stage.step.kind === 'maml' ? await ortMamlStep(ort, graph, stage, frozenWeights(graph, new Set(stage.trainable), init.weights), o) : undefined;
  const supervised = maml ? undefined : await ortSupervisedStep(ort, graph, stage, trains, sparse, padded, init.weights, o);
  const predictor = await ort.InferenceSession.create(predictGraph(graph, stage, trains, init.weights), sessionOptions(o));
  const predictInputs = new Set(predictor.inputNames);

  /** Clip (leaving out the padding rows `padding` names) and apply each group's optimizer. */
  const apply = (grads: ArrayGradient[], k: number, padding: ReadonlySet<string>) => {
    if (stage.settings.clipNorm) clipArrays(grads, stage.settings.clipNorm, padding);
    for (const opt of optimizers) {
      const mine = grads.filter((g) => opt.params.has(g.param));
      if (mine.length === 0) continue;
      opt.optimizer.applyArrays(
        mine.map(({ param, g, rows, packed }) => ({ name: param, w: weights[param]!.data, g, shape: weights[param]!.shape, ...(rows ? { rows } : {}), packed })),
        opt.lr(k),
      );
    }
  };

  return {
    async step(batch, k) {
      if (maml) {
        const r = await maml.run(batch, trained);
        if (!r) return 0; // single-row tasks only: nothing to learn from
        if (Number.isFinite(r.loss)) apply(r.grads.map(({ param, g }) => ({ param, g, width: weights[param]!.shape[1] ?? 1, packed: false })), k, padded);
        return r.loss;
      }
      const r = await supervised!.run(batch, weights, k);
      if (Number.isFinite(r.loss)) apply(r.grads, k, supervised!.paddedInGradients);
      return r.loss;
    },
    diverged: async (batch, k) => (maml ? "the query loss of the batch's tasks" : supervised!.diverged(batch, weights, k)),
    async predict(ds) {
      if (maml) throw new Error('internal: a MAML stage adapts each task before it predicts: train.ts predicts on TensorFlow.js');
      const out: Record<string, Float32Array> = Object.create(null); // task names are the user's
      for (let start = 0; start < ds.n; start += PREDICT_BATCH) {
        const idx = Array.from({ length: Math.min(PREDICT_BATCH, ds.n - start) }, (_, i) => start + i);
        const part = slice(ds, idx) as Dataset;
        const res = await predictor.run(batchFeeds(ort, predictInputs, [], part, trained));
        for (const task of Object.keys(entry.outputs)) {
          const v = res[outputOf(task)]!.data as Float32Array;
          const width = v.length / idx.length;
          (out[task] ??= new Float32Array(ds.n * width)).set(v, start * width);
        }
      }
      return out;
    },
    weights: () => Object.fromEntries(params.map((p) => [p.name, Float32Array.from(weights[p.name]!.data)])),
    optimizerState: (k) => optimizerSnapshot(optimizers, params, k),
    dispose() {
      void (maml ?? supervised)!.release();
      void predictor.release();
    },
  };
}

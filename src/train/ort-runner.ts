// The onnxruntime training backend for one stage (issue 14): the stage's step graph (objective,
// task losses and the gradients of the trained parameters, ort/step-graph.ts) runs in an
// onnxruntime-node InferenceSession; weights and optimizer slots live in typed arrays, and each
// group's fused optimizer loops (fused-optimizer.ts) update them, embedding tables read only
// through lookups sparsely, on the rows the batch touched (sparse-tables.ts), which the host
// gathers for the graph (ort/lookup-feeds.ts). Groups, schedule, clipping and checkpoint state are
// the TensorFlow.js backend's (group-optimizers.ts).
import type { Dataset } from '../data/preprocess.js';
import { entryNodes, getEntry } from '../ir/entry.js';
import { paddedTables } from '../ir/padding-rows.js';
import { slice } from '../data/preprocess.js';
import { groupOptimizers, optimizerSnapshot } from './group-optimizers.js';
import { clipArrays } from './ort/clip.js';
import { batchFeeds } from './ort/feeds.js';
import type { Ort } from './ort/load.js';
import { LookupFeeds, packedGradient } from './ort/lookup-feeds.js';
import { sessionOptions, type OrtBackendOptions } from './ort/session-options.js';
import { LOSS, outputOf, predictGraph, stepGraph } from './ort/step-graph.js';
import type { RunnerInit, StageRunner } from './runner.js';
import { sparseTables, touchedRows } from './sparse-tables.js';

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
  const hosted = (o.lookups ?? 'host') === 'host' ? [...sparse.values()] : [];
  const step = stepGraph(graph, stage, trains, init.weights, hosted);
  const options = sessionOptions(o);
  const session = await ort.InferenceSession.create(step.bytes, options);
  const predictor = await ort.InferenceSession.create(predictGraph(graph, stage, trains, init.weights), options);
  const stepInputs = new Set(session.inputNames);
  const predictInputs = new Set(predictor.inputNames);
  const lookups = new LookupFeeds(step.gathered);
  const seen = new Uint8Array(Math.max(0, ...[...sparse.values()].map((t) => t.rows)));
  const run = async (batch: Dataset) => {
    const feeds = batchFeeds(ort, stepInputs, graph.tasks, batch, trained);
    const gathered = lookups.add(ort, feeds, batch, weights);
    return { out: await session.run(feeds), gathered };
  };

  return {
    async step(batch, k) {
      const { out, gathered } = await run(batch);
      const loss = (out[LOSS]!.data as Float32Array)[0]!;
      if (!Number.isFinite(loss)) return loss;
      // A gathered table's gradient is its touched rows' (packed), cut to the rows that move; it
      // is then no padded table for clipping, having lost its padding row.
      const grads = step.grads.map(({ param, output }) => {
        const g = out[output]!.data as Float32Array;
        const width = weights[param]!.shape[1] ?? 1;
        const rows = gathered.get(param);
        if (rows) return { param, width, ...packedGradient(rows, g, width, padded.has(param)), packed: true };
        const table = sparse.get(param);
        return { param, width, g, rows: table ? touchedRows(table, batch.inputs, seen) : undefined, packed: false };
      });
      if (stage.settings.clipNorm) clipArrays(grads, stage.settings.clipNorm, new Set([...padded].filter((p) => !gathered.has(p))));
      for (const opt of optimizers) {
        const mine = grads.filter((g) => opt.params.has(g.param));
        if (mine.length === 0) continue;
        opt.optimizer.applyArrays(
          mine.map(({ param, g, rows, packed }) => ({ name: param, w: weights[param]!.data, g, shape: weights[param]!.shape, rows, packed })),
          opt.lr(k),
        );
      }
      return loss;
    },
    async diverged(batch) {
      const { out } = await run(batch);
      for (const t of step.tasks) {
        const l = (out[t.output]!.data as Float32Array)[0]!;
        if (!Number.isFinite(l)) return `task \`${t.task}\` (${graph.tasks.find((x) => x.name === t.task)!.loss} loss ${l})`;
      }
      return 'the weighted sum of the task losses';
    },
    async predict(ds) {
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
      void session.release();
      void predictor.release();
    },
  };
}

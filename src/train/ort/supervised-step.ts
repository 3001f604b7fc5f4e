// The supervised step on onnxruntime: the stage's step graph (step-graph.ts: objective, task
// losses, gradients of the trained parameters) run on a batch. Lookup-only tables are gathered
// on the host (lookup-feeds.ts) unless `lookups: 'graph'`; their gradient comes back packed (the
// touched rows', cut to those an optimizer moves), any other sparse table's as a whole-table
// gradient with the rows the batch touched. The caller clips and applies the gradients.
import type * as OrtModule from 'onnxruntime-node';
import type { Dataset } from '../../data/preprocess.js';
import type { StagePlan } from '../../ir/plan.js';
import type { IRGraph } from '../../ir/types.js';
import { touchedRows, type SparseTable } from '../sparse-tables.js';
import { batchFeeds } from './feeds.js';
import { LookupFeeds, packedGradient } from './lookup-feeds.js';
import { sessionOptions, type OrtBackendOptions } from './session-options.js';
import { LOSS, stepGraph } from './step-graph.js';

type Params = Record<string, { data: Float32Array; shape: number[] }>;

/** A parameter's gradient as the fused optimizer takes it (fused-optimizer.ts ArrayUpdate). */
export interface ArrayGradient {
  param: string;
  g: Float32Array;
  width: number;
  rows?: Int32Array;
  packed: boolean;
}

export interface OrtSupervisedStep {
  /** The loss, and the gradients when it is finite. */
  /** `step`: the optimizer step (sampled negatives are drawn from it and the stage's seed). */
  run(batch: Dataset, weights: Params, step: number): Promise<{ loss: number; grads: ArrayGradient[] }>;
  /** The task whose loss is not finite on this batch, for the error message. */
  diverged(batch: Dataset, weights: Params, step: number): Promise<string>;
  /** Padded tables whose gradient still holds the padding row (clipping leaves it out). */
  paddedInGradients: ReadonlySet<string>;
  release(): Promise<void>;
}

export async function ortSupervisedStep(
  ort: typeof OrtModule,
  graph: IRGraph,
  stage: StagePlan,
  trains: ReadonlySet<string>,
  sparse: ReadonlyMap<string, SparseTable>,
  padded: ReadonlySet<string>,
  /** The stage's initial weights (the frozen ones become the graph's initializers). */
  initial: Record<string, Float32Array>,
  o: OrtBackendOptions,
): Promise<OrtSupervisedStep> {
  const hosted = (o.lookups ?? 'host') === 'host' ? [...sparse.values()] : [];
  const step = stepGraph(graph, stage, trains, initial, hosted);
  const session = await ort.InferenceSession.create(step.bytes, sessionOptions(o));
  const wanted = new Set(session.inputNames);
  const lookups = new LookupFeeds(step.gathered);
  const gatheredTables = new Set(hosted.map((t) => t.param));
  const seen = new Uint8Array(Math.max(0, ...[...sparse.values()].map((t) => t.rows)));
  const trainedOf = (weights: Params) => Object.fromEntries([...trains].map((n) => [n, weights[n]!]));
  const run = async (batch: Dataset, weights: Params, step: number) => {
    const feeds = batchFeeds(ort, wanted, graph.tasks, batch, trainedOf(weights), { seed: stage.settings.seed, step });
    const gathered = lookups.add(ort, feeds, batch, weights);
    return { out: await session.run(feeds), gathered };
  };
  return {
    async run(batch, weights, k) {
      const { out, gathered } = await run(batch, weights, k);
      const loss = (out[LOSS]!.data as Float32Array)[0]!;
      if (!Number.isFinite(loss)) return { loss, grads: [] };
      const grads = step.grads.map(({ param, output }): ArrayGradient => {
        const g = out[output]!.data as Float32Array;
        const width = weights[param]!.shape[1] ?? 1;
        const rows = gathered.get(param);
        if (rows) return { param, width, ...packedGradient(rows, g, width, padded.has(param)), packed: true };
        const table = sparse.get(param);
        return { param, width, g, ...(table ? { rows: touchedRows(table, batch.inputs, seen) } : {}), packed: false };
      });
      return { loss, grads };
    },
    async diverged(batch, weights, k) {
      const { out } = await run(batch, weights, k);
      for (const t of step.tasks) {
        const l = (out[t.output]!.data as Float32Array)[0]!;
        if (!Number.isFinite(l)) return `task \`${t.task}\` (${graph.tasks.find((x) => x.name === t.task)!.loss} loss ${l})`;
      }
      return 'the weighted sum of the task losses';
    },
    // a gathered table's packed gradient has lost its padding row
    paddedInGradients: new Set([...padded].filter((p) => !gatheredTables.has(p))),
    release: () => session.release(),
  };
}

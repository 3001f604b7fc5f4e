// The two programs a LiMAML model serves as (paper 001 §5, Alg. 2b): `meta`, adapt-and-embed — a
// task's support rows (`support.<feature>`, its labels `support.<task>/label`, `support.mask`)
// and its latest row's meta features in, the meta embedding after `steps` SGD steps out, the
// steps unrolled with gradients from the IR; and `global`, the serving entry cut at the meta
// embedding, which it reads as an input named after the meta block. The daily job runs `meta`
// per task (recc meta-embed, or meta.onnx in any onnxruntime host); serving runs `global`.
import { getEntry, SERVE } from '../entry.js';
import { GLOBAL_ENTRY, META_ENTRY } from '../meta.js';
import { planOf, type StagePlan } from '../plan.js';
import { reached } from '../reach.js';
import type { FeatureSpec, IRGraph } from '../types.js';
import { cut } from './cut.js';
import { adaptedNodes, SUPPORT_PREFIX } from './maml.js';

/** The entry that computes the embedding with the meta block's own weights (no adaptation). */
export const UNADAPTED_ENTRY = 'meta_unadapted';

/** The stage serving adapts as: the last (its tasks are the `serve` entry's). */
const servedStage = (g: IRGraph): StagePlan | undefined => planOf(g).stages.at(-1);

/** The objective the inner steps descend: `stage`'s, by default the last stage's (serving's). */
export function trainingObjective(g: IRGraph, stage = servedStage(g)): number {
  const objective = stage ? getEntry(g, stage.entry)?.objective : undefined;
  if (objective === undefined) throw new Error('internal: the LiMAML programs need the objectives pass first');
  return objective;
}

/**
 * The graph with entries `meta` (adapt `steps` times, then embed) and `global`. Support inputs
 * become features of their own (`support.<name>`, the same encoding), so that the ONNX lowering
 * takes them as raw values like any feature. By default it is the model as it serves; with
 * `stage`, as that stage is evaluated: adapting on its objective, `global` scoring its tasks.
 */
export function limamlProgram(g: IRGraph, steps: number, stage?: StagePlan): IRGraph {
  const meta = g.meta;
  if (!meta) throw new Error('internal: limamlProgram: the model has no meta block');
  const adapted = adaptedNodes(g, trainingObjective(g, stage), [meta.embedding], meta.params, { steps, lr: meta.lr, order: 'second' });
  const graph = adapted.graph;
  const ae = { embedding: adapted.nodes[0]! };
  const inputs: Record<string, number> = {};
  for (const id of reached(graph, [ae.embedding])) {
    const n = graph.nodes[id]!;
    if (n.op === 'input') inputs[String(n.attrs.feature)] = id;
  }
  const features: FeatureSpec[] = [...graph.features];
  for (const f of g.features) if (f.kind !== 'label' && Object.hasOwn(inputs, `${SUPPORT_PREFIX}${f.name}`)) features.push({ ...f, name: `${SUPPORT_PREFIX}${f.name}` });
  const halves = cut({ ...graph, features }, { entry: stage ? stage.entry : SERVE, at: meta.embedding, as: meta.name, head: UNADAPTED_ENTRY, tail: GLOBAL_ENTRY });
  return { ...halves, entries: { ...halves.entries, [META_ENTRY]: { inputs, outputs: { [meta.name]: ae.embedding } } } };
}

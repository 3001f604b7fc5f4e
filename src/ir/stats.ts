// Parameters and FLOPs per block instance and in total, like POSO's Table 1.
import { getOp } from '../ops/registry.js';
import { entryNodes, getEntry, SERVE } from './entry.js';
import { planOf, type StepKind } from './plan.js';
import type { IRGraph, IRNode } from './types.js';

export interface InstanceStats {
  path: string;
  /** The stage whose graft elaborated the call again (PeterRec), when it is such a call. */
  stage?: string;
  block: string;
  depth: number;
  params: number;
  flops: number;
}

/** What one stage of the plan trains (PeterRec's Table 3 reports the fraction). */
export interface StageStats {
  stage: string;
  /** Values of the parameters the stage trains, and of all its entry reads. */
  trainable: number;
  total: number;
  /** trainable / total. */
  fraction: number;
  /** How it steps: on rows, or MAML's over tasks (a stage of a model with a meta block). */
  step: StepKind['kind'];
}

export interface GraphStats {
  instances: InstanceStats[];
  /** Embedding tables (features) in total. */
  embeddingParams: number;
  totalParams: number;
  /** Trained by the plan's last stage. */
  trainableParams: number;
  stages: StageStats[];
  /** FLOPs of one sample's serving forward pass, embedding lookups excluded (they are memory reads). */
  totalFlops: number;
}

export function nodeFlops(g: IRGraph, n: IRNode): number {
  const op = getOp(n.op);
  if (!op) return 0;
  return op.flops(n.inputs.map((i) => g.nodes[i]!.shape), n.shape, n.attrs);
}

export function graphStats(g: IRGraph): GraphStats {
  const size = new Map(g.params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
  const flops = g.nodes.map((n) => nodeFlops(g, n));
  const instances = g.instances.map((inst) => ({
    path: inst.path,
    ...(inst.stage !== undefined ? { stage: inst.stage } : {}),
    block: inst.block,
    depth: inst.depth,
    params: inst.params.reduce((s, p) => s + (size.get(p) ?? 0), 0),
    flops: inst.nodes.reduce((s, id) => s + flops[id]!, 0),
  }));
  const embeddingParams = g.params.filter((p) => p.group === 'embedding').reduce((s, p) => s + size.get(p.name)!, 0);
  const totalParams = g.params.reduce((s, p) => s + size.get(p.name)!, 0);
  const sum = (names: readonly string[]) => names.reduce((s, p) => s + size.get(p)!, 0);
  const stages = planOf(g).stages.map((st) => {
    const trainable = sum(st.trainable);
    const total = trainable + sum(st.frozen);
    return { stage: st.name, trainable, total, fraction: total === 0 ? 0 : trainable / total, step: st.step.kind };
  });
  const trainableParams = stages[stages.length - 1]?.trainable ?? 0;
  const serve = getEntry(g, SERVE);
  const totalFlops = (serve ? entryNodes(g, serve) : g.nodes.map((n) => n.id)).reduce((a, id) => a + flops[id]!, 0);
  return { instances, embeddingParams, totalParams, trainableParams, stages, totalFlops };
}

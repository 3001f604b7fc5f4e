// MAML in the IR (LiMAML, paper 001 Alg. 2a/2b): the graphs a MAML step and the adapt-and-embed
// job evaluate, built from the model's own loss with the gradient pass, so that they are ordinary
// IR (TF.js, ONNX and PyTorch lowerings; differentiable again).
//
// Conventions (papers.md asks each to be stated):
// - a task's support rows are inputs of their own, `support.<input>` (features and labels), with
//   `support.mask` [batch] (1 a row, 0 padding); the support loss is the model's objective with each
//   task loss's mean over rows taken over the unmasked rows (masked_mean);
// - inner loop: `steps` plain SGD steps θ ← θ − α ∇θ L_support(θ) on the adapted parameters only
//   (no momentum, no clipping; the others fixed); `second` order differentiates through every inner
//   gradient, `first` puts stop_gradient on them (which also drops θ_global's path through θ′);
// - query loss: the model's objective (mean over the query rows) with the adapted parameters; its
//   gradient with respect to θ_global is the total one (through θ′ too, in second order).
import { reached } from '../reach.js';
import { GraphAppender } from '../append.js';
import type { IRGraph } from '../types.js';
import { grad } from './grad.js';
import { substitute } from './substitute.js';

export const SUPPORT_PREFIX = 'support.';
export const SUPPORT_ROWS_MASK = 'support.mask';
export const supportInputName = (input: string): string => `${SUPPORT_PREFIX}${input}`;

export interface InnerLoop {
  steps: number;
  lr: number;
  order: 'first' | 'second';
}

/** The `param` node of each parameter name. */
export function paramNodes(g: IRGraph, names: readonly string[]): number[] {
  const byName = new Map(g.nodes.filter((n) => n.op === 'param').map((n) => [String(n.attrs.name), n.id]));
  return names.map((name) => {
    const id = byName.get(name);
    if (id === undefined) throw new Error(`internal: no param node ${name}`);
    return id;
  });
}

/**
 * The objective on a task's support rows: the nodes `objective` reaches copied onto new inputs
 * `support.<input>`, every `batch_mean` a `masked_mean` over `support.mask`. Parameters and
 * constants are shared. Returns the graph and the support loss node.
 */
export function supportLoss(g: IRGraph, objective: number): { graph: IRGraph; loss: number } {
  const a = new GraphAppender(g);
  const mask = a.input(SUPPORT_ROWS_MASK, 'float32', ['batch']);
  const at = new Map<number, number>();
  const dependsOnRows = new Set<number>();
  for (const id of reached(g, [objective])) {
    const n = g.nodes[id]!;
    if (n.op === 'input') {
      at.set(id, a.input(supportInputName(String(n.attrs.feature)), n.dtype, n.shape));
      dependsOnRows.add(id);
      continue;
    }
    if (!n.inputs.some((i) => dependsOnRows.has(i))) continue; // parameters, constants, what they make
    dependsOnRows.add(id);
    const ins = n.inputs.map((i) => at.get(i) ?? i);
    if (n.op === 'batch_mean') {
      if (a.shape(ins[0]!).join() !== 'batch') throw new Error(`internal: supportLoss: a mean over [${a.shape(ins[0]!).join(', ')}], not over rows`);
      a.at(n);
      at.set(id, a.add('masked_mean', [ins[0]!, mask]));
    } else at.set(id, a.copy(n, ins));
  }
  const loss = at.get(objective);
  if (loss === undefined) throw new Error('internal: supportLoss: the objective reads no rows');
  const done = a.finish([loss]);
  return { graph: done.graph, loss: done.at(loss) };
}

/**
 * `o.steps` SGD steps of `loss` on the parameter nodes `params` (Alg. 2a lines 4–8): the nodes of
 * the adapted parameters θ′, in the order of `params`.
 */
export function innerSteps(g: IRGraph, loss: number, params: readonly number[], o: InnerLoop): { graph: IRGraph; adapted: number[] } {
  let graph = g;
  let theta = [...params];
  for (let step = 0; step < o.steps; step++) {
    const l = step === 0 ? { graph, outputs: [loss] } : substitute(graph, [loss], new Map(params.map((p, k) => [p, theta[k]!])));
    const inner = grad(l.graph, l.outputs[0]!, theta);
    const a = new GraphAppender(inner.graph);
    a.at(l.graph.nodes[l.outputs[0]!]!);
    const alpha = a.add('const', [], { value: [o.lr], shape: [] });
    const next = theta.map((t, k) => {
      const gk = inner.grads[k];
      if (gk === undefined) return t; // the loss does not depend on it: SGD leaves it
      return a.add('sub', [t, a.add('mul', [o.order === 'first' ? a.add('stop_gradient', [gk]) : gk, alpha])]);
    });
    const done = a.finish(next);
    graph = done.graph;
    theta = next.map(done.at);
  }
  return { graph, adapted: theta };
}

export interface MamlGraph {
  graph: IRGraph;
  /** The query loss with the adapted parameters. */
  loss: number;
  /** Its gradient with respect to each of `trained` (undefined: no gradient reaches it). */
  grads: Array<number | undefined>;
}

/**
 * One task's outer gradient (Alg. 2a lines 9–13): support rows on `support.*` inputs, query rows on
 * the model's own inputs; θ′ = the inner steps on `adapt`; the gradient of the query loss with
 * θ′ in place of `adapt`, with respect to `trained` (parameter names).
 */
export function mamlGraph(g: IRGraph, objective: number, adapt: readonly string[], trained: readonly string[], o: InnerLoop): MamlGraph {
  const s = supportLoss(g, objective);
  const theta = paramNodes(s.graph, adapt);
  const inner = innerSteps(s.graph, s.loss, theta, o);
  const q = substitute(inner.graph, [objective], new Map(theta.map((t, k) => [t, inner.adapted[k]!])));
  const loss = q.outputs[0]!;
  const outer = grad(q.graph, loss, paramNodes(q.graph, trained));
  return { graph: outer.graph, loss, grads: outer.grads };
}

/**
 * Nodes computed after adaptation: the inner steps on a task's support rows, then `nodes` (on the
 * model's own inputs) with the adapted parameters. Adapt and embed (Alg. 2b) is the meta
 * embedding on the task's latest row; per-task fine-tuning is the task outputs on its query rows.
 * Zero steps give the nodes unadapted.
 */
export function adaptedNodes(g: IRGraph, objective: number, nodes: readonly number[], adapt: readonly string[], o: InnerLoop): { graph: IRGraph; nodes: number[] } {
  if (o.steps === 0) return { graph: g, nodes: [...nodes] };
  const s = supportLoss(g, objective);
  const theta = paramNodes(s.graph, adapt);
  const inner = innerSteps(s.graph, s.loss, theta, o);
  const e = substitute(inner.graph, [...nodes], new Map(theta.map((t, k) => [t, inner.adapted[k]!])));
  return { graph: e.graph, nodes: e.outputs };
}

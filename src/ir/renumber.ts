// Node ids moved: a node with a new id and inputs (renumbered), and a graph with a new node list,
// every reference to a node outside `nodes` (feature inputs, task outputs and losses, entries,
// pcs, block instances) moved to the node's new id (withNodes). Passes that drop or replace nodes
// (prune, decompose), the appender's compaction and the let records of an edited spec
// (semantics/let-records.ts) all go through here, so a new kind of reference to nodes, or a new
// field of a node, is renumbered in this one place.
import type { Entry } from './entry.js';
import type { IRGraph, IRNode } from './types.js';

/**
 * `nodes` must already carry their new ids and inputs; `at` maps each old id that survives to
 * its new id. References to nodes that do not survive are dropped (pcs, instance members);
 * inputs and tasks must survive.
 */
export function withNodes(g: IRGraph, nodes: IRNode[], at: Map<number, number>): IRGraph {
  const to = (id: number) => {
    const n = at.get(id);
    if (n === undefined) throw new Error(`internal: node ${id} was dropped but is still referenced`);
    return n;
  };
  const entry = (e: Entry): Entry => ({
    inputs: Object.fromEntries(Object.entries(e.inputs).map(([k, v]) => [k, to(v)])),
    outputs: Object.fromEntries(Object.entries(e.outputs).map(([k, v]) => [k, to(v)])),
    ...(e.objective !== undefined ? { objective: to(e.objective) } : {}),
  });
  return {
    ...g,
    nodes,
    inputs: Object.fromEntries(Object.entries(g.inputs).map(([k, v]) => [k, to(v)])),
    tasks: g.tasks.map((t) => ({ ...t, output: to(t.output), logit: to(t.logit), ...(t.objective !== undefined ? { objective: to(t.objective) } : {}), ...(t.evaluation !== undefined ? { evaluation: to(t.evaluation) } : {}), ...(t.inputs ? { inputs: Object.fromEntries(Object.entries(t.inputs).map(([k, v]) => [k, to(v)])) } : {}) })),
    ...(g.entries ? { entries: Object.fromEntries(Object.entries(g.entries).map(([k, e]) => [k, entry(e)])) } : {}),
    pcs: g.pcs.filter((p) => at.has(p.node)).map((p) => ({ ...p, node: to(p.node) })),
    instances: g.instances.map((inst) => ({ ...inst, nodes: inst.nodes.filter((n) => at.has(n)).map(to) })),
  };
}

/**
 * Node `n` with id `id` and each input `x` as `to(x)`: `n` itself when neither changes. Written
 * out, not spread: one shape for every node (as GraphBuilder makes them) is much faster.
 */
export function renumbered(n: IRNode, id: number, to: (x: number) => number): IRNode {
  const inputs = n.inputs.length === 0 ? n.inputs : n.inputs.map(to);
  if (id === n.id && inputs.every((x, i) => x === n.inputs[i])) return n;
  return { id, op: n.op, inputs, attrs: n.attrs, dtype: n.dtype, shape: n.shape, span: n.span, trace: n.trace, scope: n.scope };
}

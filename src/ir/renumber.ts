// A graph with a new node list: every reference to a node outside `nodes` (feature inputs, task
// outputs and losses, entries, pcs, block instances) moved to the node's new id. Passes that drop or replace nodes
// (prune, decompose) and the appender's compaction all go through here, so a new kind of
// reference to nodes is renumbered in this one place.
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

// The nodes some nodes depend on (themselves included), in id order: what a pruned graph keeps,
// what a lowering of chosen outputs emits; the nodes that read each node; and the nodes read from
// outside the node list.
import type { IRGraph } from './types.js';

export function reached(graph: IRGraph, roots: number[]): number[] {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...graph.nodes[id]!.inputs);
  }
  return [...seen].sort((a, b) => a - b);
}

/** For each node id, the ids of the nodes that take it as an input, ascending. */
export function readersOf(g: Pick<IRGraph, 'nodes'>): number[][] {
  const out: number[][] = g.nodes.map(() => []);
  for (const n of g.nodes) for (const i of n.inputs) out[i]!.push(n.id);
  return out;
}

/** Nodes read from outside the node list: tasks' outputs, losses and evaluations, and entries. */
export function referencedNodes(g: Pick<IRGraph, 'tasks' | 'entries'>): number[] {
  return [
    ...g.tasks.flatMap((t) => [t.output, t.logit, ...(t.objective !== undefined ? [t.objective] : []), ...(t.evaluation !== undefined ? [t.evaluation] : [])]),
    ...Object.values(g.entries ?? {}).flatMap((e) => [...Object.values(e.inputs), ...Object.values(e.outputs), ...(e.objective !== undefined ? [e.objective] : [])]),
  ];
}

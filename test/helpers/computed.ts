// A graph as what it computes, for the refactoring sweeps (extract and inline `let`): each node's
// operation, dtype and shape, and each parameter's shape, sorted. Names and ids are left out: a
// layer's parameters are named after the `let` it is in, and a refactoring moves layers between
// `let`s.
import type { IRGraph } from '../../src/ir/types.js';

export function computedGraph(g: IRGraph): { nodes: string[]; params: string[] } {
  return { nodes: g.nodes.map((n) => `${n.op}:${n.dtype}:${JSON.stringify(n.shape)}`).sort(), params: g.params.map((p) => JSON.stringify(p.shape)).sort() };
}

// What MAML's adapted forward needs: the nodes computing `outputs` again, with some nodes
// replaced by others of the same shape (each parameter θ by θ' = θ − α·∂L/∂θ, or the query rows'
// inputs for the support rows'). Only the nodes that depend on a replaced node are copied; the
// rest are shared. The copies are appended, so the graph keeps everything it had.
import { GraphAppender } from '../append.js';
import type { IRGraph } from '../types.js';

export function substitute(g: IRGraph, outputs: number[], replace: Map<number, number>): { graph: IRGraph; outputs: number[] } {
  for (const [from, to] of replace) {
    const a = g.nodes[from];
    const b = g.nodes[to];
    if (!a || !b || a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) {
      throw new Error(`substitute: node ${to} cannot stand for node ${from}: ${b ? `[${b.shape.join(', ')}] ${b.dtype}` : 'missing'} vs ${a ? `[${a.shape.join(', ')}] ${a.dtype}` : 'missing'}`);
    }
  }
  const b = new GraphAppender(g);
  const at = new Map<number, number>(replace);
  const last = Math.max(-1, ...outputs);
  for (let id = 0; id <= last; id++) {
    if (at.has(id)) continue;
    const n = g.nodes[id]!;
    if (n.inputs.some((i) => at.has(i))) at.set(id, b.copy(n, n.inputs.map((i) => at.get(i) ?? i)));
  }
  const moved = outputs.map((o) => at.get(o) ?? o);
  const { graph, at: to } = b.finish(moved);
  return { graph, outputs: moved.map(to) };
}

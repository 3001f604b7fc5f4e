// Pass: replace every node whose op is differentiated through its decomposition (an op with a
// `decompose` and no vjp: the GRU) by that decomposition, equal to the op's forward, so the
// gradient pass sees only ops with vjps. Run it on a training graph before passes/grad.ts;
// serving graphs keep the op's own ONNX form.
import { getOp } from '../../ops/registry.js';
import { GraphAppender } from '../append.js';
import { withNodes } from '../renumber.js';
import type { IRGraph } from '../types.js';

export function decompose(g: IRGraph): IRGraph {
  return decomposeWithIds(g).graph;
}

/** The pass, and where each node of `g` went (a node expanded: the node holding its value). */
export function decomposeWithIds(g: IRGraph): { graph: IRGraph; at: (id: number) => number } {
  const expands = (op: string) => {
    const def = getOp(op);
    return def?.decompose !== undefined && def.vjp === undefined;
  };
  if (!g.nodes.some((n) => expands(n.op))) return { graph: g, at: (id) => id };
  const b = new GraphAppender(g, []);
  const at = new Map<number, number>();
  for (const n of g.nodes) {
    const inputs = n.inputs.map((i) => at.get(i)!);
    if (expands(n.op)) {
      b.at(n);
      at.set(n.id, getOp(n.op)!.decompose!(b, inputs, n.attrs));
    } else at.set(n.id, b.copy(n, inputs));
  }
  return { graph: withNodes(g, b.nodes, at), at: (id) => at.get(id)! };
}

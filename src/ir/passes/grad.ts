// Reverse-mode differentiation on the IR: for an objective (a float scalar node) and nodes to
// differentiate with respect to (parameters, inputs, any inner node), append the nodes that
// compute ∂objective/∂node, each op's part written by the op's own vjp (src/ops/<op>.ts). The
// result is an ordinary graph: it lowers to ONNX and TF.js, and differentiating it again gives
// second derivatives (MAML). Ops with a `decompose` and no vjp (the GRU) must be expanded first
// by passes/decompose.ts.
import { getOp } from '../../ops/registry.js';
import { GraphAppender } from '../append.js';
import type { IRGraph } from '../types.js';

export interface GradResult {
  graph: IRGraph;
  /**
   * ∂objective/∂wrt[i], a node of wrt[i]'s shape; undefined when no gradient reaches it (the
   * objective does not depend on it, or only through stop_gradient, ids or masks).
   */
  grads: Array<number | undefined>;
}

export function grad(g: IRGraph, objective: number, wrt: number[]): GradResult {
  const obj = g.nodes[objective];
  if (!obj || obj.dtype !== 'float32' || obj.shape.length !== 0) {
    throw new Error(`grad: the objective must be a float scalar node, found ${obj ? `${obj.op} [${obj.shape.join(', ')}] ${obj.dtype}` : `no node ${objective}`}`);
  }
  for (const w of wrt) {
    const n = g.nodes[w];
    if (!n || n.dtype !== 'float32') throw new Error(`grad: can only differentiate with respect to float nodes, found ${n ? `${n.op} ${n.dtype}` : `no node ${w}`}`);
  }
  // The nodes a gradient flows through: those that depend on some wrt node and that the
  // objective depends on. Ids are topological, so one sweep each way finds them.
  const targets = new Set(wrt);
  const fromWrt = g.nodes.map(() => false);
  for (const n of g.nodes) fromWrt[n.id] = targets.has(n.id) || n.inputs.some((i) => fromWrt[i]);
  const toObjective = g.nodes.map(() => false);
  toObjective[objective] = true;
  for (let id = objective; id >= 0; id--) if (toObjective[id]) for (const i of g.nodes[id]!.inputs) toObjective[i] = true;
  const active = (id: number) => fromWrt[id]! && toObjective[id]! && g.nodes[id]!.dtype === 'float32';

  const b = new GraphAppender(g);
  b.at(obj);
  /** The gradient accumulated so far at each active node. */
  const adjoint = new Map<number, number>([[objective, b.add('const', [], { value: [1], shape: [] })]]);
  for (let id = objective; id >= 0; id--) {
    const dy = adjoint.get(id);
    const node = g.nodes[id]!;
    if (dy === undefined || !active(id) || !node.inputs.some(active)) continue;
    const op = getOp(node.op)!;
    if (!op.vjp) {
      const why = op.nonDifferentiable ?? (op.decompose ? 'it has no vjp of its own: expand it first with the decompose pass' : 'it has no vjp');
      throw new Error(`grad: cannot differentiate through node ${id} (${node.op}): ${why}`);
    }
    b.at(node);
    const parts = op.vjp(b, node.inputs, id, dy, node.attrs);
    node.inputs.forEach((input, k) => {
      const part = parts[k];
      if (part === undefined || !active(input)) return;
      const want = g.nodes[input]!.shape.join();
      if (b.shape(part).join() !== want) throw new Error(`internal: the vjp of ${node.op} gives [${b.shape(part).join(', ')}] for input ${k} of shape [${want}]`);
      const before = adjoint.get(input);
      adjoint.set(input, before === undefined ? part : b.add('add', [before, part]));
    });
  }
  const found = wrt.map((w) => adjoint.get(w));
  const { graph, at } = b.finish(found.filter((x): x is number => x !== undefined));
  return { graph, grads: found.map((x) => (x === undefined ? undefined : at(x))) };
}

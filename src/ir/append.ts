// Adds nodes to a graph after elaboration: gradients (passes/grad.ts), decompositions
// (passes/decompose.ts), MAML's adapted forward (passes/substitute.ts). A node's id is its index,
// so ids are handed out here and nowhere else, and each node's shape and dtype come from its
// op's own rule. It is the GradBuilder an op's vjp writes with.
import type { GradBuilder } from '../ops/op.js';
import { getOp } from '../ops/registry.js';
import { withNodes } from './renumber.js';
import type { Attrs, DType, IRGraph, IRNode, Shape } from './types.js';

type Site = Pick<IRNode, 'span' | 'trace' | 'scope'>;

export class GraphAppender implements GradBuilder {
  readonly nodes: IRNode[];
  /** Nodes below this id were there before; the appender adds after them. */
  readonly base: number;
  private readonly newInputs: Record<string, number> = {};
  private site: Site;

  /** Append to `graph`'s nodes, or to `start` (a pass that rebuilds the node list from empty). */
  constructor(
    private readonly graph: IRGraph,
    start: readonly IRNode[] = graph.nodes,
  ) {
    this.nodes = [...start];
    this.base = this.nodes.length;
    const first = graph.nodes[0];
    this.site = first ? { span: first.span, trace: [], scope: '' } : { span: { file: graph.file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }, trace: [], scope: '' };
  }

  /** New nodes carry this node's span, trace and scope (a gradient is charged to its forward node). */
  at(node: IRNode): void {
    this.site = { span: node.span, trace: node.trace, scope: node.scope };
  }

  add(op: string, inputs: number[], attrs: Attrs = {}): number {
    const def = getOp(op);
    if (!def) throw new Error(`internal: unknown op ${op}`);
    const r = def.infer(
      inputs.map((i) => ({ shape: this.node(i).shape, dtype: this.node(i).dtype })),
      attrs,
    );
    if ('error' in r) throw new Error(`internal: ${op} on nodes ${inputs.join(', ')}: ${r.error}`);
    return this.push(op, inputs, attrs, r.dtype, r.shape);
  }

  /** The same op, attributes and shape as `node`, on other inputs of the same shapes. */
  copy(node: IRNode, inputs: number[]): number {
    const saved = this.site;
    this.at(node);
    const id = this.push(node.op, inputs, node.attrs, node.dtype, node.shape);
    this.site = saved;
    return id;
  }

  /** A new graph input (MAML's support and query rows are inputs of their own). */
  input(feature: string, dtype: DType, shape: Shape): number {
    if (this.graph.inputs[feature] !== undefined || this.newInputs[feature] !== undefined) throw new Error(`internal: input ${feature} exists`);
    const id = this.push('input', [], { feature, dtype, shape: shape.map((d) => (d === 'batch' ? -1 : d)) }, dtype, shape);
    this.newInputs[feature] = id;
    return id;
  }

  shape(id: number): Shape {
    return this.node(id).shape;
  }

  dtype(id: number): DType {
    return this.node(id).dtype;
  }

  /**
   * The graph with the nodes appended that `roots` reach (a vjp also makes gradients nobody asked
   * for: of a feature input, of an int id), renumbered after the graph's own. `at` gives the new
   * id of any surviving node.
   */
  finish(roots: number[]): { graph: IRGraph; at: (id: number) => number } {
    const live = new Set<number>(Object.values(this.newInputs));
    const stack = roots.filter((r) => r >= this.base);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (live.has(id)) continue;
      live.add(id);
      for (const i of this.nodes[id]!.inputs) if (i >= this.base) stack.push(i);
    }
    const remap = new Map<number, number>();
    for (let i = 0; i < this.base; i++) remap.set(i, i);
    const nodes = this.nodes.slice(0, this.base);
    for (const n of this.nodes.slice(this.base)) {
      if (!live.has(n.id)) continue;
      remap.set(n.id, nodes.length);
      nodes.push({ ...n, id: nodes.length, inputs: n.inputs.map((i) => remap.get(i)!) });
    }
    const graph = withNodes({ ...this.graph, inputs: { ...this.graph.inputs, ...this.newInputs } }, nodes, remap);
    return {
      graph,
      at: (id) => {
        const n = remap.get(id);
        if (n === undefined) throw new Error(`internal: node ${id} did not survive`);
        return n;
      },
    };
  }

  private node(id: number): IRNode {
    const n = this.nodes[id];
    if (!n) throw new Error(`internal: no node ${id}`);
    return n;
  }

  private push(op: string, inputs: number[], attrs: Attrs, dtype: DType, shape: Shape): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs, attrs, dtype, shape, ...this.site });
    return id;
  }
}

// Appends nodes and parameters to an IR graph, inferring each node's shape with its op's rule.
// The elaborator is its only writer; the graph it returns is then checked by verify().
import type { Span } from '../diagnostics/span.js';
import { getOp } from '../ops/registry.js';
import type { ShapeIn } from '../ops/op.js';
import type { Attrs, BlockInstance, DType, IRNode, Init, ParamDecl, ParamGroup, Shape } from './types.js';

export interface Site {
  span: Span;
  trace: Span[];
  scope: string;
}

export type AddResult = { node: IRNode } | { error: string; code: 'REC4001' | 'REC4002' | 'REC4003' | 'REC3008' };

export class GraphBuilder {
  readonly nodes: IRNode[] = [];
  readonly params: ParamDecl[] = [];
  readonly instances: BlockInstance[] = [];
  private readonly paramNodes = new Map<string, number>();
  /** Instances currently being elaborated, innermost last. */
  private readonly open: BlockInstance[] = [];

  add(op: string, inputs: number[], attrs: Attrs, site: Site): AddResult {
    const def = getOp(op);
    if (!def) throw new Error(`internal: unknown op ${op}`);
    const ins: ShapeIn[] = inputs.map((i) => ({ shape: this.nodes[i]!.shape, dtype: this.nodes[i]!.dtype }));
    const r = def.infer(ins, attrs);
    if ('error' in r) return { error: r.error, code: r.code ?? 'REC4001' };
    return { node: this.push(op, inputs, attrs, r.dtype, r.shape, site) };
  }

  /** Declare a parameter (once per name) and return its `param` node. */
  param(name: string, shape: number[], init: Init, group: ParamGroup, trainable: boolean, site: Site): { node: IRNode } | { duplicate: true } {
    const existing = this.paramNodes.get(name);
    if (existing !== undefined) return { duplicate: true };
    this.params.push({ name, shape, init, group, trainable, span: site.span });
    const node = this.push('param', [], { name, shape }, 'float32', shape, site);
    this.paramNodes.set(name, node.id);
    for (const inst of this.open) inst.params.push(name);
    return { node };
  }

  /** A node shared by name (a feature's table used by two features). */
  paramNode(name: string): IRNode | undefined {
    const id = this.paramNodes.get(name);
    return id === undefined ? undefined : this.nodes[id];
  }

  input(feature: string, dtype: DType, shape: Shape, site: Site): IRNode {
    return this.push('input', [], { feature, dtype, shape: shape.map((d) => (d === 'batch' ? -1 : d)) }, dtype, shape, site);
  }

  beginInstance(path: string, block: string, span: Span): BlockInstance {
    const inst: BlockInstance = { path, block, depth: this.open.length, span, params: [], nodes: [] };
    this.instances.push(inst);
    this.open.push(inst);
    return inst;
  }

  endInstance(): void {
    this.open.pop();
  }

  private push(op: string, inputs: number[], attrs: Attrs, dtype: DType, shape: Shape, site: Site): IRNode {
    const node: IRNode = { id: this.nodes.length, op, inputs, attrs, dtype, shape, span: site.span, trace: site.trace, scope: site.scope };
    this.nodes.push(node);
    for (const inst of this.open) inst.nodes.push(node.id);
    return node;
  }
}

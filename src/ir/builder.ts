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

/** What the builder did, in order, while a journal is open (the elaborator's block memo reads it). */
export type BuildEvent =
  | { kind: 'node'; node: IRNode }
  | { kind: 'param'; decl: ParamDecl; node: IRNode }
  | { kind: 'begin'; instance: BlockInstance }
  | { kind: 'end' };

/** How much a builder holds: a point to copy from (adopt()). */
export interface BuildMark {
  nodes: number;
  params: number;
  instances: number;
}

export type AddResult = { node: IRNode } | { error: string; code: 'REC4001' | 'REC4002' | 'REC4003' | 'REC3008' };

export class GraphBuilder {
  readonly nodes: IRNode[] = [];
  readonly params: ParamDecl[] = [];
  readonly instances: BlockInstance[] = [];
  /** The node of each parameter, in the order of `params`. */
  private readonly paramNodeIds: number[] = [];
  /** Parameter name → node, indexed up to `indexedParams` when a lookup needs it (most never do). */
  private readonly paramNodes = new Map<string, number>();
  private indexedParams = 0;
  /** The first segment of every parameter name (`trunk` of `trunk.dense0.kernel`). */
  private readonly heads = new Set<string>();
  private lastHead = '';
  /** Instances currently being elaborated, innermost last. */
  private readonly open: BlockInstance[] = [];
  /** Every event since the journal was opened, or undefined when nobody is listening. */
  journal: BuildEvent[] | undefined;

  add(op: string, inputs: number[], attrs: Attrs, site: Site): AddResult {
    const def = getOp(op);
    if (!def) throw new Error(`internal: unknown op ${op}`);
    const ins: ShapeIn[] = inputs.map((i) => ({ shape: this.nodes[i]!.shape, dtype: this.nodes[i]!.dtype }));
    const r = def.infer(ins, attrs);
    if ('error' in r) return { error: r.error, code: r.code ?? 'REC4001' };
    return { node: this.push(op, inputs, attrs, r.dtype, r.shape, site) };
  }

  /** Append a node whose shape is already known (replaying a block the elaborator has seen). */
  addInferred(op: string, inputs: number[], attrs: Attrs, dtype: DType, shape: Shape, site: Site): IRNode {
    return this.push(op, inputs, attrs, dtype, shape, site);
  }

  hasParam(name: string): boolean {
    return this.paramIndex().has(name);
  }

  private paramIndex(): Map<string, number> {
    for (; this.indexedParams < this.params.length; this.indexedParams++) this.paramNodes.set(this.params[this.indexedParams]!.name, this.paramNodeIds[this.indexedParams]!);
    return this.paramNodes;
  }

  /** False when no parameter name starts with `path` (then none of `path.…` needs checking). */
  mayHaveParamsUnder(path: string): boolean {
    const dot = path.indexOf('.');
    return this.heads.has(dot < 0 ? path : path.slice(0, dot));
  }

  private noteHead(name: string): void {
    // the parameters of one instance come together: most share the head noted last
    const h = this.lastHead;
    if (h && name.length > h.length && name.charCodeAt(h.length) === 46 && name.startsWith(h)) return;
    const dot = name.indexOf('.');
    this.lastHead = dot < 0 ? name : name.slice(0, dot);
    this.heads.add(this.lastHead);
  }

  /**
   * Declare a parameter (once per name) and return its `param` node. `known`: the caller has
   * checked that the name is free (a replayed block).
   */
  param(name: string, shape: number[], init: Init, group: ParamGroup, trainable: boolean, site: Site, known = false): { node: IRNode } | { duplicate: true } {
    if (!known && this.mayHaveParamsUnder(name) && this.paramIndex().has(name)) return { duplicate: true };
    const decl: ParamDecl = { name, shape, init, group, trainable, span: site.span };
    this.params.push(decl);
    const node = this.push('param', [], { name, shape }, 'float32', shape, site, false);
    this.paramNodeIds.push(node.id);
    this.noteHead(name);
    for (const inst of this.open) inst.params.push(name);
    this.journal?.push({ kind: 'param', decl, node });
    return { node };
  }

  mark(): BuildMark {
    return { nodes: this.nodes.length, params: this.params.length, instances: this.instances.length };
  }

  /**
   * Append what `other` added between two marks, the same objects (they are never changed once
   * made): a model-level `let` unchanged since the last analysis. Both builders must hold the same
   * up to `from`, and no instance may be open.
   */
  adopt(other: GraphBuilder, from: BuildMark, to: BuildMark): void {
    if (this.open.length > 0 || this.nodes.length !== from.nodes) throw new Error('internal: adopt() out of step');
    for (let i = from.nodes; i < to.nodes; i++) this.nodes.push(other.nodes[i]!);
    for (let i = from.params; i < to.params; i++) {
      const p = other.params[i]!;
      this.params.push(p);
      this.paramNodeIds.push(other.paramNodeIds[i]!);
      this.noteHead(p.name);
    }
    for (let i = from.instances; i < to.instances; i++) this.instances.push(other.instances[i]!);
  }

  /** A node shared by name (a feature's table used by two features). */
  paramNode(name: string): IRNode | undefined {
    const id = this.paramIndex().get(name);
    return id === undefined ? undefined : this.nodes[id];
  }

  input(feature: string, dtype: DType, shape: Shape, site: Site): IRNode {
    return this.push('input', [], { feature, dtype, shape: shape.map((d) => (d === 'batch' ? -1 : d)) }, dtype, shape, site);
  }

  beginInstance(path: string, block: string, span: Span): BlockInstance {
    const inst: BlockInstance = { path, block, depth: this.open.length, span, params: [], nodes: [] };
    this.instances.push(inst);
    this.open.push(inst);
    this.journal?.push({ kind: 'begin', instance: inst });
    return inst;
  }

  endInstance(): void {
    this.open.pop();
    this.journal?.push({ kind: 'end' });
  }

  private push(op: string, inputs: number[], attrs: Attrs, dtype: DType, shape: Shape, site: Site, log = true): IRNode {
    const node: IRNode = { id: this.nodes.length, op, inputs, attrs, dtype, shape, span: site.span, trace: site.trace, scope: site.scope };
    this.nodes.push(node);
    for (const inst of this.open) inst.nodes.push(node.id);
    if (log) this.journal?.push({ kind: 'node', node });
    return node;
  }
}

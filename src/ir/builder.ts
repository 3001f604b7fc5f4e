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

/** How much a builder holds: where a slice starts (slice(), append()). */
export interface BuildMark {
  nodes: number;
  params: number;
  instances: number;
}

/**
 * What a builder added between a mark and a later point, the same objects (never changed once
 * made), to append to another builder (a model-level `let` unchanged since the last analysis).
 */
export interface BuildSlice {
  from: BuildMark;
  nodes: IRNode[];
  params: ParamDecl[];
  paramNodeIds: number[];
  instances: BlockInstance[];
  /** The first segments of its parameter names, each once (most slices have one: their `let`'s name). */
  heads: string[];
}

/** The first segment of a parameter name or path (`trunk` of `trunk.dense0.kernel`). */
function headOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

export type AddResult = { node: IRNode } | { error: string; code: 'REC4001' | 'REC4002' | 'REC4003' | 'REC3008' };

export class GraphBuilder {
  readonly nodes: IRNode[] = [];
  readonly params: ParamDecl[] = [];
  readonly instances: BlockInstance[] = [];
  /** The `input` nodes, in order. */
  readonly inputs: IRNode[] = [];
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
    return this.heads.has(headOf(path));
  }

  private noteHead(name: string): void {
    // the parameters of one instance come together: most share the head noted last
    const h = this.lastHead;
    if (h && name.length > h.length && name.charCodeAt(h.length) === 46 && name.startsWith(h)) return;
    this.lastHead = headOf(name);
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

  /** What was added since `from`. */
  slice(from: BuildMark): BuildSlice {
    const params = this.params.slice(from.params);
    return {
      from,
      nodes: this.nodes.slice(from.nodes),
      params,
      paramNodeIds: this.paramNodeIds.slice(from.params),
      instances: this.instances.slice(from.instances),
      heads: [...new Set(params.map((p) => headOf(p.name)))],
    };
  }

  /** Append a slice made by another builder that held the same up to `s.from`; no instance may be open. */
  append(s: BuildSlice): void {
    const at = s.from;
    if (this.open.length > 0 || this.nodes.length !== at.nodes || this.params.length !== at.params || this.instances.length !== at.instances) {
      throw new Error('internal: append() out of step');
    }
    if (s.nodes.length > 0) Array.prototype.push.apply(this.nodes, s.nodes);
    for (let i = 0; i < s.params.length; i++) {
      this.params.push(s.params[i]!);
      this.paramNodeIds.push(s.paramNodeIds[i]!);
    }
    for (const h of s.heads) this.heads.add(h);
    if (s.instances.length > 0) Array.prototype.push.apply(this.instances, s.instances);
  }

  /** Whether none of the parameter names of a slice is declared yet. */
  paramsFree(s: BuildSlice): boolean {
    // A head nobody used frees every name under it: the usual case, checked once per head.
    return s.heads.every((h) => !this.heads.has(h)) || this.namesFree(s.params);
  }

  /** Whether none of these parameter names is declared yet. */
  private namesFree(params: ParamDecl[]): boolean {
    let head = ''; // a head known to be free: the parameters of one `let` mostly share it
    for (const p of params) {
      const name = p.name;
      if (head && name.length > head.length && name.charCodeAt(head.length) === 46 && name.startsWith(head)) continue;
      if (this.mayHaveParamsUnder(name)) {
        if (this.paramIndex().has(name)) return false;
      } else head = headOf(name);
    }
    return true;
  }

  /** The parameters whose nodes `live` marks (a mask by node id), in the order declared. */
  paramsAmong(live: Uint8Array): ParamDecl[] {
    const out: ParamDecl[] = [];
    for (let i = 0; i < this.params.length; i++) if (live[this.paramNodeIds[i]!]) out.push(this.params[i]!);
    return out;
  }

  /** A node shared by name (a feature's table used by two features). */
  paramNode(name: string): IRNode | undefined {
    const id = this.paramIndex().get(name);
    return id === undefined ? undefined : this.nodes[id];
  }

  input(feature: string, dtype: DType, shape: Shape, site: Site): IRNode {
    const node = this.push('input', [], { feature, dtype, shape: shape.map((d) => (d === 'batch' ? -1 : d)) }, dtype, shape, site);
    this.inputs.push(node);
    return node;
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

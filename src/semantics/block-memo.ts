// Memoised block expansion. A block's body sees only its arguments and its module's globals, so
// two calls of one block with arguments of the same types, shapes and compile-time values build
// the same subgraph, differing only in where it hangs: the instance path that prefixes names,
// the call site that heads traces, and the nodes its tensor arguments are. A large spec calls a
// few blocks many times (a model of 1,400 `let`s over 100 blocks), and shape inference through
// each call was most of the time to check it; a replay appends the recorded nodes directly.
//
// Only calls that reported nothing are recorded, so a replay never has to reproduce a
// diagnostic; anything the recording did not capture (a parameter name taken already, a block on
// the caller's stack, the depth limit) makes the caller expand the block the ordinary way.
import type { Span } from '../diagnostics/span.js';
import type { BuildEvent, GraphBuilder } from '../ir/builder.js';
import type { Attrs, DType, Init, ParamGroup, Shape } from '../ir/types.js';
import type { BlockDecl } from '../syntax/ast.js';
import { holds, Ids, mapNodes, valueKey } from './value-key.js';
import type { Value } from './values.js';

/** A node id in a template: `>= 0` the n-th node the template made, `< 0` argument slot `-1 - id`. */
type Ref = number;

/** Where a recorded site's span is: a fixed span inside the callee, or the caller's site (`undefined`). */
type SpanRef = Span | undefined;

interface SiteRef {
  span: SpanRef;
  /** The trace after the call span (the callee's own call sites and expression). */
  rest: Span[];
  /** The node scope after the instance path (`''` or `.dense0`, …). */
  scope: string;
}

type Step =
  | { kind: 'node'; op: string; inputs: Ref[]; attrs: Attrs; dtype: DType; shape: Shape; site: SiteRef }
  | { kind: 'param'; name: string; shape: number[]; init: Init; group: ParamGroup; trainable: boolean; site: SiteRef }
  | { kind: 'begin'; path: string; block: string; span: SpanRef }
  | { kind: 'end' };

/** A value in a template: node ids are Refs. */
type RelValue = Value;

export interface Template {
  steps: Step[];
  result: RelValue;
  /** Parameter names (after the path) the replay will declare, to check they are free. */
  params: string[];
  /** The call's counters after the body, when the caller shares its counters (a `let` instance). */
  counters?: Array<[string, number]>;
  /** Every block expanded inside, the callee included: none may be on the caller's stack. */
  entered: Set<BlockDecl>;
  /** How much deeper than the call the expansion went (for the nesting limit). */
  depth: number;
}

/** The key of a call and the argument nodes its slots stand for. */
export interface CallKey {
  key: string;
  slots: number[];
}

/**
 * The templates of an elaboration by call key, and the numbers its keys give blocks and modules.
 * Owned by the elaborator; the next elaboration of the same model takes it over (Elaborator.resume).
 */
export class BlockMemo {
  constructor(
    readonly templates = new Map<string, Template>(),
    readonly ids = new Ids(),
  ) {}

  /** The templates that expanded none of `stale` (blocks edited since), under the same numbers. */
  without(stale: Set<BlockDecl>): BlockMemo {
    const kept = [...this.templates].filter(([, t]) => ![...t.entered].some((d) => stale.has(d)));
    return new BlockMemo(new Map(kept), this.ids);
  }
}

/** What a template cannot stand for: a feature argument or result, an error. */
const opaque = (v: Value) => v.kind === 'feature' || v.kind === 'error';

/**
 * The memo key of a call: the block as called, its bound arguments (value-key.ts: types, shapes,
 * values, which argument nodes are the same node) and the counters it continues. Undefined when
 * an argument is not something a template can stand for (a feature, an error).
 */
export function callKey(decl: BlockDecl, qualified: string, args: Map<string, Value>, counters: Map<string, number> | undefined, ids: Ids): CallKey | undefined {
  const k = valueKey(
    decl.params.map((p) => args.get(p.name.name)),
    ids,
    [],
    opaque,
  );
  if (!k) return undefined;
  // The instance is named after the callee as called (`dense` or `layers.dense`).
  const parts = [`${ids.of(decl)}${qualified}`, k.key];
  if (counters) parts.push(`c${[...counters].map(([k, n]) => `${k}:${n}`).join(',')}`);
  return { key: parts.join('|'), slots: k.slots };
}

/**
 * Turn what the builder did during one call into a template, or undefined when it touched a node
 * that is neither its own nor an argument's (then it is not a function of its key).
 */
export function makeTemplate(
  events: BuildEvent[],
  call: { key: CallKey; path: string; site: Span; callSpan: Span; trace: number; firstNode: number; result: Value; counters?: Map<string, number>; entered: Set<BlockDecl>; depth: number },
): Template | undefined {
  const { path, firstNode } = call;
  const slotOf = new Map(call.key.slots.map((n, i) => [n, i]));
  const ref = (id: number): Ref | undefined => {
    if (id >= firstNode) return id - firstNode;
    const s = slotOf.get(id);
    return s === undefined ? undefined : -1 - s;
  };
  const rel = (name: string): string | undefined => (name === path ? '' : name.startsWith(`${path}.`) ? name.slice(path.length) : undefined);
  const spanRef = (s: Span): SpanRef => (s === call.site ? undefined : s);
  // Nodes made by one expression share their trace; so do their replays.
  let lastTrace: Span[] | undefined;
  let lastRest: Span[] = [];
  const siteRef = (trace: Span[], span: Span, scope: string): SiteRef | undefined => {
    const s = rel(scope);
    if (s === undefined || trace[call.trace] !== call.callSpan) return undefined;
    if (trace !== lastTrace) {
      const rest = trace.slice(call.trace + 1);
      if (rest.length !== lastRest.length || rest.some((x, i) => x !== lastRest[i])) lastRest = rest;
      lastTrace = trace;
    }
    return { span: spanRef(span), rest: lastRest, scope: s };
  };
  const steps: Step[] = [];
  const params: string[] = [];
  for (const e of events) {
    if (e.kind === 'node') {
      const n = e.node;
      if (n.op === 'param' || n.op === 'input') return undefined;
      const inputs: Ref[] = [];
      for (const i of n.inputs) {
        const r = ref(i);
        if (r === undefined) return undefined;
        inputs.push(r);
      }
      const site = siteRef(n.trace, n.span, n.scope);
      if (!site) return undefined;
      steps.push({ kind: 'node', op: n.op, inputs, attrs: n.attrs, dtype: n.dtype, shape: n.shape, site });
    } else if (e.kind === 'param') {
      const name = rel(e.decl.name);
      const site = siteRef(e.node.trace, e.node.span, e.node.scope);
      if (name === undefined || !site) return undefined;
      params.push(name);
      const d = e.decl;
      steps.push({ kind: 'param', name, shape: d.shape, init: d.init, group: d.group, trainable: d.trainable, site });
    } else if (e.kind === 'begin') {
      const p = rel(e.instance.path);
      if (p === undefined) return undefined;
      steps.push({ kind: 'begin', path: p, block: e.instance.block, span: spanRef(e.instance.span) });
    } else steps.push({ kind: 'end' });
  }
  // a result a template cannot stand for (a feature, an error) is not recorded
  if (holds(call.result, opaque)) return undefined;
  const result = mapNodes(call.result, ref);
  if (!result) return undefined;
  return {
    steps,
    result,
    params,
    ...(call.counters ? { counters: [...call.counters] } : {}),
    entered: call.entered,
    depth: call.depth,
  };
}

/**
 * Append a template's nodes for a call at `path` whose site span is `site` and whose trace up to
 * the call is `trace` (the call span last); returns the call's value. The caller has checked
 * that the template's parameter names are free and its blocks are not on the stack.
 */
export function replay(t: Template, b: GraphBuilder, at: { path: string; site: Span; trace: Span[]; slots: number[]; counters?: Map<string, number> }): Value {
  const first = b.nodes.length;
  const id = (r: Ref) => (r >= 0 ? first + r : at.slots[-1 - r]!);
  // Nodes of one expression share a trace and a scope; so do their replays.
  const traces = new Map<Span[], Span[]>();
  const scopes = new Map<string, string>();
  const one = { span: at.site, trace: at.trace, scope: at.path };
  const site = (s: SiteRef) => {
    let trace = traces.get(s.rest);
    if (!trace) traces.set(s.rest, (trace = [...at.trace, ...s.rest]));
    let scope = scopes.get(s.scope);
    if (scope === undefined) scopes.set(s.scope, (scope = at.path + s.scope));
    one.span = s.span ?? at.site;
    one.trace = trace;
    one.scope = scope;
    return one; // read at once by the builder
  };
  for (const s of t.steps) {
    switch (s.kind) {
      case 'node':
        b.addInferred(s.op, s.inputs.map(id), s.attrs, s.dtype, s.shape, site(s.site));
        break;
      case 'param': {
        const r = b.param(at.path + s.name, s.shape, s.init, s.group, s.trainable, site(s.site), true);
        if ('duplicate' in r) throw new Error(`internal: replayed parameter ${at.path + s.name} exists`);
        break;
      }
      case 'begin':
        b.beginInstance(at.path + s.path, s.block, s.span ?? at.site);
        break;
      case 'end':
        b.endInstance();
        break;
    }
  }
  if (at.counters && t.counters) {
    at.counters.clear();
    for (const [k, n] of t.counters) at.counters.set(k, n);
  }
  return mapNodes(t.result, id)!;
}

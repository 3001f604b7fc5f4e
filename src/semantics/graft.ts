// Grafting (PeterRec): a stage's `graft: { into: net.*.conv*, patch: peterrec.serial(bottleneck: 16) }`
// inserts a block at every block call whose instance path the selector matches. The model's
// `let`s are elaborated again, for that stage, with a hook on block calls (Elaborator.graft):
// after a matched call returns y from its first tensor argument x, the graft block is called as
// `patch(y, x, …its arguments)` and its result replaces y. Everything downstream is elaborated on
// the patched values, so the stage's tasks read an ordinary graph; the parameters the stage's
// `let`s declare again are the same parameters (shared by name with the first elaboration, which
// the earlier stages train), and the graft's own are new, named `<target>.<graft block>.…`.
// While the hook is set, block calls are expanded, never replayed from the memo (a replay would
// not see the hook), and the hook is off inside the graft block itself.
//
// A selector matches an instance path with as many segments (`net.*.conv*` matches
// `net.residual0.conv1`, not `net` nor `net.residual0.conv1.x`).
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { Expr, Field, LetStmt } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { onceEach, unset } from './options.js';
import { Scope } from './scope.js';
import { readSelectors, selectorMatcher, type Selector } from './selectors.js';
import { asTensor } from './types.js';
import { describe, type ArgValue, type TensorValue, type Value } from './values.js';

/** What the elaborator asks while a stage's grafts are elaborated (see Elaborator.graft). */
export interface GraftHook {
  /** A block call at `path` returned `result`; `args` are its bound arguments in parameter order. */
  after(path: string, args: Map<string, Value>, result: Value, f: Frame): Value;
  /** The node of an already declared parameter of this name and shape, to share it. */
  shared(name: string, shape: readonly number[]): TensorValue | undefined;
}

interface Graft {
  into: Selector[];
  callee: Extract<Value, { kind: 'block' }>;
  local: string;
  args: ArgValue[];
  span: Span;
  matched: Set<Selector>;
}

export interface Grafted {
  /** The stage's scope: the model's names, its `let`s bound to their grafted values. */
  scope: Scope;
  /** The last `let`'s grafted value (a task's default input). */
  lastLet?: { value: Value; span: Span };
  /** The parameters the grafts declared (new in this stage). */
  params: string[];
}

/** Read `graft: { into: …, patch: block(…) }` (or a list of them); reported and undefined when malformed. */
function readGrafts(value: Expr, el: Elaborator, f: Frame): Graft[] | undefined {
  const out: Graft[] = [];
  const usage = 'a graft is `{ into: net.*.conv*, patch: peterrec.serial(bottleneck: 16) }`: the blocks it patches and the block inserted after each';
  for (const g of value.kind === 'List' ? value.items : [value]) {
    if (g.kind !== 'Record') {
      el.report('REC5022', g.span, usage, f);
      return undefined;
    }
    const fields = onceEach(g.fields, 'a graft', el, f);
    if (fields.length < g.fields.length) return undefined;
    const field = (n: string): Field | undefined => fields.find((x) => x.name.name === n);
    for (const x of fields) {
      if (x.name.name !== 'into' && x.name.name !== 'patch') {
        const alts = suggestNames(x.name.name, unset(['into', 'patch'], fields));
        el.report('REC5022', x.name.span, `a graft has no field \`${x.name.name}\``, f, { hint: didYouMean(alts) ?? 'its fields are `into` and `patch`', suggestions: fixWith(alts, x.name.span, 'rename to') });
        return undefined;
      }
    }
    const into = field('into');
    const patch = field('patch');
    if (!into || !patch) {
      el.report('REC5022', g.span, `this graft has no \`${into ? 'patch' : 'into'}\``, f, { hint: usage });
      return undefined;
    }
    const selectors: Selector[] = [];
    for (const s of readSelectors(into.value)) {
      if ('error' in s) {
        el.report('REC5022', s.span, s.error.replace('parameter path', 'block path'), f);
        return undefined;
      }
      selectors.push(s);
    }
    const call = patch.value;
    const callee = call.kind === 'Call' ? el.evalExpr(call.callee, f) : call.kind === 'Name' || call.kind === 'Member' ? el.evalExpr(call, f) : undefined;
    if (callee?.kind === 'error') return undefined;
    if (callee?.kind !== 'block') {
      el.report('REC5022', call.span, `\`patch\` names the block to insert, with its arguments but the first two, e.g. \`peterrec.serial(bottleneck: 16)\`; found ${callee ? describe(callee) : 'an expression'}`, f);
      return undefined;
    }
    const tensors = callee.decl.params.slice(0, 2).filter((p) => p.type?.name === 'tensor');
    if (tensors.length < 2) {
      el.report('REC5022', call.span, `a graft block takes the patched block's output and input first, \`block ${callee.decl.name.name}(y: tensor, x: tensor, …)\``, f, { hint: 'use `peterrec.serial` or `peterrec.parallel`, or a block of that form' });
      return undefined;
    }
    const args: ArgValue[] = (call.kind === 'Call' ? call.args : []).map((a) => ({
      ...(a.name ? { name: { name: a.name.name, span: a.name.span } } : {}),
      value: el.evalExpr(a.value, f),
      span: a.value.span,
    }));
    if (args.some((a) => a.value.kind === 'error')) return undefined;
    out.push({ into: selectors, callee, local: callee.decl.name.name, args, span: call.span, matched: new Set() });
  }
  return out;
}

/**
 * Elaborate the model's `let`s again with the stage's grafts. `evalLet` evaluates one `let` in a
 * scope (as the model does). Undefined when the graft is malformed (reported).
 */
export function graftStage(el: Elaborator, stage: string, value: Expr, lets: readonly LetStmt[], modelScope: Scope, f: Frame, evalLet: (item: LetStmt, f: Frame) => Value): Grafted | undefined {
  const grafts = readGrafts(value, el, f);
  if (!grafts) return undefined;
  const matchers = grafts.map((g) => g.into.map((s) => ({ s, match: selectorMatcher(s), depth: s.segments.length })));
  const params: string[] = [];
  let inPatch = false;
  const hook: GraftHook = {
    after(path, args, result, at) {
      if (inPatch || result.kind === 'error') return result;
      const depth = path.split('.').length;
      let out: Value = result;
      grafts.forEach((g, i) => {
        const hit = matchers[i]!.filter((m) => m.depth === depth && m.match(path));
        if (hit.length === 0) return;
        for (const m of hit) g.matched.add(m.s);
        const y = asTensor(out);
        const x = [...args.values()].map(asTensor).find((t) => t !== undefined);
        if (!y || !x) {
          el.report('REC5022', g.span, `cannot graft into \`${path}\`: it ${!y ? `returns ${describe(out)}` : 'reads no tensor'}, not a tensor from a tensor`, f);
          return;
        }
        inPatch = true;
        try {
          const pf: Frame = { ...at, trace: [g.span] };
          out = el.call(g.callee, [{ value: y, span: g.span }, { value: x, span: g.span }, ...g.args], g.span, g.span, pf, `${path}.${g.local}`, new Map());
        } finally {
          inPatch = false;
        }
      });
      return out;
    },
    shared(name, shape) {
      const node = el.builder.paramNode(name);
      if (!node) {
        params.push(name);
        return undefined;
      }
      if (node.shape.join() !== shape.join()) return undefined; // reported as a duplicate
      return { kind: 'tensor', node: node.id, shape: node.shape, dtype: 'float32' };
    },
  };
  const scope = new Scope(modelScope);
  let lastLet: Grafted['lastLet'];
  const firstInstance = el.builder.instances.length;
  el.graft = hook;
  try {
    for (const item of lets) {
      const v = evalLet(item, { ...f, scope });
      scope.define(item.name.name, { value: v, span: item.name.span });
      lastLet = { value: v, span: item.value.span };
    }
  } finally {
    el.graft = undefined;
  }
  // the calls elaborated again are this stage's (stats and hover tell them from the first ones)
  for (const inst of el.builder.instances.slice(firstInstance)) inst.stage = stage;
  const paths = [...new Set(el.builder.instances.map((i) => i.path))];
  for (const g of grafts) {
    for (const s of g.into) {
      if (g.matched.has(s)) continue;
      const near = paths.filter((p) => p.split('.').length === s.segments.length);
      const alts = suggestNames(s.text, near);
      el.report('REC5021', s.span, `\`${s.text}\` matches no block call of the model's \`let\`s: there is nothing to graft into`, f, {
        hint: didYouMean(alts) ?? (near.length > 0 ? `block calls at that depth are ${near.slice(0, 4).map((p) => `\`${p}\``).join(', ')}${near.length > 4 ? ', …' : ''}` : 'a target is the path of a block call, e.g. `net.*.conv*`'),
        suggestions: fixWith(alts, s.span),
      });
    }
  }
  return { scope, ...(lastLet ? { lastLet } : {}), params };
}

// The evaluator: expressions become IR nodes (tensors) or compile-time values (numbers, lists),
// operators pick numeric or tensor arithmetic, statements run in lexical scopes. Calls are left to
// calls.ts (a subclass), which expands blocks by evaluating their bodies here.
import type { Span } from '../diagnostics/span.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { GraphBuilder } from '../ir/builder.js';
import type { Attrs } from '../ir/types.js';
import type { BinaryExpr, BlockDecl, Expr, Stmt } from '../syntax/ast.js';
import { builtins } from './builtins/index.js';
import type { Module, ModuleLoader } from './modules.js';
import { Reporting } from './report.js';
import { Scope } from './scope.js';
import { asTensor } from './types.js';
import { describe, ERROR, type ArgValue, type TensorValue, type Value } from './values.js';

/** Where evaluation is: which module's names are visible, which block instance owns new params. */
export interface Frame {
  module: Module;
  scope: Scope;
  /** Instance path that prefixes parameter names, e.g. `trunk.gate0`. */
  path: string;
  /** Per-callee counters of this instance: the second `dense` call is `dense1`. */
  counters: Map<string, number>;
  /** Call sites from the model down to this frame. */
  trace: Span[];
  /** Blocks being expanded, to catch recursion. */
  stack: BlockDecl[];
}

/**
 * Deepest evaluation: expressions inside expressions, through block calls. The parser bounds
 * one expression's depth (syntax/nesting.ts) and calls.ts the depth of block calls, but their
 * product would still overflow the stack (about 1,500 levels do).
 */
export const MAX_EVAL_DEPTH = 600;

export abstract class Evaluator extends Reporting {
  private readonly globals = new Map<Module, Scope>();
  /** evalExpr() calls in progress. */
  private depth = 0;

  constructor(
    readonly builder: GraphBuilder,
    readonly loader: ModuleLoader,
  ) {
    super();
  }

  /** Call a block or a builtin (calls.ts). */
  abstract call(callee: Value, args: ArgValue[], span: Span, calleeSpan: Span, f: Frame, pathOverride?: string, counters?: Map<string, number>): Value;

  // ── scopes ────────────────────────────────────────────────────────────────

  /**
   * A block of the prelude (std.layers) by name, whatever the spec defines under that name: the
   * compiler's own uses (a task's tower and output layer) must not call a user's `let mlp`.
   */
  preludeBlock(name: string): Extract<Value, { kind: 'block' }> | undefined {
    for (const p of this.loader.prelude()) {
      const decl = p.blocks.get(name);
      if (decl) return { kind: 'block', decl, module: p, qualified: name };
    }
    return undefined;
  }

  /** The names a module sees at top level: builtins, prelude blocks, its imports and blocks. */
  globalScope(module: Module): Scope {
    let s = this.globals.get(module);
    if (s) return s;
    const builtinScope = new Scope(undefined, true);
    for (const b of builtins().values()) builtinScope.define(b.name, { value: { kind: 'builtin', builtin: b } });
    const preludeScope = new Scope(builtinScope, true);
    for (const p of this.loader.prelude()) {
      for (const [name, decl] of p.blocks) preludeScope.define(name, { value: { kind: 'block', decl, module: p, qualified: name }, span: decl.name.span });
    }
    s = new Scope(preludeScope, true);
    for (const [alias, { module: m, use }] of module.imports) s.define(alias, { value: { kind: 'module', module: m, alias }, span: use.span });
    for (const [name, decl] of module.blocks) {
      const qualified = module.isStd ? `${module.name}.${name}` : name;
      s.define(name, { value: { kind: 'block', decl, module, qualified }, span: decl.name.span });
    }
    this.globals.set(module, s);
    return s;
  }

  // ── expressions ───────────────────────────────────────────────────────────

  evalExpr(e: Expr, f: Frame, pathOverride?: string): Value {
    if (this.depth >= MAX_EVAL_DEPTH) {
      this.report('REC3010', e.span, `expressions and block calls are nested more than ${MAX_EVAL_DEPTH} deep here`, f, { hint: 'name inner parts with `let`, or call fewer blocks inside one another' });
      return ERROR;
    }
    this.depth++;
    try {
      return this.evaluate(e, f, pathOverride);
    } finally {
      this.depth--;
    }
  }

  private evaluate(e: Expr, f: Frame, pathOverride?: string): Value {
    switch (e.kind) {
      case 'Number':
        return e.isInt ? { kind: 'int', value: e.value } : { kind: 'float', value: e.value };
      case 'String':
        return { kind: 'string', value: e.value };
      case 'Bool':
        return { kind: 'bool', value: e.value };
      case 'Paren':
        return this.evalExpr(e.expr, f, pathOverride);
      case 'List':
        return { kind: 'list', items: e.items.map((i) => this.evalExpr(i, f)) };
      case 'Record': {
        const fields = new Map<string, Value>();
        for (const fl of e.fields) fields.set(fl.name.name, this.evalExpr(fl.value, f));
        return { kind: 'record', fields };
      }
      case 'Name': {
        const b = f.scope.lookup(e.name);
        if (b) return b.value;
        const alts = suggestNames(e.name, f.scope.names());
        this.report('REC2001', e.span, `unknown name \`${e.name}\``, f, {
          hint: didYouMean(alts),
          suggestions: fixWith(alts, e.span),
        });
        return ERROR;
      }
      case 'Member':
        return this.member(this.evalExpr(e.object, f), e.property.name, e.property.span, f);
      case 'Index': {
        const obj = this.evalExpr(e.object, f);
        const idx = this.evalExpr(e.index, f);
        if (obj.kind === 'error' || idx.kind === 'error') return ERROR;
        if (obj.kind !== 'list') {
          this.report('REC3001', e.object.span, `only lists can be indexed, found ${describe(obj)}`, f);
          return ERROR;
        }
        if (idx.kind !== 'int') {
          this.report('REC3001', e.index.span, `a list index must be an int, found ${describe(idx)}`, f);
          return ERROR;
        }
        const i = idx.value < 0 ? obj.items.length + idx.value : idx.value;
        if (i < 0 || i >= obj.items.length) {
          this.report('REC3008', e.index.span, `index ${idx.value} is out of range for a list of ${obj.items.length}`, f);
          return ERROR;
        }
        return obj.items[i]!;
      }
      case 'Call': {
        const callee = this.evalExpr(e.callee, f);
        const args: ArgValue[] = e.args.map((a) => ({
          ...(a.name ? { name: { name: a.name.name, span: a.name.span } } : {}),
          value: this.evalExpr(a.value, f),
          span: a.value.span,
        }));
        return this.call(callee, args, e.span, e.callee.span, f, pathOverride);
      }
      case 'Unary': {
        const v = this.evalExpr(e.operand, f);
        if (v.kind === 'error') return ERROR;
        if (e.op === 'not') {
          if (v.kind === 'bool') return { kind: 'bool', value: !v.value };
          this.report('REC3001', e.span, `\`not\` needs a bool, found ${describe(v)}`, f);
          return ERROR;
        }
        if (v.kind === 'int' || v.kind === 'float') return { kind: v.kind, value: -v.value };
        const t = asTensor(v);
        if (t) return this.tensorArith('mul', t, this.scalar(-1, e.span, f), e.span, f);
        this.report('REC3001', e.span, `cannot negate ${describe(v)}`, f);
        return ERROR;
      }
      case 'Binary':
        return this.binary(e, f);
    }
  }

  member(obj: Value, name: string, span: Span, f: Frame): Value {
    if (obj.kind === 'error') return ERROR;
    if (obj.kind === 'module') {
      const decl = obj.module.blocks.get(name);
      if (decl) return { kind: 'block', decl, module: obj.module, qualified: `${obj.alias}.${name}` };
      const alts = suggestNames(name, obj.module.blocks.keys());
      this.report('REC2006', span, `module \`${obj.alias}\` has no block \`${name}\``, f, {
        hint: didYouMean(alts) ?? `it defines ${[...obj.module.blocks.keys()].map((n) => `\`${n}\``).join(', ')}`,
        suggestions: fixWith(alts, span),
      });
      return ERROR;
    }
    if (obj.kind === 'record') {
      const v = obj.fields.get(name);
      if (v) return v;
      const alts = suggestNames(name, obj.fields.keys());
      this.report('REC2006', span, `this record has no field \`${name}\``, f, { hint: didYouMean(alts), suggestions: fixWith(alts, span) });
      return ERROR;
    }
    this.report('REC3001', span, `\`.${name}\` needs a module or a record, found ${describe(obj)}`, f);
    return ERROR;
  }

  // ── operators ─────────────────────────────────────────────────────────────

  private binary(e: BinaryExpr, f: Frame): Value {
    const l = this.evalExpr(e.left, f);
    const r = this.evalExpr(e.right, f);
    if (l.kind === 'error' || r.kind === 'error') return ERROR;
    const num = (v: Value) => (v.kind === 'int' || v.kind === 'float' ? v.value : undefined);
    const ln = num(l);
    const rn = num(r);
    const bothInt = l.kind === 'int' && r.kind === 'int';
    if (ln !== undefined && rn !== undefined) {
      switch (e.op) {
        case '+':
          return { kind: bothInt ? 'int' : 'float', value: ln + rn };
        case '-':
          return { kind: bothInt ? 'int' : 'float', value: ln - rn };
        case '*':
          return { kind: bothInt ? 'int' : 'float', value: ln * rn };
        case '/':
          if (rn === 0) {
            this.report('REC3008', e.span, 'division by zero', f);
            return ERROR;
          }
          return { kind: 'float', value: ln / rn };
        case '==':
          return { kind: 'bool', value: ln === rn };
        case '!=':
          return { kind: 'bool', value: ln !== rn };
        case '<':
          return { kind: 'bool', value: ln < rn };
        case '<=':
          return { kind: 'bool', value: ln <= rn };
        case '>':
          return { kind: 'bool', value: ln > rn };
        case '>=':
          return { kind: 'bool', value: ln >= rn };
        default:
          break;
      }
    }
    if ((e.op === 'and' || e.op === 'or') && l.kind === 'bool' && r.kind === 'bool') {
      return { kind: 'bool', value: e.op === 'and' ? l.value && r.value : l.value || r.value };
    }
    if ((e.op === '==' || e.op === '!=') && l.kind === 'string' && r.kind === 'string') {
      return { kind: 'bool', value: (l.value === r.value) === (e.op === '==') };
    }
    if (e.op === '+' && l.kind === 'list' && r.kind === 'list') return { kind: 'list', items: [...l.items, ...r.items] };
    const lt = asTensor(l) ?? (ln !== undefined ? this.scalar(ln, e.left.span, f) : undefined);
    const rt = asTensor(r) ?? (rn !== undefined ? this.scalar(rn, e.right.span, f) : undefined);
    const arith = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '@': 'matmul' } as const;
    if (lt && rt && e.op in arith && (asTensor(l) || asTensor(r))) {
      if (e.op === '@' && (!asTensor(l) || !asTensor(r))) {
        this.report('REC3001', e.span, '`@` multiplies two tensors; use `*` to scale by a number', f);
        return ERROR;
      }
      return this.tensorArith(arith[e.op as keyof typeof arith], lt, rt, e.span, f);
    }
    this.report('REC3001', e.span, `cannot apply \`${e.op}\` to ${describe(l)} and ${describe(r)}`, f, {
      hint: e.op === '@' ? '`@` is matrix multiplication of tensors' : undefined,
    });
    return ERROR;
  }

  private scalar(value: number, span: Span, f: Frame): TensorValue {
    const r = this.builder.add('const', [], { value: [value], shape: [] }, this.site(span, f));
    if ('error' in r) throw new Error(`internal: const: ${r.error}`);
    return { kind: 'tensor', node: r.node.id, shape: r.node.shape, dtype: r.node.dtype };
  }

  tensorArith(op: string, a: TensorValue, b: TensorValue, span: Span, f: Frame): Value {
    return this.op(op, [a, b], {}, span, f);
  }

  /** Add an op node; a shape error is reported with both shapes and gives the error value. */
  op(name: string, inputs: TensorValue[], attrs: Attrs, span: Span, f: Frame, mask?: number | null): Value {
    const r = this.builder.add(name, inputs.map((i) => i.node), attrs, this.site(span, f));
    if ('error' in r) {
      const seq = inputs.some((i) => i.mask !== undefined);
      this.report(r.code, span, r.error, f, { hint: seq && r.code === 'REC4001' ? 'a sequence is [batch, L, d]: pool it first, e.g. `mean(x)`, or attend over it' : undefined });
      return ERROR;
    }
    const out: TensorValue = { kind: 'tensor', node: r.node.id, shape: r.node.shape, dtype: r.node.dtype };
    if (mask !== null) {
      // A sequence keeps its mask through ops that keep its length axis (dense, activations).
      const m = mask ?? inputs.find((i) => i.mask !== undefined && i.shape.length >= 3 && out.shape.length >= 3 && out.shape[1] === i.shape[1])?.mask;
      if (m !== undefined) out.mask = m;
    }
    return out;
  }

  // ── statements ────────────────────────────────────────────────────────────

  /** Run statements; the value of the first `return` reached, or undefined. */
  execBody(stmts: Stmt[], f: Frame): Value | undefined {
    for (const s of stmts) {
      switch (s.kind) {
        case 'Let':
          f.scope.define(s.name.name, { value: this.evalExpr(s.value, f), span: s.name.span });
          break;
        case 'Assign': {
          const v = this.evalExpr(s.value, f);
          if (!f.scope.assign(s.name.name, v)) {
            // names it can update: a block or a module is no variable (found by a probe: `b` offered, then refused)
            const alts = suggestNames(s.name.name, f.scope.assignable());
            this.report('REC2007', s.name.span, `\`${s.name.name}\` is not declared`, f, {
              hint: `declare it first with \`let ${s.name.name} = …\`${alts.length ? `, or ${didYouMean(alts)}` : ''}`,
              suggestions: fixWith(alts, s.name.span),
            });
          }
          break;
        }
        case 'For': {
          const it = this.evalExpr(s.iterable, f);
          if (it.kind === 'error') break;
          if (it.kind !== 'list') {
            this.report('REC3001', s.iterable.span, `\`for\` needs a list, found ${describe(it)}`, f);
            break;
          }
          for (const item of it.items) {
            const body: Frame = { ...f, scope: new Scope(f.scope) };
            body.scope.define(s.variable.name, { value: item, span: s.variable.span });
            const r = this.execBody(s.body, body);
            if (r !== undefined) return r;
          }
          break;
        }
        case 'If': {
          const c = this.evalExpr(s.cond, f);
          if (c.kind === 'error') break;
          if (c.kind !== 'bool') {
            this.report('REC3001', s.cond.span, `\`if\` needs a bool known at compile time, found ${describe(c)}`, f, { hint: 'compare parameters, e.g. `if heads > 1 { … }`' });
            break;
          }
          const branch = c.value ? s.then : s.else;
          if (!branch) break;
          const r = this.execBody(branch, { ...f, scope: new Scope(f.scope) });
          if (r !== undefined) return r;
          break;
        }
        case 'Return':
          return this.evalExpr(s.value, f);
      }
    }
    return undefined;
  }
}

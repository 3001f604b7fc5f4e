// The elaborator evaluates a model symbolically: expressions become IR nodes (tensors) or
// compile-time values (numbers, lists), block calls are expanded in place with their parameters
// named by the call path, and every shape is inferred by the op that makes it. Type, argument
// and shape errors are collected here, reported at the user's text with the stdlib lines that
// led there as related information.
import { diag, type Diagnostic, type Related } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Span } from '../diagnostics/span.js';
import { didYouMean, suggestNames } from '../diagnostics/suggest.js';
import type { GraphBuilder, Site } from '../ir/builder.js';
import type { Attrs, Init, ParamGroup } from '../ir/types.js';
import type { BinaryExpr, BlockDecl, Expr, LetStmt, ModelDecl, ModelItem, Stmt } from '../syntax/ast.js';
import { bindArgs, type ArgValue, type Signature } from './bind.js';
import { callKey, makeTemplate, replay, type Template } from './block-memo.js';
import { freeNames, keep, matchInputs, relocate, sameValue, type LetRecord } from './let-records.js';
import type { BuiltinCtx } from './builtins/builtin.js';
import type { GraftHook } from './graft.js';
import { builtins } from './builtins/index.js';
import { STDLIB_DIR, type Module, type ModuleLoader } from './modules.js';
import { Scope } from './scope.js';
import { asTensor, coerce, showType, typeFromAst } from './types.js';
import { describe, ERROR, type TensorValue, type Value } from './values.js';

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

const MAX_DEPTH = 48;

const reportKey = (code: string, where: Span, message: string) => `${code}:${where.file}:${where.start.offset}:${where.end.offset}:${message}`;

/** Whether any of `entered` is in `stale`. */
function enteredAny(entered: Set<BlockDecl>, stale: Set<BlockDecl>): boolean {
  for (const d of entered) if (stale.has(d)) return true;
  return false;
}

export function isStdFile(file: string): boolean {
  return file.startsWith(STDLIB_DIR);
}

export class Elaborator {
  /** Off only in the test that checks memoisation changes no graph and no diagnostic. */
  static memoiseCalls = true;
  readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  private readonly globals = new Map<Module, Scope>();
  /** Calls to report(), made or deduplicated: a block call that made none can be memoised. */
  private reports = 0;
  /** Expansions of block calls already seen with the same arguments (see block-memo.ts). */
  private templates = new Map<string, Template>();
  /** What each model-level `let` did, for the next analysis of the same file (resume(), keep()). */
  private readonly lets = new Map<LetStmt, LetRecord[]>();
  /**
   * The previous elaboration of this model: its items (an edit keeps the nodes of those it did not
   * change, moving them if need be: syntax/reparse.ts), its leading items that are unchanged, and
   * whether every item so far was taken from it.
   */
  private from: { previous: Elaborator; items: Set<ModelItem>; unchanged: Set<ModelItem>; inStep: boolean; stale: Set<BlockDecl> } | undefined;
  /** Signatures of blocks by how they are called (a block is called thousands of times in a large spec). */
  private readonly signatures = new Map<BlockDecl, Map<string, Signature>>();
  /** How many block calls were replayed (for tests and benchmarks). */
  replays = 0;
  /** How many model-level `let`s were taken from the previous elaboration (for tests and benchmarks). */
  taken = 0;
  /** The block calls being recorded, outermost first. */
  private readonly recording: Array<{ entered: Set<BlockDecl>; deepest: number }> = [];
  /**
   * Set while a stage's grafts elaborate the model again (graft.ts): every block call's result
   * passes through it, calls are expanded (not replayed), and parameters are shared by name.
   */
  graft: GraftHook | undefined;

  constructor(
    readonly builder: GraphBuilder,
    readonly loader: ModuleLoader,
    /** Replay block calls seen before with the same arguments (see block-memo.ts). */
    readonly memoise = Elaborator.memoiseCalls,
  ) {}

  // ── resuming ──────────────────────────────────────────────────────────────

  /**
   * Continue from the elaboration of this model's previous version (the language server, after
   * an edit; the caller checks that the files read are the same and that the globals are, but for
   * the bodies of the `stale` blocks). A `let` that was there before, unchanged or only moved, adds
   * what it added last time when that is what it would add now (see let-records.ts).
   */
  resume(previous: Elaborator, model: ModelDecl, previousModel: ModelDecl, stale = new Set<BlockDecl>()): void {
    let k = 0;
    while (k < model.items.length && model.items[k] === previousModel.items[k]) k++;
    // After a block was edited nothing is in step: any `let` may call it, through other blocks.
    this.from = { previous, items: new Set(previousModel.items), unchanged: new Set(model.items.slice(0, k)), inStep: stale.size === 0, stale };
    // Templates depend only on the blocks they entered and their arguments.
    this.templates = stale.size === 0 ? previous.templates : new Map([...previous.templates].filter(([, t]) => !enteredAny(t.entered, stale)));
  }

  /** Evaluate a model-level `let` in the model's scope, or take what it did last time. */
  modelLet(item: LetStmt, scope: Scope, evaluate: () => Value): Value {
    const from = this.from;
    const earlier = from?.items.has(item) ? from.previous.lets.get(item) : undefined;
    const inStep = !!from?.inStep && from.unchanged.has(item);
    // The values of the names it reads: every record of this `let` read the same names.
    const names = freeNames(item.value);
    const now = names.map((n) => scope.lookup(n)?.value);
    let record: LetRecord | undefined;
    for (let i = 0; !record && earlier && i < earlier.length; i++) record = this.take(earlier[i]!, now, inStep);
    if (record) {
      this.taken++;
      this.builder.append(record.built);
      for (const d of record.diagnostics) {
        this.diagnostics.push(d);
        this.reported.add(reportKey(d.code, d.span, d.message));
      }
    } else {
      if (from) from.inStep = false; // out of step with the previous elaboration from here on
      const before = this.builder.mark();
      const inputs = names.map((n, i): [string, Value | undefined] => [n, now[i]]);
      const [reports, diagnostics] = [this.reports, this.diagnostics.length];
      // Record the blocks it expands: an edit of one of them makes the record stale.
      const rec = { entered: new Set<BlockDecl>(), deepest: 0 };
      this.recording.push(rec);
      let value: Value;
      try {
        value = evaluate();
      } finally {
        this.recording.pop();
      }
      record = { built: this.builder.slice(before), diagnostics: this.diagnostics.slice(diagnostics), reports: this.reports - reports, inputs, value, entered: rec.entered };
    }
    this.lets.set(item, keep(record, earlier));
    return record.value;
  }

  /**
   * `r` when taking it gives what evaluating its `let` would now, or `r` renumbered when only the
   * node ids differ; else undefined (see let-records.ts).
   */
  private take(r: LetRecord, now: Array<Value | undefined>, inStep: boolean): LetRecord | undefined {
    if (this.from!.stale.size > 0 && enteredAny(r.entered, this.from!.stale)) return undefined;
    const b = this.builder;
    const at = r.built.from;
    const same = b.nodes.length === at.nodes && b.params.length === at.params && b.instances.length === at.instances && r.inputs.every(([, v], i) => sameValue(now[i], v));
    if (same && (inStep || (r.reports === 0 && b.paramsFree(r.built.params)))) return r;
    if (r.reports > 0 || !b.paramsFree(r.built.params)) return undefined;
    const ids = matchInputs(r, now);
    return ids && relocate(r, b.mark(), ids, now);
  }

  /** Drop the previous elaboration once this one is done (each would otherwise keep the one before alive). */
  endResume(): void {
    this.from = undefined;
  }

  // ── reporting ─────────────────────────────────────────────────────────────

  /** Report at the innermost user-written span; stdlib spans become related notes. */
  report(code: DiagnosticCode, span: Span, message: string, f: Frame | undefined, extra: { hint?: string; related?: Related[]; suggestions?: Diagnostic['suggestions'] } = {}): void {
    this.reports++;
    const chain = [...(f?.trace ?? []), span];
    let at = chain.length - 1;
    while (at > 0 && isStdFile(chain[at]!.file)) at--;
    const where = chain[at]!;
    const related: Related[] = [...(extra.related ?? [])];
    for (let i = at + 1; i < chain.length; i++) {
      related.push({ span: chain[i]!, message: i === chain.length - 1 ? 'the error is here in the stdlib' : 'called from here' });
    }
    const key = reportKey(code, where, message);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(diag(code, where, message, { hint: extra.hint, related, suggestions: where === span ? extra.suggestions : [] }));
  }

  site(span: Span, f: Frame): Site {
    const chain = [...f.trace, span];
    let at = chain.length - 1;
    while (at > 0 && isStdFile(chain[at]!.file)) at--;
    return { span: chain[at]!, trace: chain, scope: f.path };
  }

  // ── scopes ────────────────────────────────────────────────────────────────

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
          suggestions: alts.slice(0, 1).map((n) => ({ message: `replace with \`${n}\``, span: e.span, text: n })),
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
        suggestions: alts.slice(0, 1).map((n) => ({ message: `replace with \`${n}\``, span, text: n })),
      });
      return ERROR;
    }
    if (obj.kind === 'record') {
      const v = obj.fields.get(name);
      if (v) return v;
      this.report('REC2006', span, `this record has no field \`${name}\``, f, { hint: didYouMean(suggestNames(name, obj.fields.keys())) });
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

  // ── calls ─────────────────────────────────────────────────────────────────

  call(callee: Value, args: ArgValue[], span: Span, calleeSpan: Span, f: Frame, pathOverride?: string, counters?: Map<string, number>): Value {
    if (callee.kind === 'error' || args.some((a) => a.value.kind === 'error')) return ERROR;
    if (callee.kind === 'block') return this.callBlock(callee, args, span, f, pathOverride, counters);
    if (callee.kind === 'builtin') {
      const bound = bindArgs(callee.builtin.sig, args, span, this.sink(f));
      if (!bound) return ERROR;
      if ([...bound.values.values()].some((v) => v.kind === 'error')) return ERROR;
      const ctx = this.builtinCtx(span, f, (n) => bound.spans.get(n) ?? span);
      return callee.builtin.call(ctx, bound);
    }
    this.report('REC3006', calleeSpan, `${describe(callee)} is not callable`, f, { hint: 'only blocks and builtins can be called' });
    return ERROR;
  }

  /** Diagnostics from helpers (argument binding) go through report() to get user spans. */
  private sink(f: Frame): Diagnostic[] {
    const self = this;
    const arr: Diagnostic[] = [];
    arr.push = (...ds: Diagnostic[]) => {
      for (const d of ds) self.report(d.code, d.span, d.message, f, { hint: d.hint, related: d.related, suggestions: d.suggestions });
      return 0;
    };
    return arr;
  }

  private builtinCtx(span: Span, f: Frame, argSpan: (n: string) => Span): BuiltinCtx {
    return {
      span,
      argSpan,
      op: (name, inputs, attrs = {}, opts) => this.op(name, inputs, attrs, span, f, opts?.mask),
      param: (name, shape, init: Init, group: ParamGroup, trainable) => this.param(name, shape, init, group, trainable, span, f),
      constant: (values, shape) => {
        const r = this.builder.add('const', [], { value: values, shape }, this.site(span, f));
        if ('error' in r) throw new Error(`internal: const: ${r.error}`);
        return { kind: 'tensor', node: r.node.id, shape: r.node.shape, dtype: r.node.dtype };
      },
      error: (code, message, hint) => {
        this.report(code, span, message, f, { hint });
        return ERROR;
      },
    };
  }

  param(name: string, shape: number[], init: Init, group: ParamGroup, trainable: boolean, span: Span, f: Frame): Value {
    const full = f.path ? `${f.path}.${name}` : name;
    const shared = this.graft?.shared(full, shape);
    if (shared) return shared;
    const r = this.builder.param(full, shape, init, group, trainable, this.site(span, f));
    if ('duplicate' in r) {
      this.report('REC2002', span, `parameter \`${full}\` is declared twice`, f, { hint: 'give each `param` of a block its own name' });
      return ERROR;
    }
    return { kind: 'tensor', node: r.node.id, shape: r.node.shape, dtype: 'float32' };
  }

  signatureOf(decl: BlockDecl, qualified: string): Signature {
    let byName = this.signatures.get(decl);
    if (!byName) this.signatures.set(decl, (byName = new Map()));
    let sig = byName.get(qualified);
    if (!sig) byName.set(qualified, (sig = { name: qualified, params: decl.params.map((p) => ({ name: p.name.name, type: typeFromAst(p.type), optional: p.default !== undefined })) }));
    return sig;
  }

  callBlock(
    blk: Extract<Value, { kind: 'block' }>,
    args: ArgValue[],
    span: Span,
    f: Frame,
    pathOverride?: string,
    counters?: Map<string, number>,
  ): Value {
    const { decl, module, qualified } = blk;
    if (f.stack.includes(decl)) {
      this.report('REC3010', span, `\`${qualified}\` calls itself; blocks cannot be recursive`, f, { hint: 'use a `for` loop over a list instead' });
      return ERROR;
    }
    if (f.stack.length >= MAX_DEPTH) {
      this.report('REC3010', span, `block calls are nested more than ${MAX_DEPTH} deep`, f);
      return ERROR;
    }
    const bound = bindArgs(this.signatureOf(decl, qualified), args, span, this.sink(f));
    if (!bound) return ERROR;
    const local = decl.name.name;
    let path = pathOverride;
    if (path === undefined) {
      const k = f.counters.get(local) ?? 0;
      f.counters.set(local, k + 1);
      path = f.path ? `${f.path}.${local}${k}` : `${local}${k}`;
    }
    const site = this.site(span, f).span;
    if (this.graft) return this.graft.after(path, bound.values, this.expand(blk, bound.values, span, site, path, f, counters), f);
    const key = this.memoise ? callKey(decl, qualified, bound.values, counters) : undefined;
    const seen = key && this.templates.get(key.key);
    if (seen && this.canReplay(seen, path, f)) {
      this.noteExpansion(seen.entered, f.stack.length + seen.depth);
      this.replays++;
      return replay(seen, this.builder, { path, site, trace: [...f.trace, span], slots: key.slots, counters });
    }
    this.noteExpansion([decl], f.stack.length);
    if (!key) return this.expand(blk, bound.values, span, site, path, f, counters);

    // Record this expansion: the builder's events, the blocks entered and how deep it went.
    const reports = this.reports;
    const firstNode = this.builder.nodes.length;
    const ownJournal = this.builder.journal === undefined;
    const journal = (this.builder.journal ??= []);
    const from = journal.length;
    const rec = { entered: new Set<BlockDecl>([decl]), deepest: f.stack.length };
    this.recording.push(rec);
    try {
      const result = this.expand(blk, bound.values, span, site, path, f, counters);
      if (this.reports === reports && result.kind !== 'error') {
        const t = makeTemplate(journal.slice(from), { key, path, site, callSpan: span, trace: f.trace.length, firstNode, result, counters, entered: rec.entered, depth: rec.deepest - f.stack.length });
        if (t) this.templates.set(key.key, t);
      }
      return result;
    } finally {
      this.recording.pop();
      if (ownJournal) this.builder.journal = undefined;
      this.noteExpansion(rec.entered, rec.deepest);
    }
  }

  /** A template fits here when its parameter names are free and its blocks not on the stack. */
  private canReplay(t: Template, path: string, f: Frame): boolean {
    if (f.stack.length + t.depth >= MAX_DEPTH) return false;
    for (const d of f.stack) if (t.entered.has(d)) return false;
    if (this.builder.mayHaveParamsUnder(path)) for (const p of t.params) if (this.builder.hasParam(path + p)) return false;
    return true;
  }

  /** Tell the recordings in progress that these blocks were expanded at this stack depth. */
  private noteExpansion(decls: Iterable<BlockDecl>, depth: number): void {
    for (const r of this.recording) {
      for (const d of decls) r.entered.add(d);
      if (depth > r.deepest) r.deepest = depth;
    }
  }

  /** Evaluate a block's body for one call: a new instance, its parameters bound, then the body. */
  private expand(blk: Extract<Value, { kind: 'block' }>, args: Map<string, Value>, span: Span, site: Span, path: string, f: Frame, counters?: Map<string, number>): Value {
    const { decl, module, qualified } = blk;
    this.builder.beginInstance(path, qualified, site);
    try {
      const inner: Frame = {
        module,
        scope: new Scope(this.globalScope(module)),
        path,
        counters: counters ?? new Map(),
        trace: [...f.trace, span],
        stack: [...f.stack, decl],
      };
      for (const p of decl.params) {
        let v = args.get(p.name.name);
        if (v === undefined && p.default) {
          const dv = this.evalExpr(p.default, { ...inner, scope: this.globalScope(module) });
          const r = coerce(dv, typeFromAst(p.type));
          if (!r.ok) {
            this.report('REC3001', p.default.span, `the default of \`${p.name.name}\` is ${r.found}, not ${showType(typeFromAst(p.type))}`, inner);
            v = ERROR;
          } else v = r.value;
        }
        inner.scope.define(p.name.name, { value: v ?? ERROR, span: p.name.span });
      }
      const result = this.execBody(decl.body, inner);
      if (result === undefined) {
        this.report('REC3007', decl.name.span, `block \`${qualified}\` ends without \`return\``, inner, { hint: 'end the block with `return <expression>`' });
        return ERROR;
      }
      return result;
    } finally {
      this.builder.endInstance();
    }
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
            const alts = suggestNames(s.name.name, f.scope.names());
            this.report('REC2007', s.name.span, `\`${s.name.name}\` is not declared`, f, {
              hint: `declare it first with \`let ${s.name.name} = …\`${alts.length ? `, or ${didYouMean(alts)}` : ''}`,
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

// Calls: builtins get a context to add ops and parameters; a block call binds its arguments,
// opens a new instance named by the call path and evaluates the body, or replays an expansion
// already made with the same arguments (block-memo.ts).
import type { Span } from '../diagnostics/span.js';
import type { GraphBuilder } from '../ir/builder.js';
import type { Init, ParamGroup } from '../ir/types.js';
import type { BlockDecl } from '../syntax/ast.js';
import { bindArgs } from './bind.js';
import { BlockMemo, callKey, makeTemplate, replay, type Template } from './block-memo.js';
import { Evaluator, type Frame } from './evaluate.js';
import type { GraftHook } from './graft.js';
import type { ModuleLoader } from './modules.js';
import { Scope } from './scope.js';
import { coerce, showType, typeFromAst } from './types.js';
import { describe, ERROR, type ArgValue, type BuiltinCtx, type Signature, type Value } from './values.js';

const MAX_DEPTH = 48;

export abstract class Caller extends Evaluator {
  /** Expansions of block calls already seen with the same arguments (see block-memo.ts). */
  protected memo = new BlockMemo();
  /** Signatures of blocks by how they are called (a block is called thousands of times in a large spec). */
  private readonly signatures = new Map<BlockDecl, Map<string, Signature>>();
  /** How many block calls were replayed (for tests and benchmarks). */
  replays = 0;
  /** The block calls being recorded, outermost first. */
  protected readonly recording: Array<{ entered: Set<BlockDecl>; deepest: number }> = [];
  /**
   * Set while a stage's grafts elaborate the model again (graft.ts): every block call's result
   * passes through it, calls are expanded (not replayed), and parameters are shared by name.
   */
  graft: GraftHook | undefined;

  constructor(
    builder: GraphBuilder,
    loader: ModuleLoader,
    /** Replay block calls seen before with the same arguments (see block-memo.ts). */
    readonly memoise: boolean,
  ) {
    super(builder, loader);
  }

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
    const again = f.stack.indexOf(decl);
    if (again >= 0) {
      // through other blocks (`f` calls `g`, which calls `f`): the cycle, not "calls itself" in `g` (found by a probe)
      const through = f.stack.slice(again + 1);
      const cycle = [decl, ...through, decl].map((d) => `\`${d.name.name}\``).join(' → ');
      const what = through.length === 0 ? `\`${qualified}\` calls itself` : `\`${qualified}\` is called again inside its own call (${cycle})`;
      this.report('REC3010', span, `${what}; blocks cannot be recursive`, f, { hint: 'use a `for` loop over a list instead' });
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
    const key = this.memoise ? callKey(decl, qualified, bound.values, counters, this.memo.ids) : undefined;
    const seen = key && this.memo.templates.get(key.key);
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
        if (t) this.memo.templates.set(key.key, t);
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

}

// Name resolution over the syntax, before anything is elaborated: every name use is linked to
// its definition (for the language server), unknown names get "did you mean", duplicate
// definitions and unused bindings are reported. Blocks nobody calls are checked here too.
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { BlockDecl, Expr, ModelDecl, Stmt, TaskDecl } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';
import { builtins } from './builtins/index.js';
import type { Module, ModuleLoader } from './modules.js';
import { readSelector, selectorSegments } from './selectors.js';
import { typeExprText } from './types.js';

export type SymbolKind = 'block' | 'param' | 'let' | 'feature' | 'pc' | 'task' | 'module' | 'loop' | 'model' | 'builtin';

export interface SymbolDef {
  name: string;
  kind: SymbolKind;
  /** The span of the defining name (absent for builtins). */
  span?: Span;
  doc?: string;
  /** A one-line signature or type for hover, e.g. `block mlp(x, pc, units: [int])`. */
  detail?: string;
  /** For modules: the module itself, so `poso.mlp` resolves into it. */
  module?: Module;
  /** For blocks: the module that defines it. */
  owner?: Module;
}

export interface SymbolRef {
  span: Span;
  def: SymbolDef;
}

export interface SymbolIndex {
  defs: SymbolDef[];
  refs: SymbolRef[];
  /**
   * Reads of a definition that no name spells: a task without `from:` reads the last model `let`
   * (the span is the task's name). Not occurrences of the name, but uses all the same.
   */
  implicitRefs: SymbolRef[];
  /**
   * The parameter selectors with a `*` in a segment (`freeze: ["tr*"]`), as their segments: they
   * name no definition, yet a new name for a `let`, a task, a feature or a block may change what
   * they select.
   */
  globs: string[][];
}

class Env {
  readonly names = new Map<string, SymbolDef>();
  constructor(readonly parent?: Env) {}
  lookup(name: string): SymbolDef | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
  all(): string[] {
    return [...this.names.keys(), ...(this.parent?.all() ?? [])];
  }
}

function blockDetail(b: BlockDecl, qualified: string): string {
  const ps = b.params.map((p) => `${p.name.name}${p.type ? `: ${typeExprText(p.type)}` : ''}${p.default ? ' = …' : ''}`);
  return `block ${qualified}(${ps.join(', ')})`;
}

export class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly index: SymbolIndex = { defs: [], refs: [], implicitRefs: [], globs: [] };
  private readonly moduleEnvs = new Map<Module, Env>();
  private builtinEnv: Env | undefined;
  /** Block definitions by the span of their name (`poso.mlp` finds its block's definition). */
  private readonly blockDefs = new Map<Span, SymbolDef>();
  /** Definitions read at least once (each definition is its own object, whatever its scope). */
  private readonly used = new Set<SymbolDef>();
  /** Definitions to report when never read (`let`s and support sets). */
  private unusedCandidates: SymbolDef[] = [];

  constructor(private readonly loader: ModuleLoader) {}

  private def(env: Env, d: SymbolDef, dupMessage?: string): SymbolDef {
    const prev = env.names.get(d.name);
    // A name defined twice is reported as such (here, or by the elaborator in a model), not as unused.
    if (prev) {
      this.markUsed(prev);
      this.markUsed(d);
    }
    if (prev && d.span && dupMessage) {
      this.diagnostics.push(
        diag('REC2002', d.span, dupMessage, { related: prev.span ? [{ span: prev.span, message: 'first defined here' }] : [], hint: 'rename one of them' }),
      );
    }
    env.names.set(d.name, d);
    this.index.defs.push(d);
    if (d.span && d.kind === 'block') this.blockDefs.set(d.span, d);
    return d;
  }

  private ref(env: Env, name: string, span: Span, what = 'name'): SymbolDef | undefined {
    const d = env.lookup(name);
    if (d) {
      this.markUsed(d);
      this.index.refs.push({ span, def: d });
      return d;
    }
    // a module imported under another name (`use std.poso as p`, then `poso.mlp`): its alias first
    const alias = env.all().find((n) => n !== name && env.lookup(n)?.kind === 'module' && env.lookup(n)?.module?.name === name);
    const alts = alias ? [alias] : suggestNames(name, env.all());
    this.diagnostics.push(
      diag('REC2001', span, `unknown ${what} \`${name}\``, {
        hint: alias ? `the module \`${name}\` is imported as \`${alias}\`` : didYouMean(alts),
        suggestions: fixWith(alts, span),
      }),
    );
    return undefined;
  }

  private markUsed(d: SymbolDef): void {
    this.used.add(d);
  }

  private builtins(): Env {
    if (!this.builtinEnv) {
      this.builtinEnv = new Env();
      for (const b of builtins().values()) this.builtinEnv.names.set(b.name, { name: b.name, kind: 'builtin', doc: b.doc, detail: b.sig.params.length ? `${b.name}(${b.sig.variadic ? '…, ' : ''}${b.sig.params.map((p) => p.name).join(', ')})` : `${b.name}(…)` });
    }
    return this.builtinEnv;
  }

  /** The top-level environment of a module (resolving its blocks once). */
  moduleEnv(m: Module): Env {
    let env = this.moduleEnvs.get(m);
    if (env) return env;
    const prelude = new Env(this.builtins());
    for (const p of this.loader.prelude()) {
      if (p === m) continue;
      for (const [name, b] of p.blocks) prelude.names.set(name, { name, kind: 'block', span: b.name.span, doc: b.doc, detail: blockDetail(b, name), owner: p });
    }
    env = new Env(prelude);
    this.moduleEnvs.set(m, env);
    for (const [alias, { module, use }] of m.imports) {
      this.def(env, { name: alias, kind: 'module', span: use.alias?.span ?? (use.path.kind === 'dotted' ? use.path.parts[use.path.parts.length - 1]!.span : use.path.span), module, detail: `module ${alias} (${module.isStd ? `std.${module.name}` : module.path})` });
    }
    for (const item of m.ast.items) {
      if (item.kind !== 'Block') continue;
      const qualified = m.isStd ? `${m.name}.${item.name.name}` : item.name.name;
      this.def(env, { name: item.name.name, kind: 'block', span: item.name.span, doc: item.doc, detail: blockDetail(item, qualified), owner: m }, `block \`${item.name.name}\` is defined twice`);
    }
    for (const item of m.ast.items) if (item.kind === 'Block') this.block(item, env);
    return env;
  }

  /** Resolve a file: its blocks, and its models. */
  resolveModule(m: Module): void {
    const env = this.moduleEnv(m);
    const models = m.ast.items.filter((i): i is ModelDecl => i.kind === 'Model');
    for (const model of models) this.model(model, env);
    for (const [, { module }] of m.imports) this.moduleEnv(module);
    this.reportUnused();
  }

  private block(b: BlockDecl, moduleEnv: Env): void {
    const env = new Env(moduleEnv);
    for (const p of b.params) {
      if (p.default) this.expr(p.default, moduleEnv);
      this.def(env, { name: p.name.name, kind: 'param', span: p.name.span, doc: p.doc, detail: `${p.name.name}${p.type ? `: ${typeExprText(p.type)}` : ''}` }, `parameter \`${p.name.name}\` is declared twice`);
    }
    this.stmts(b.body, env);
  }

  private stmts(stmts: Stmt[], env: Env): void {
    for (const s of stmts) {
      switch (s.kind) {
        case 'Let': {
          this.expr(s.value, env);
          const d = this.def(env, { name: s.name.name, kind: 'let', span: s.name.span, doc: s.doc }, `\`${s.name.name}\` is already defined in this scope`);
          this.unusedCandidates.push(d);
          break;
        }
        case 'Assign':
          this.expr(s.value, env);
          if (env.lookup(s.name.name)) this.ref(env, s.name.name, s.name.span);
          break;
        case 'For': {
          this.expr(s.iterable, env);
          const inner = new Env(env);
          this.def(inner, { name: s.variable.name, kind: 'loop', span: s.variable.span });
          this.stmts(s.body, inner);
          break;
        }
        case 'If':
          this.expr(s.cond, env);
          this.stmts(s.then, new Env(env));
          if (s.else) this.stmts(s.else, new Env(env));
          break;
        case 'Return':
          this.expr(s.value, env);
          break;
      }
    }
  }

  private model(model: ModelDecl, moduleEnv: Env): void {
    const env = new Env(moduleEnv);
    this.def(moduleEnv, { name: model.name.name, kind: 'model', span: model.name.span, doc: model.doc, detail: `model ${model.name.name}` });
    const featureNames: string[] = [];
    for (const item of model.items) {
      if (item.kind !== 'Features') continue;
      for (const fd of item.features) {
        featureNames.push(fd.name.name);
        // `seq(movie_id, …)` refers to another feature.
        const v = fd.value;
        if (v.kind === 'Call' && v.callee.kind === 'Name' && v.callee.name === 'seq' && v.args[0] && !v.args[0].name && v.args[0].value.kind === 'Name') {
          const target = env.lookup(v.args[0].value.name);
          if (target?.kind === 'feature') {
            this.markUsed(target);
            this.index.refs.push({ span: v.args[0].value.span, def: target });
          }
        }
        this.def(env, { name: fd.name.name, kind: 'feature', span: fd.name.span, doc: fd.doc, detail: `feature ${fd.name.name}` });
      }
    }
    let lastLet: SymbolDef | undefined;
    const pcs: SymbolDef[] = [];
    // Parameter selectors (train's `groups`, a stage's `freeze`, `train` and graft `into`) are
    // read by the elaborator, not evaluated; their names are indexed once every name is defined.
    const selectors: Expr[] = [];
    const groups = new Set<string>();
    // Tasks without `from:` read the model's last `let`, wherever they stand (model.ts).
    const fromless: TaskDecl[] = [];
    const task = (item: TaskDecl) => {
      // Tasks are not values: their own namespace, so a task may share its label's name.
      this.index.defs.push({ name: item.name.name, kind: 'task', span: item.name.span, doc: item.doc, detail: `task ${item.name.name}` });
      const from = item.fields.find((fl) => fl.name.name === 'from');
      if (from) this.expr(from.value, env);
      else fromless.push(item);
      // Label expressions name label columns; the elaborator checks them (REC2008).
      if (item.head.kind === 'Call') {
        for (const a of item.head.args) if (!a.name || a.name.name === 'label') this.labelRefs(a.value, env);
      }
    };
    for (const item of model.items) {
      switch (item.kind) {
        case 'Pc': {
          this.expr(item.value, env);
          const d = this.def(env, { name: item.name.name, kind: 'pc', span: item.name.span, doc: item.doc, detail: `pc ${item.name.name}` });
          pcs.push(d);
          break;
        }
        case 'Let': {
          this.expr(item.value, env);
          lastLet = this.def(env, { name: item.name.name, kind: 'let', span: item.name.span, doc: item.doc });
          this.unusedCandidates.push(lastLet);
          break;
        }
        case 'Support': {
          // `pairs(user, item, label: clicked, size: 64)`: items are features, the label reads
          // label columns, `size` is an expression; the key (`by scenario`) is a raw column.
          const v = item.value;
          if (v.kind === 'Call') {
            for (const a of v.args) {
              // an item names a feature; one that names nothing is the elaborator's to report (REC5008)
              if (!a.name && a.value.kind === 'Name') {
                const d = env.lookup(a.value.name);
                if (d) {
                  this.markUsed(d);
                  this.index.refs.push({ span: a.value.span, def: d });
                }
              } else if (a.name?.name === 'label') this.labelRefs(a.value, env);
              else if (a.name) this.expr(a.value, env);
            }
          }
          const d = this.def(env, { name: item.name.name, kind: 'let', span: item.name.span, doc: item.doc, detail: `support ${item.name.name} by ${item.key.name}` });
          this.unusedCandidates.push(d);
          break;
        }
        case 'MetaBlock': {
          // Its body is a block's; the key (`by user_id`) is a column. Its name is a value.
          for (const fl of item.inner) if (fl.name.name !== 'order') this.expr(fl.value, env);
          this.stmts(item.body, new Env(env));
          const d = this.def(env, { name: item.name.name, kind: 'let', span: item.name.span, doc: item.doc, detail: `meta_block ${item.name.name} by ${item.key.name}` });
          this.unusedCandidates.push(d);
          break;
        }
        case 'Task':
          task(item);
          break;
        case 'Train':
          for (const fl of item.fields) {
            if (fl.name.name !== 'groups' || fl.value.kind !== 'Record') continue;
            for (const g of fl.value.fields) {
              groups.add(g.name.name);
              selectors.push(g.value);
            }
          }
          break;
        case 'Stage':
          for (const t of item.tasks) task(t);
          for (const fl of item.fields) {
            if (fl.name.name === 'freeze' || fl.name.name === 'train') selectors.push(fl.value);
            if (fl.name.name !== 'graft') continue;
            for (const g of fl.value.kind === 'List' ? fl.value.items : [fl.value]) {
              if (g.kind !== 'Record') continue;
              for (const x of g.fields) {
                if (x.name.name === 'into') selectors.push(x.value);
                // a block call (or a block): anything else is the elaborator's to report (REC5022)
                else if (x.name.name === 'patch' && (x.value.kind === 'Call' || x.value.kind === 'Member' || x.value.kind === 'Name')) this.expr(x.value, env);
              }
            }
          }
          break;
        default:
          break;
      }
    }
    for (const t of fromless) {
      if (!lastLet) break;
      this.markUsed(lastLet);
      this.index.implicitRefs.push({ span: t.name.span, def: lastLet });
    }
    for (const e of selectors) this.selectorRefs(e, env, groups);
    for (const pc of pcs) {
      if (!this.used.has(pc) && pc.span) {
        this.diagnostics.push(diag('REC5007', pc.span, `personalization code \`${pc.name}\` is never used`, { hint: 'pass it to a gated block, e.g. `poso.mlp(x, pc: ' + pc.name + ', units: [...])`' }));
      }
    }
  }

  /**
   * The names a selector selects under: a model-level `let` (its parameters are named after it),
   * or a feature after `features.` (its table). Indexed as references, not as uses: a selector
   * reads no value. A bare group name selects the group, and segments with `*` name nothing: such
   * a selector is kept in the index's globs.
   */
  private selectorRefs(e: Expr, env: Env, groups: Set<string>): void {
    for (const item of e.kind === 'List' ? e.items : [e]) {
      const read = readSelector(item);
      if ('segments' in read && read.segments.some((g) => g.includes('*'))) this.index.globs.push(read.segments);
      const segs = selectorSegments(item);
      if (!segs || (segs.length === 1 && groups.has(segs[0]!.name))) continue;
      const [kind, seg] = segs[0]!.name === 'features' && segs.length > 1 ? (['feature', segs[1]!] as const) : (['let', segs[0]!] as const);
      const d = seg.name.includes('*') ? undefined : env.lookup(seg.name);
      if (d?.kind === kind) this.index.refs.push({ span: seg.span, def: d });
      // else a task's parameters (`freeze: [click]`, `click.tower.*`): tasks are no values, so no
      // scope holds them (a task may share its label's name, and the selector means the task)
      else if (kind === 'let' && !seg.name.includes('*')) {
        const t = this.index.defs.find((x) => x.kind === 'task' && x.name === seg.name);
        if (t) this.index.refs.push({ span: seg.span, def: t });
      }
    }
  }

  private labelRefs(e: Expr, env: Env): void {
    if (e.kind === 'Name') {
      const d = env.lookup(e.name);
      if (d?.kind === 'feature') this.index.refs.push({ span: e.span, def: d });
      return;
    }
    if (e.kind === 'Binary') {
      this.labelRefs(e.left, env);
      this.labelRefs(e.right, env);
    } else if (e.kind === 'Unary') this.labelRefs(e.operand, env);
    else if (e.kind === 'Paren') this.labelRefs(e.expr, env);
  }

  private expr(e: Expr, env: Env): SymbolDef | undefined {
    switch (e.kind) {
      case 'Name':
        return this.ref(env, e.name, e.span);
      case 'Member': {
        const obj = this.expr(e.object, env);
        if (obj?.kind === 'module' && obj.module) {
          const b = obj.module.blocks.get(e.property.name);
          if (b) {
            const qualified = `${obj.name}.${e.property.name}`;
            const d = this.blockDefs.get(b.name.span) ?? { name: e.property.name, kind: 'block' as const, span: b.name.span, doc: b.doc, detail: blockDetail(b, qualified), owner: obj.module };
            this.index.refs.push({ span: e.property.span, def: d });
            return d;
          }
          const alts = suggestNames(e.property.name, obj.module.blocks.keys());
          this.diagnostics.push(
            diag('REC2006', e.property.span, `module \`${obj.name}\` has no block \`${e.property.name}\``, {
              hint: didYouMean(alts) ?? `it defines ${[...obj.module.blocks.keys()].map((n) => `\`${n}\``).join(', ')}`,
              suggestions: fixWith(alts, e.property.span),
            }),
          );
        }
        return undefined;
      }
      case 'Paren':
        return this.expr(e.expr, env);
      default:
        forEachChild(e, (c) => void this.expr(c, env));
        return undefined;
    }
  }

  private reportUnused(): void {
    for (const def of this.unusedCandidates) {
      if (this.used.has(def) || !def.span || def.name.startsWith('_')) continue;
      if (def.span.file.startsWith('/') && this.isStd(def.span.file)) continue;
      this.diagnostics.push(diag('REC2003', def.span, `\`${def.name}\` is never used`, { hint: `remove it, or rename it \`_${def.name}\`` }));
    }
    this.unusedCandidates = [];
  }

  private isStd(file: string): boolean {
    return this.loader.modules().some((m) => m.isStd && m.path === file);
  }
}

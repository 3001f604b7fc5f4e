// `features { … }`: each declaration becomes a FeatureSpec (what the data loader and the ONNX
// preprocessing read) and, for inputs, the IR nodes that embed it.
//
//   user_id : id(hash: 200_000, dim: 16)          categorical, hashed into buckets
//   movie   : id(vocab: "movies.txt", dim: 16)    categorical, from a vocabulary (list or file)
//   hist    : seq(movie, max_len: 30, sep: "|")   ids sharing `movie`'s table, padded and masked
//   tags    : seq(id(hash: 4_000, dim: 16), max_len: 30)
//   avc     : bucketize(boundaries: [1, 3, 10], dim: 8)
//   user    : dense(64)                           a numeric vector
//   rating  : label                               a column for label expressions only
import { dirname, resolve } from 'node:path';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { FeatureSpec, IdSource } from '../ir/types.js';
import type { CallExpr, Expr, FeatureDecl } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import type { ReadChecked } from './modules.js';
import { unset } from './options.js';
import { describe, type TensorValue, type Value } from './values.js';

export const FEATURE_KINDS = ['id', 'seq', 'bucketize', 'dense', 'label'] as const;

/** Embedding tables start small and symmetric (Keras' default for embeddings). */
const EMBEDDING_INIT = { kind: 'uniform', limit: 0.05 } as const;

interface Ctx {
  el: Elaborator;
  f: Frame;
  readFile: ReadChecked;
  specFile: string;
}

type Args = Map<string, { value: Value; span: Span }>;

/** Evaluate a feature call's arguments to constants; positional ones are keyed `#0`, `#1`. */
function constArgs(call: CallExpr, ctx: Ctx, allowed: string[], kind: string, evalPositional = true): Args | undefined {
  const out: Args = new Map();
  let pos = 0;
  let ok = true;
  for (const a of call.args) {
    const key = a.name ? a.name.name : `#${pos++}`;
    if (a.name && !allowed.includes(a.name.name)) {
      const alts = suggestNames(a.name.name, unset(allowed, call.args));
      ctx.el.report('REC3003', a.name.span, `\`${kind}\` has no option \`${a.name.name}\``, ctx.f, {
        hint: didYouMean(alts) ?? `its options are ${allowed.map((n) => `\`${n}\``).join(', ')}`,
        suggestions: fixWith(alts, a.name!.span, 'rename to'),
      });
      ok = false;
      continue;
    }
    if (out.has(key)) {
      ctx.el.report('REC3004', a.span, `option \`${key}\` of \`${kind}\` is given twice`, ctx.f);
      ok = false;
      continue;
    }
    if (!a.name && !evalPositional) continue;
    out.set(key, { value: ctx.el.evalExpr(a.value, ctx.f), span: a.value.span });
  }
  return ok ? out : undefined;
}

function positiveInt(args: Args, key: string, what: string, ctx: Ctx, at: Span): number | undefined {
  const a = args.get(key);
  if (!a) {
    ctx.el.report('REC3002', at, `missing \`${what}\``, ctx.f, { hint: `add \`${what}: …\`` });
    return undefined;
  }
  if (a.value.kind === 'error') return undefined; // reported where it failed
  if (a.value.kind !== 'int' || a.value.value <= 0) {
    // a number shows itself (`found 0`), another value its kind
    const found = a.value.kind === 'int' || a.value.kind === 'float' ? String(a.value.value) : describe(a.value);
    ctx.el.report('REC3001', a.span, `\`${what}\` must be a positive int, found ${found}`, ctx.f);
    return undefined;
  }
  return a.value.value;
}

function idSource(args: Args, ctx: Ctx, at: Span): IdSource | undefined {
  const vocab = args.get('vocab');
  const hash = args.get('hash');
  if (vocab && hash) {
    ctx.el.report('REC5005', hash.span, 'a categorical feature takes `vocab` or `hash`, not both', ctx.f);
    return undefined;
  }
  if (hash) {
    const n = positiveInt(args, 'hash', 'hash', ctx, at);
    return n === undefined ? undefined : { kind: 'hash', buckets: n };
  }
  if (!vocab) {
    ctx.el.report('REC3002', at, 'a categorical feature needs `vocab: [...]`, `vocab: "file.txt"` or `hash: N`', ctx.f);
    return undefined;
  }
  const v = vocab.value;
  if (v.kind === 'error') return undefined; // reported where it failed
  if (v.kind === 'list') {
    const values = v.items.map((i) => (i.kind === 'string' ? i.value : i.kind === 'int' ? String(i.value) : undefined));
    if (values.some((x) => x === undefined) || values.length === 0) {
      ctx.el.report('REC3001', vocab.span, '`vocab` must be a non-empty list of strings or ints', ctx.f);
      return undefined;
    }
    return { kind: 'vocab', values: values as string[] };
  }
  if (v.kind === 'string') {
    const path = resolve(dirname(ctx.specFile), v.value);
    const r = ctx.readFile(path, 'vocabulary');
    if ('error' in r) {
      ctx.el.report(r.code, vocab.span, `vocabulary: ${r.error}`, ctx.f, { hint: 'the path is relative to the spec; one value per line' });
      return undefined;
    }
    const values = r.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    return { kind: 'vocab', values: [...new Set(values)], file: v.value };
  }
  ctx.el.report('REC3001', vocab.span, `\`vocab\` must be a list or a file name, found ${describe(v)}`, ctx.f);
  return undefined;
}

function rowsOf(source: IdSource): number {
  return source.kind === 'vocab' ? source.values.length + 2 : source.buckets + 1;
}

function columnOf(args: Args, name: string, ctx: Ctx): string {
  const c = args.get('column');
  if (!c) return name;
  if (c.value.kind !== 'string') {
    ctx.el.report('REC3001', c.span, '`column` must be a string', ctx.f);
    return name;
  }
  return c.value.value;
}

/** Turn one declaration into a spec; `declared` holds the specs made so far (for shared tables). */
function specOf(decl: FeatureDecl, ctx: Ctx, declared: Map<string, FeatureSpec>): FeatureSpec | undefined {
  const name = decl.name.name;
  const e: Expr = decl.value;
  if (e.kind === 'Name' && e.name === 'label') return { kind: 'label', name, column: name };
  if (e.kind !== 'Call' || e.callee.kind !== 'Name') {
    // `clicked: lable`: a misspelt `label`, the one kind written without arguments
    const alts = e.kind === 'Name' ? suggestNames(e.name, ['label']) : [];
    ctx.el.report('REC5005', e.span, `\`${name}\` must be declared with ${FEATURE_KINDS.map((k) => `\`${k}\``).join(', ')}`, ctx.f, {
      hint: didYouMean(alts) ?? 'e.g. `user_id: id(hash: 100_000, dim: 16)`',
      suggestions: fixWith(alts, e.span),
    });
    return undefined;
  }
  const kind = e.callee.name;
  switch (kind) {
    case 'label': {
      const args = constArgs(e, ctx, ['column'], kind);
      return args && { kind: 'label', name, column: columnOf(args, name, ctx) };
    }
    case 'id': {
      const args = constArgs(e, ctx, ['vocab', 'hash', 'dim', 'column'], kind);
      if (!args) return undefined;
      const source = idSource(args, ctx, e.span);
      const dim = positiveInt(args, 'dim', 'dim', ctx, e.span);
      if (!source || dim === undefined) return undefined;
      return { kind: 'id', name, column: columnOf(args, name, ctx), source, dim, table: `features.${name}.table`, rows: rowsOf(source) };
    }
    case 'bucketize': {
      const args = constArgs(e, ctx, ['boundaries', 'dim', 'column'], kind);
      if (!args) return undefined;
      const b = args.get('boundaries');
      const dim = positiveInt(args, 'dim', 'dim', ctx, e.span);
      if (!b) {
        ctx.el.report('REC3002', e.span, 'missing `boundaries`', ctx.f, { hint: 'add `boundaries: [1, 10, 100]`' });
        return undefined;
      }
      const nums = b.value.kind === 'list' ? b.value.items.map((i) => (i.kind === 'int' || i.kind === 'float' ? i.value : NaN)) : [];
      if (nums.length === 0 || nums.some((x) => Number.isNaN(x))) {
        ctx.el.report('REC3001', b.span, '`boundaries` must be a non-empty list of numbers', ctx.f);
        return undefined;
      }
      if (nums.some((x, i) => i > 0 && x <= nums[i - 1]!)) {
        ctx.el.report('REC3008', b.span, '`boundaries` must be strictly increasing', ctx.f);
        return undefined;
      }
      // Values are bucketed as float32 (the serving graph's type, data/preprocess.ts bucketOf): a
      // boundary must be one, and two must not round to the same one.
      const huge = nums.find((x) => !Number.isFinite(Math.fround(x)));
      if (huge !== undefined) {
        ctx.el.report('REC3008', b.span, `boundary \`${huge}\` is beyond float32 (values are bucketed as float32, up to about 3.4e38)`, ctx.f);
        return undefined;
      }
      const same = nums.findIndex((x, i) => i > 0 && Math.fround(x) <= Math.fround(nums[i - 1]!));
      if (same > 0) {
        const [a, c] = [nums[same - 1]!, nums[same]!];
        ctx.el.report('REC3008', b.span, `boundaries \`${a}\` and \`${c}\` are the same float32 (${Math.fround(c)}): values are bucketed as float32, so no value falls between them`, ctx.f, {
          hint: 'drop one of them, or move them further apart',
        });
        return undefined;
      }
      if (dim === undefined) return undefined;
      return { kind: 'bucketize', name, column: columnOf(args, name, ctx), boundaries: nums, dim, table: `features.${name}.table`, rows: nums.length + 2 };
    }
    case 'dense': {
      const args = constArgs(e, ctx, ['size', 'column'], kind);
      if (!args) return undefined;
      if (args.has('#0') && !args.has('size')) args.set('size', args.get('#0')!);
      const size = positiveInt(args, 'size', 'size', ctx, e.span);
      return size === undefined ? undefined : { kind: 'dense', name, column: columnOf(args, name, ctx), size };
    }
    case 'seq': {
      // The positional item is a feature name or an `id(...)` spec, read below, not evaluated.
      const args = constArgs(e, ctx, ['max_len', 'sep', 'column'], kind, false);
      if (!args) return undefined;
      const maxLen = positiveInt(args, 'max_len', 'max_len', ctx, e.span);
      const sepArg = args.get('sep');
      const sep = sepArg?.value.kind === 'string' ? sepArg.value.value : '|';
      const item = e.args.find((a) => !a.name)?.value;
      if (!item) {
        ctx.el.report('REC3002', e.span, '`seq` needs its items: a feature to share (`seq(movie_id, …)`) or `id(...)`', ctx.f);
        return undefined;
      }
      if (maxLen === undefined) return undefined;
      const column = columnOf(args, name, ctx);
      if (item.kind === 'Name') {
        const shared = declared.get(item.name);
        if (shared && shared.kind !== 'id' && shared.kind !== 'seq') {
          ctx.el.report('REC3001', item.span, `\`${item.name}\` is a ${shared.kind} feature; a sequence shares the table of an \`id\` feature`, ctx.f, {
            hint: 'name an `id` feature, or give the items their own table: `seq(id(hash: 10_000, dim: 16), max_len: 50)`',
          });
          return undefined;
        }
        if (!shared) {
          const alts = suggestNames(item.name, [...declared.values()].filter((s) => s.kind === 'id').map((s) => s.name));
          ctx.el.report('REC2001', item.span, `unknown feature \`${item.name}\``, ctx.f, { hint: didYouMean(alts) ?? 'declare the shared feature before the sequence', suggestions: fixWith(alts, item.span) });
          return undefined;
        }
        return { kind: 'seq', name, column, source: shared.source, dim: shared.dim, table: shared.table, rows: shared.rows, maxLen, sep };
      }
      if (item.kind === 'Call' && item.callee.kind === 'Name' && item.callee.name === 'id') {
        const inner = constArgs(item, ctx, ['vocab', 'hash', 'dim'], 'id');
        if (!inner) return undefined;
        const source = idSource(inner, ctx, item.span);
        const dim = positiveInt(inner, 'dim', 'dim', ctx, item.span);
        if (!source || dim === undefined) return undefined;
        return { kind: 'seq', name, column, source, dim, table: `features.${name}.table`, rows: rowsOf(source), maxLen, sep };
      }
      ctx.el.report('REC3001', item.span, '`seq` items must be a feature name or `id(...)`', ctx.f);
      return undefined;
    }
    default: {
      const alts = suggestNames(kind, FEATURE_KINDS);
      ctx.el.report('REC5005', e.callee.span, `unknown feature kind \`${kind}\``, ctx.f, {
        hint: didYouMean(alts) ?? `use one of ${FEATURE_KINDS.map((k) => `\`${k}\``).join(', ')}`,
        suggestions: fixWith(alts, e.callee.span),
      });
      return undefined;
    }
  }
}

/** The IR nodes of an input feature: input, embedding lookup, and the mask of a sequence. */
function embed(spec: FeatureSpec, ctx: Ctx, span: Span): TensorValue | undefined {
  const b = ctx.el.builder;
  const site = ctx.el.site(span, ctx.f);
  if (spec.kind === 'label') return undefined;
  if (spec.kind === 'dense') {
    const n = b.input(spec.name, 'float32', ['batch', spec.size], site);
    return { kind: 'tensor', node: n.id, shape: n.shape, dtype: 'float32' };
  }
  const ids = b.input(spec.name, 'int32', spec.kind === 'seq' ? ['batch', spec.maxLen] : ['batch'], site);
  let table = b.paramNode(spec.table);
  if (!table) {
    const r = b.param(spec.table, [spec.rows, spec.dim], EMBEDDING_INIT, 'embedding', true, site);
    if ('duplicate' in r) return undefined;
    table = r.node;
  }
  const g = b.add('gather', [table.id, ids.id], {}, site);
  if ('error' in g) throw new Error(`internal: gather: ${g.error}`);
  const out: TensorValue = { kind: 'tensor', node: g.node.id, shape: g.node.shape, dtype: 'float32' };
  if (spec.kind === 'seq') {
    const m = b.add('mask', [ids.id], {}, site);
    if ('error' in m) throw new Error(`internal: mask: ${m.error}`);
    out.mask = m.node.id;
  }
  return out;
}

/** Declare every feature of the model in the model scope; returns the specs in order. */
export function declareFeatures(decls: FeatureDecl[], el: Elaborator, f: Frame, readFile: ReadChecked, specFile: string): FeatureSpec[] {
  const ctx: Ctx = { el, f, readFile, specFile };
  const declared = new Map<string, FeatureSpec>();
  for (const d of decls) {
    if (declared.has(d.name.name)) {
      el.report('REC2002', d.name.span, `feature \`${d.name.name}\` is declared twice`, f);
      continue;
    }
    const spec = specOf(d, ctx, declared);
    if (!spec) {
      f.scope.define(d.name.name, { value: { kind: 'error' }, span: d.name.span });
      continue;
    }
    declared.set(spec.name, spec);
    const tensor = embed(spec, ctx, d.span);
    f.scope.define(d.name.name, { value: { kind: 'feature', spec, ...(tensor ? { tensor } : {}) }, span: d.name.span });
  }
  return [...declared.values()];
}

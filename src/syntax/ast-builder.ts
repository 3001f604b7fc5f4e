// The AST of each rule, made from what the parser (parser.ts) gathered while it ran the rule: its
// frame. A rule that error recovery cut short leaves a frame with parts missing; a node whose
// required parts are missing is dropped (its error is already reported), never half-built, and
// a list keeps the items parsed before the error.
import type { IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos, Span } from '../diagnostics/span.js';
import { suggestNames } from '../diagnostics/suggest.js';
import type * as A from './ast.js';
import { tokenMatcher } from './chevrotain.js';
import type { DocComments } from './doc-comments.js';
import { decodeString, numberValue } from './literals.js';
import { buildExpression, type FlatOperand, type PrecedenceHost } from './precedence.js';
import * as T from './tokens.js';

/** The type names a parameter may declare (`[T]` aside). */
const TYPE_NAMES = ['tensor', 'int', 'float', 'bool', 'string', 'feature', 'block', 'any'] as const;

/**
 * Where the text of each open rule is, by its depth in the parser's rule stack: the offsets of
 * its first and last token read from the text (`end` inclusive, NaN when it has none yet) and
 * that first token. A token recovery inserted has NaN offsets and counts for nothing (as for
 * Chevrotain's own node locations).
 */
export interface Locations {
  start: number[];
  end: number[];
  first: (IToken | undefined)[];
}

/** A list item whose place in the text the commas between items are checked against. */
export interface Item<T> {
  ast: T | undefined;
  start: number;
  end: number;
  first: IToken | undefined;
}

/** What an operand rule gathered: its prefixes (`not`, `-`) and its primary with suffixes. */
export interface OperandParts {
  prefixes: IToken[];
  base: A.Expr | undefined;
}

/** A call, member or index suffix, and where it ends (exclusive; undefined: no token of its own). */
export type Suffix =
  | { kind: 'call'; args: Item<A.Arg>[]; commas: IToken[]; end: number | undefined }
  | { kind: 'member'; property: A.Ident | undefined; end: number | undefined }
  | { kind: 'index'; index: A.Expr | undefined; end: number | undefined };

/**
 * A rule's frame: its name and the parts it stored under their labels (parser.ts), read back by
 * the method of the same name here. Untyped: each rule has its own parts, and error recovery
 * stores a part by its label.
 */
export type Frame = { rule: string } & Record<string, any>;

export class AstBuilder {
  constructor(
    private readonly fileName: string,
    /** Doc comments (`///`), taken by the declaration they precede. */
    private readonly docs: DocComments,
    /** Where the problems found while building the tree go (missing commas, unknown types). */
    readonly diagnostics: Diagnostic[],
    /** Offset → line and column (line-index.ts). */
    private readonly position: (offset: number) => Pos,
    private readonly at: Locations,
  ) {
    this.precedenceHost = {
      file: fileName,
      tokenSpan: (t) => this.tokenSpan(t),
      error: (t, message, hint) => this.diagnostics.push(diag('REC1002', this.tokenSpan(t), message, { hint })),
    };
  }

  private readonly precedenceHost: PrecedenceHost;

  /** The AST of a frame whose rule recovery cut short (or any frame): its rule's method. */
  finish(f: Frame, d: number): unknown {
    return (this as unknown as Record<string, (f: Frame, d: number) => unknown>)[f.rule]!(f, d);
  }

  // ── spans ─────────────────────────────────────────────────────────────────

  tokenSpan(t: IToken): Span {
    return { file: this.fileName, start: this.position(t.startOffset), end: this.position(t.startOffset + t.image.length) };
  }

  /** Where the text of the rule at depth `d` ends (exclusive), or undefined when it has none. */
  end(d: number): number | undefined {
    const s = this.at.start[d]!;
    const e = this.at.end[d]!;
    return Number.isFinite(s) && Number.isFinite(e) ? e + 1 : undefined;
  }

  /** The span of the rule at depth `d`; none when it read no token of the text. */
  span(d: number): Span | undefined {
    return this.spanWith(d, undefined, undefined);
  }

  /**
   * The span of the rule at depth `d` whose first part (`first`) or last part (`last`) already
   * has one: where they coincide the position objects are shared, as `postfix` shares the start
   * of a chain (the same data in fewer objects).
   */
  private spanWith(d: number, first: Span | undefined, last: Span | undefined): Span | undefined {
    const end = this.end(d);
    if (end === undefined) return undefined;
    const start = this.at.start[d]!;
    return {
      file: this.fileName,
      start: first?.start.offset === start ? first.start : this.position(start),
      end: last?.end.offset === end ? last.end : this.position(end),
    };
  }

  /** An item of a list, with where the rule that made it (just ended, one deeper than `d`) is. */
  item<T>(ast: T | undefined, d: number): Item<T> {
    const c = d + 1;
    return { ast, start: this.at.start[c]!, end: this.at.end[c]!, first: this.at.first[c] };
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    return T.isReadToken(t) ? { kind: 'Ident', name: t.image, span: this.tokenSpan(t) } : undefined;
  }

  /** The doc comment of the declaration whose first token starts `span`. */
  private docBefore(span: Span): string | undefined {
    return this.docs.take(span.start.offset);
  }

  /**
   * Commas are required between parameters, arguments and list items, but the parser accepts a
   * missing one so that the rest of the list still parses; report it here (REC1003).
   */
  private checkCommas(items: Item<unknown>[], commas: IToken[], what: string, one: string): void {
    if (items.length < 2) return;
    const commaTokens = commas.filter(T.isReadToken);
    let j = 0; // commas and items are both in text order: one pass over each
    for (let i = 1; i < items.length; i++) {
      const p = items[i - 1]!;
      const prevEnd = Number.isFinite(p.start) && Number.isFinite(p.end) ? p.end + 1 : undefined;
      const nextStart = items[i]!.start;
      if (prevEnd === undefined || !Number.isFinite(nextStart)) continue;
      while (j < commaTokens.length && commaTokens[j]!.startOffset < prevEnd) j++;
      let between = 0; // the commas between the two items: the first is the expected one
      for (; j < commaTokens.length && commaTokens[j]!.startOffset < nextStart; j++) {
        if (between++ === 0) continue;
        this.diagnostics.push(diag('REC1002', this.tokenSpan(commaTokens[j]!), `expected ${one} but found \`,\``, { hint: 'remove the extra `,`' }));
      }
      if (between > 0) continue;
      const next = items[i]!.first;
      if (!next) continue;
      const at = this.position(prevEnd);
      this.diagnostics.push(diag('REC1003', { file: this.fileName, start: at, end: at }, `expected \`,\` between ${what} but found \`${next.image}\``, { hint: 'add `,`' }));
    }
  }

  // ── top level ─────────────────────────────────────────────────────────────

  file(f: Frame): A.TopItem[] {
    return defined(f.topItem as (A.TopItem | undefined)[]);
  }

  topItem(f: Frame): A.TopItem | undefined {
    return f.useDecl ?? f.blockDecl ?? f.modelDecl;
  }

  useDecl(f: Frame, d: number): A.UseDecl | undefined {
    const span = this.span(d);
    const path = f.usePath as A.UseDecl['path'] | undefined;
    if (!span || !path) return undefined;
    const alias = this.ident(f.alias);
    return { kind: 'Use', path, ...(alias ? { alias } : {}), span };
  }

  usePath(f: Frame): A.UseDecl['path'] | undefined {
    if (f.dottedPath) return f.dottedPath;
    const str = f.StringLit as IToken | undefined;
    // an unclosed string (REC1004) names no file: it runs to the end of its line
    return T.isReadToken(str) && str.tokenType !== T.UnterminatedString ? { kind: 'file', value: decodeString(str.image).value, span: this.tokenSpan(str) } : undefined;
  }

  dottedPath(f: Frame): A.UseDecl['path'] | undefined {
    const parts = (f.Identifier as IToken[]).filter(T.isReadToken).map((t) => this.ident(t)!);
    return parts.length > 0 ? { kind: 'dotted', parts } : undefined;
  }

  blockDecl(f: Frame, d: number): A.BlockDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    if (!span || !name) return undefined;
    const doc = this.docBefore(span);
    const params = f.param as Item<A.Param>[];
    this.checkCommas(params, f.Comma, 'parameters', 'a parameter');
    return { kind: 'Block', name, params: defined(params.map((p) => p.ast)), body: f.body ?? [], ...(doc ? { doc } : {}), span };
  }

  param(f: Frame, d: number): A.Param | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    if (!span || !name) return undefined;
    const type = f.typeExpr as A.TypeExpr | undefined;
    const def = f.default as A.Expr | undefined;
    const doc = this.docBefore(span);
    // the optional keys in the order a literal would give them, without spreading (see `arg`)
    const param = { kind: 'Param', name } as A.Param;
    if (type) param.type = type;
    if (def) param.default = def;
    if (doc) param.doc = doc;
    param.span = span;
    return param;
  }

  typeExpr(f: Frame, d: number): A.TypeExpr | undefined {
    const span = this.span(d);
    if (!span) return undefined;
    if (f.hasElem) {
      const e = f.elem as A.TypeExpr | undefined;
      return e ? { kind: 'Type', name: 'list', elem: e, span } : undefined;
    }
    const t = T.isReadToken(f.Identifier) ? f.Identifier : T.isReadToken(f.Block) ? f.Block : undefined;
    if (!t) return undefined;
    const known = (TYPE_NAMES as readonly string[]).includes(t.image);
    if (!known) {
      // An unknown type is a type error, not a syntax error: the tree keeps `any` and goes on.
      const close = suggestNames(t.image, TYPE_NAMES);
      this.diagnostics.push(
        diag('REC3001', span, `unknown type \`${t.image}\`: expected one of ${TYPE_NAMES.map((x) => `\`${x}\``).join(', ')} or a list \`[T]\``, {
          ...(close.length > 0 ? { hint: `did you mean \`${close[0]}\`?` } : {}),
          suggestions: close.map((c) => ({ message: `use \`${c}\``, span, text: c })),
        }),
      );
    }
    return { kind: 'Type', name: (known ? t.image : 'any') as A.TypeExpr['name'], span };
  }

  body(f: Frame): A.Stmt[] {
    return defined(f.stmt as (A.Stmt | undefined)[]);
  }

  stmt(f: Frame): A.Stmt | undefined {
    return f.value ?? f.letStmt ?? f.forStmt ?? f.ifStmt ?? f.returnStmt ?? f.assignStmt;
  }

  returnStmt(f: Frame, d: number): A.ReturnStmt | undefined {
    const value = f.value as A.Expr | undefined;
    const span = this.spanWith(d, undefined, value?.span);
    return span && value ? { kind: 'Return', value, span } : undefined;
  }

  assignStmt(f: Frame, d: number): A.AssignStmt | undefined {
    const name = this.ident(f.name);
    const value = f.value as A.Expr | undefined;
    const span = this.spanWith(d, name?.span, value?.span);
    return span && name && value ? { kind: 'Assign', name, value, span } : undefined;
  }

  letStmt(f: Frame, d: number): A.LetStmt | undefined {
    const name = this.ident(f.name);
    const value = f.value as A.Expr | undefined;
    const span = this.spanWith(d, undefined, value?.span);
    if (!span || !name || !value) return undefined;
    const doc = this.docBefore(span);
    return doc ? { kind: 'Let', name, value, doc, span } : { kind: 'Let', name, value, span };
  }

  forStmt(f: Frame, d: number): A.ForStmt | undefined {
    const span = this.span(d);
    const variable = this.ident(f.variable);
    const iterable = f.iterable as A.Expr | undefined;
    if (!span || !variable || !iterable) return undefined;
    return { kind: 'For', variable, iterable, body: f.body ?? [], span };
  }

  ifStmt(f: Frame, d: number): A.IfStmt | undefined {
    const span = this.span(d);
    const cond = f.cond as A.Expr | undefined;
    if (!span || !cond) return undefined;
    const otherwise: A.Stmt[] | undefined = f.hasElseIf ? (f.elseIf ? [f.elseIf] : []) : f.hasElse ? (f.else ?? []) : undefined;
    return { kind: 'If', cond, then: f.then ?? [], ...(otherwise ? { else: otherwise } : {}), span };
  }

  // ── models ────────────────────────────────────────────────────────────────

  modelDecl(f: Frame, d: number): A.ModelDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    if (!span || !name) return undefined;
    const doc = this.docBefore(span);
    return { kind: 'Model', name, items: defined(f.modelItem as (A.ModelItem | undefined)[]), ...(doc ? { doc } : {}), span };
  }

  /** Model items parsed alone (syntax/reparse.ts): each, or undefined where one is dropped. */
  modelItems(f: Frame): (A.ModelItem | undefined)[] {
    return f.modelItem;
  }

  modelItem(f: Frame): A.ModelItem | undefined {
    return f.value ?? f.featuresSection ?? f.pcDecl ?? f.letStmt ?? f.taskDecl ?? f.trainSection ?? f.supportDecl ?? f.metaBlockDecl ?? f.stageDecl;
  }

  featuresSection(f: Frame, d: number): A.FeaturesSection | undefined {
    const span = this.span(d);
    if (!span) return undefined;
    const features = ((f.fieldBlock as A.Field[] | undefined) ?? []).map((x): A.FeatureDecl => {
      const doc = this.docBefore(x.span);
      return doc ? { kind: 'Feature', name: x.name, value: x.value, doc, span: x.span } : { kind: 'Feature', name: x.name, value: x.value, span: x.span };
    });
    return { kind: 'Features', features, span };
  }

  pcDecl(f: Frame, d: number): A.PcDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    const value = f.value as A.Expr | undefined;
    if (!span || !name || !value) return undefined;
    const doc = this.docBefore(span);
    return doc ? { kind: 'Pc', name, value, doc, span } : { kind: 'Pc', name, value, span };
  }

  trainSection(f: Frame, d: number): A.TrainSection | undefined {
    const span = this.span(d);
    return span ? { kind: 'Train', fields: f.fieldBlock ?? [], span } : undefined;
  }

  supportDecl(f: Frame, d: number): A.SupportDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    const key = this.ident(f.key);
    const value = f.value as A.Expr | undefined;
    if (!span || !name || !key || !value) return undefined;
    const doc = this.docBefore(span);
    return { kind: 'Support', name, key, value, ...(doc ? { doc } : {}), span };
  }

  metaBlockDecl(f: Frame, d: number): A.MetaBlockDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    const key = this.ident(f.key);
    if (!span || !name || !key) return undefined;
    const body = defined(f.stmt as (A.Stmt | undefined)[]);
    const doc = this.docBefore(span);
    return { kind: 'MetaBlock', name, key, inner: f.inner ?? [], body, ...(doc ? { doc } : {}), span };
  }

  stageDecl(f: Frame, d: number): A.StageDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    if (!span || !name) return undefined;
    return { kind: 'Stage', name, fields: defined(f.field as (A.Field | undefined)[]), tasks: defined(f.taskDecl as (A.TaskDecl | undefined)[]), span };
  }

  taskDecl(f: Frame, d: number): A.TaskDecl | undefined {
    const span = this.span(d);
    const name = this.ident(f.name);
    const head = f.head as A.Expr | undefined;
    if (!span || !name || !head) return undefined;
    const doc = this.docBefore(span);
    return { kind: 'Task', name, head, fields: f.fieldBlock ?? [], ...(doc ? { doc } : {}), span };
  }

  fieldBlock(f: Frame): A.Field[] {
    return defined(f.field as (A.Field | undefined)[]);
  }

  field(f: Frame): A.Field | undefined {
    const name = f.fieldName as A.Ident | undefined;
    const value = f.value as A.Expr | undefined;
    if (!name || !value) return undefined;
    return { kind: 'Field', name, value, span: { file: this.fileName, start: name.span.start, end: value.span.end } };
  }

  fieldName(f: Frame): A.Ident | undefined {
    return this.ident(f.AnyName);
  }

  // ── expressions ───────────────────────────────────────────────────────────

  /** A flat operand/operator sequence, given its precedence by precedence.ts. */
  expr(f: Frame): A.Expr | undefined {
    const operands = f.operands as OperandParts[];
    const ops = f.ops as IToken[];
    // the common case, one operand without operators or prefixes, needs no precedence
    if (operands.length === 1 && ops.length === 0 && operands[0]!.prefixes.length === 0) return operands[0]!.base;
    const flat = operands.map((o): FlatOperand | undefined => {
      const prefixes = o.prefixes.filter(T.isReadToken);
      return o.base ? { prefixes: prefixes.sort((a, b) => a.startOffset - b.startOffset), base: o.base } : undefined;
    });
    return buildExpression(flat, ops, this.precedenceHost);
  }

  /** An operand: its prefixes, and its primary with the suffixes applied in order (calls, members, indexes). */
  operand(f: Frame): OperandParts {
    let e = f.primary as A.Expr | undefined;
    if (e) {
      for (const s of f.suffixes as Suffix[]) {
        const span: Span = { file: this.fileName, start: e.span.start, end: s.end === undefined ? e.span.end : this.position(s.end) };
        if (s.kind === 'call') {
          this.checkCommas(s.args, s.commas, 'arguments', 'an argument');
          e = { kind: 'Call', callee: e, args: defined(s.args.map((a) => a.ast)), span };
        } else if (s.kind === 'member') {
          if (!s.property) break; // `x.` with no name: keep `x`
          e = { kind: 'Member', object: e, property: s.property, span };
        } else {
          if (!s.index) break;
          e = { kind: 'Index', object: e, index: s.index, span };
        }
      }
    }
    return { prefixes: f.prefixes, base: e };
  }

  callSuffix(f: Frame, d: number): Suffix {
    return { kind: 'call', args: f.arg, commas: f.Comma, end: this.end(d) };
  }

  memberSuffix(f: Frame, d: number): Suffix {
    return { kind: 'member', property: this.ident(T.isReadToken(f.Identifier) ? f.Identifier : f.Star), end: this.end(d) };
  }

  indexSuffix(f: Frame, d: number): Suffix {
    return { kind: 'index', index: f.expr, end: this.end(d) };
  }

  arg(f: Frame, d: number): A.Arg | undefined {
    const value = f.value as A.Expr | undefined;
    if (!value) return undefined;
    const name = f.name as A.Ident | undefined;
    const span = this.spanWith(d, name?.span ?? value.span, value.span);
    if (!span) return undefined;
    // Spelled out rather than `...(name ? { name } : {})`: arguments are the most frequent node,
    // and the spread cost a temporary object and a slow generic copy each (same keys, same order).
    return name ? { kind: 'Arg', name, value, span } : { kind: 'Arg', value, span };
  }

  primary(f: Frame, d: number): A.Expr | undefined {
    const span = this.span(d);
    if (!span) return undefined;
    // The token of the alternative taken, by the type that alternative expects (a category:
    // an unterminated string is read where a string is expected).
    const t = f.token as IToken | undefined;
    if (T.isReadToken(t)) {
      const image = t.image;
      if (tokenMatcher(t, T.Identifier)) return { kind: 'Name', name: image, span };
      if (tokenMatcher(t, T.NumberLit)) {
        const { value, isInt } = numberValue(image);
        return { kind: 'Number', value, raw: image, isInt, span };
      }
      if (tokenMatcher(t, T.StringLit)) return { kind: 'String', value: decodeString(image).value, raw: image, span };
      if (tokenMatcher(t, T.True)) return { kind: 'Bool', value: true, span };
      if (tokenMatcher(t, T.False)) return { kind: 'Bool', value: false, span };
    }
    if (f.record) return { kind: 'Record', fields: f.record, span };
    if (f.hasInner) {
      const e = f.inner as A.Expr | undefined;
      return e ? { kind: 'Paren', expr: e, span } : undefined;
    }
    if (f.items) {
      const items = f.items as Item<A.Expr>[];
      this.checkCommas(items, f.Comma, 'list items', 'a list item');
      return { kind: 'List', items: defined(items.map((i) => i.ast)), span };
    }
    return undefined;
  }
}

/** The values that are not undefined (nodes dropped after recovery). */
function defined<T>(xs: (T | undefined)[]): T[] {
  const out: T[] = [];
  for (const x of xs) if (x !== undefined) out.push(x);
  return out;
}

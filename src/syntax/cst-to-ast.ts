// CST → AST. The CST may be incomplete after error recovery: a node whose required parts are
// missing is dropped (its error is already reported), never half-built.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos, Span } from '../diagnostics/span.js';
import { suggestNames } from '../diagnostics/suggest.js';
import type * as A from './ast.js';
import type { DocComments } from './doc-comments.js';
import { decodeString, numberValue } from './literals.js';
import { buildExpression, type FlatOperand, type PrecedenceHost } from './precedence.js';
import { isReadToken } from './tokens.js';

/** The type names a parameter may declare (`[T]` aside). */
const TYPE_NAMES = ['tensor', 'int', 'float', 'bool', 'string', 'feature', 'block', 'any'] as const;

type Children = Record<string, CstElement[] | undefined>;

const NONE: CstNode[] = [];
const isToken = (e: CstElement | undefined): e is IToken => !!e && 'image' in e;
const isNode = (e: CstElement | undefined): e is CstNode => !!e && 'children' in e;
/** A token of the text, not one recovery inserted. */
const isRealToken = (e: CstElement | undefined): e is IToken => isToken(e) && isReadToken(e);

/** `build` applied to each node, without the undefined results (nodes dropped after recovery). */
function defined<T>(nodes: CstNode[], build: (n: CstNode) => T | undefined): T[] {
  const out: T[] = [];
  for (const n of nodes) {
    const x = build(n);
    if (x !== undefined) out.push(x);
  }
  return out;
}

export class CstToAst {
  constructor(
    private readonly fileName: string,
    /** Doc comments (`///`), taken by the declaration they precede. */
    private readonly docs: DocComments,
    /** Where the problems found while building the tree go (missing commas, unknown types). */
    private readonly diagnostics: Diagnostic[],
    /** Offset → line and column (line-index.ts). */
    private readonly position: (offset: number) => Pos,
  ) {
    this.precedenceHost = {
      file: fileName,
      tokenSpan: (t) => this.tokenSpan(t),
      error: (at, message, hint) => this.diagnostics.push(diag('REC1002', this.tokenSpan(at), message, { hint })),
    };
  }

  private readonly precedenceHost: PrecedenceHost;

  /** Model items and blocks built while the parser ran (early()), by their CST node. */
  private readonly built = new Map<CstNode, A.ModelItem | A.BlockDecl | undefined>();

  /**
   * Build a model item's or a block's AST now, from a CST node the parser just finished, and drop
   * the node's children (its location stays, for the enclosing node): the caller asks for it later
   * through modelItem() or block() as usual.
   */
  early(n: CstNode): void {
    this.built.set(n, n.name === 'modelItem' ? this.modelItem(n) : this.block(n));
    (n as { children: CstNode["children"] }).children = {};
  }

  // ── spans ─────────────────────────────────────────────────────────────────

  tokenSpan(t: IToken): Span {
    return { file: this.fileName, start: this.position(t.startOffset), end: this.position(t.startOffset + t.image.length) };
  }

  /**
   * The span of a token or of a CST node. Chevrotain tracks each node's offsets while parsing
   * (`nodeLocationTracking: 'onlyOffset'`), over real tokens only: a token that recovery inserted has
   * NaN offsets and is skipped, and a node made of inserted tokens only has no span.
   */
  span(e: CstElement): Span | undefined {
    if (isToken(e)) return isRealToken(e) ? this.tokenSpan(e) : undefined;
    return this.spanWith(e, undefined, undefined);
  }

  /**
   * The span of `n` whose first part (`first`) or last part (`last`) already has one: where they
   * coincide the position objects are shared, as `postfix` shares the start of a chain. Same data,
   * fewer objects: an argument or a `let` allocates (and the collector copies) a third fewer.
   */
  private spanWith(n: CstNode, first: Span | undefined, last: Span | undefined): Span | undefined {
    const end = this.endOffset(n);
    if (end === undefined) return undefined;
    const start = n.location!.startOffset;
    return {
      file: this.fileName,
      start: first?.start.offset === start ? first.start : this.position(start),
      end: last?.end.offset === end ? last.end : this.position(end),
    };
  }

  /** Where the span of a CST node ends (exclusive), or undefined when it has no span; no span is built. */
  private endOffset(n: CstNode): number | undefined {
    const l = n.location;
    return l && Number.isFinite(l.startOffset) && Number.isFinite(l.endOffset) ? l.endOffset! + 1 : undefined;
  }

  /** The first real token of a subtree (for messages that quote it). */
  private firstToken(e: CstElement): IToken | undefined {
    if (isToken(e)) return isReadToken(e) ? e : undefined;
    let best: CstElement | undefined;
    let bestOffset = Infinity;
    for (const list of Object.values(e.children)) {
      for (const c of list ?? []) {
        const o = isToken(c) ? c.startOffset : c.location?.startOffset;
        if (o !== undefined && Number.isFinite(o) && o < bestOffset && !(isToken(c) && c.isInsertedInRecovery)) {
          best = c;
          bestOffset = o;
        }
      }
    }
    return best ? this.firstToken(best) : undefined;
  }

  private tok(c: Children, key: string): IToken | undefined {
    const t = c[key]?.[0];
    return isRealToken(t) ? t : undefined;
  }

  private node(c: Children, key: string): CstNode | undefined {
    const n = c[key]?.[0];
    return isNode(n) ? n : undefined;
  }

  private nodes(c: Children, key: string): CstNode[] {
    // a label holds the nodes of one SUBRULE, never tokens: no copy needed
    return (c[key] as CstNode[] | undefined) ?? NONE;
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    return t ? { kind: 'Ident', name: t.image, span: this.tokenSpan(t) } : undefined;
  }

  /** The doc comment of the declaration whose first token starts `span`. */
  private docBefore(span: Span): string | undefined {
    return this.docs.take(span.start.offset);
  }

  /**
   * Commas are required between parameters, arguments and list items, but the parser accepts a
   * missing one so that the rest of the list still parses; report it here (REC1003).
   */
  private checkCommas(items: CstNode[], commas: CstElement[] | undefined, what: string, one: string): void {
    if (items.length < 2) return;
    const commaTokens = (commas ?? []).filter(isRealToken);
    let j = 0; // commas and items are both in text order: one pass over each
    for (let i = 1; i < items.length; i++) {
      const prevEnd = this.endOffset(items[i - 1]!);
      const nextStart = items[i]!.location?.startOffset;
      if (prevEnd === undefined || nextStart === undefined || !Number.isFinite(nextStart)) continue;
      while (j < commaTokens.length && commaTokens[j]!.startOffset < prevEnd) j++;
      let between = 0; // the commas between the two items: the first is the expected one
      for (; j < commaTokens.length && commaTokens[j]!.startOffset < nextStart; j++) {
        if (between++ === 0) continue;
        this.diagnostics.push(diag('REC1002', this.tokenSpan(commaTokens[j]!), `expected ${one} but found \`,\``, { hint: 'remove the extra `,`' }));
      }
      if (between > 0) continue;
      const next = this.firstToken(items[i]!);
      if (!next) continue;
      const at = this.position(prevEnd);
      this.diagnostics.push(diag('REC1003', { file: this.fileName, start: at, end: at }, `expected \`,\` between ${what} but found \`${next.image}\``, { hint: 'add `,`' }));
    }
  }

  // ── top level ─────────────────────────────────────────────────────────────

  /** The top-level items of one `file` CST (parse.ts may parse a file in several runs). */
  items(n: CstNode): A.TopItem[] {
    const items: A.TopItem[] = [];
    for (const t of this.nodes(n.children, 'topItem')) {
      const c = t.children;
      const item = c.useDecl ? this.use(this.node(c, 'useDecl')!) : c.blockDecl ? this.block(this.node(c, 'blockDecl')!) : c.modelDecl ? this.model(this.node(c, 'modelDecl')!) : undefined;
      if (item) items.push(item);
    }
    return items;
  }

  use(n: CstNode): A.UseDecl | undefined {
    const span = this.span(n);
    const p = this.node(n.children, 'usePath');
    if (!span || !p) return undefined;
    let path: A.UseDecl['path'] | undefined;
    const dotted = this.node(p.children, 'dottedPath');
    const str = this.tok(p.children, 'StringLit');
    if (dotted) {
      const parts = (dotted.children.Identifier ?? []).filter(isRealToken).map((t) => this.ident(t)!);
      if (parts.length > 0) path = { kind: 'dotted', parts };
    } else if (str) path = { kind: 'file', value: decodeString(str.image).value, span: this.tokenSpan(str) };
    if (!path) return undefined;
    const alias = this.ident(this.tok(n.children, 'alias'));
    return { kind: 'Use', path, ...(alias ? { alias } : {}), span };
  }

  block(n: CstNode): A.BlockDecl | undefined {
    if (this.built.has(n)) return this.built.get(n) as A.BlockDecl | undefined;
    const span = this.span(n);
    const name = this.ident(this.tok(n.children, 'name'));
    const body = this.node(n.children, 'body');
    if (!span || !name) return undefined;
    const doc = this.docBefore(span);
    const paramNodes = this.nodes(n.children, 'param');
    this.checkCommas(paramNodes, n.children.Comma, 'parameters', 'a parameter');
    const params = defined(paramNodes, (p) => this.param(p));
    return { kind: 'Block', name, params, body: body ? this.body(body) : [], ...(doc ? { doc } : {}), span };
  }

  param(n: CstNode): A.Param | undefined {
    const span = this.span(n);
    const name = this.ident(this.tok(n.children, 'name'));
    if (!span || !name) return undefined;
    const t = this.node(n.children, 'typeExpr');
    const type = t ? this.type(t) : undefined;
    const d = this.node(n.children, 'default');
    const def = d ? this.expr(d) : undefined;
    const doc = this.docBefore(span);
    // the optional keys in the order a literal would give them, without spreading (see `arg`)
    const param = { kind: 'Param', name } as A.Param;
    if (type) param.type = type;
    if (def) param.default = def;
    if (doc) param.doc = doc;
    param.span = span;
    return param;
  }

  type(n: CstNode): A.TypeExpr | undefined {
    const span = this.span(n);
    if (!span) return undefined;
    const elem = this.node(n.children, 'elem');
    if (elem) {
      const e = this.type(elem);
      return e ? { kind: 'Type', name: 'list', elem: e, span } : undefined;
    }
    const t = this.tok(n.children, 'Identifier') ?? this.tok(n.children, 'Block');
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

  body(n: CstNode): A.Stmt[] {
    return defined(this.nodes(n.children, 'stmt'), (s) => this.stmt(s));
  }

  stmt(n: CstNode): A.Stmt | undefined {
    const c = n.children;
    if (c.letStmt) return this.let(this.node(c, 'letStmt')!);
    if (c.forStmt) return this.for(this.node(c, 'forStmt')!);
    if (c.ifStmt) return this.if(this.node(c, 'ifStmt')!);
    if (c.returnStmt) {
      const r = this.node(c, 'returnStmt')!;
      const v = this.node(r.children, 'value');
      const value = v ? this.expr(v) : undefined;
      const span = this.spanWith(r, undefined, value?.span);
      return span && value ? { kind: 'Return', value, span } : undefined;
    }
    if (c.assignStmt) {
      const a = this.node(c, 'assignStmt')!;
      const name = this.ident(this.tok(a.children, 'name'));
      const v = this.node(a.children, 'value');
      const value = v ? this.expr(v) : undefined;
      const span = this.spanWith(a, name?.span, value?.span);
      return span && name && value ? { kind: 'Assign', name, value, span } : undefined;
    }
    return undefined;
  }

  let(n: CstNode): A.LetStmt | undefined {
    const name = this.ident(this.tok(n.children, 'name'));
    const v = this.node(n.children, 'value');
    const value = v ? this.expr(v) : undefined;
    const span = this.spanWith(n, undefined, value?.span);
    if (!span || !name || !value) return undefined;
    const doc = this.docBefore(span);
    return doc ? { kind: 'Let', name, value, doc, span } : { kind: 'Let', name, value, span };
  }

  for(n: CstNode): A.ForStmt | undefined {
    const span = this.span(n);
    const variable = this.ident(this.tok(n.children, 'variable'));
    const it = this.node(n.children, 'iterable');
    const iterable = it ? this.expr(it) : undefined;
    const body = this.node(n.children, 'body');
    if (!span || !variable || !iterable) return undefined;
    return { kind: 'For', variable, iterable, body: body ? this.body(body) : [], span };
  }

  if(n: CstNode): A.IfStmt | undefined {
    const span = this.span(n);
    const c = this.node(n.children, 'cond');
    const cond = c ? this.expr(c) : undefined;
    const then = this.node(n.children, 'then');
    if (!span || !cond) return undefined;
    const elseIf = this.node(n.children, 'elseIf');
    const elseBody = this.node(n.children, 'else');
    const otherwise = elseIf ? [this.if(elseIf)].filter((s): s is A.IfStmt => !!s) : elseBody ? this.body(elseBody) : undefined;
    return { kind: 'If', cond, then: then ? this.body(then) : [], ...(otherwise ? { else: otherwise } : {}), span };
  }

  // ── models ────────────────────────────────────────────────────────────────

  model(n: CstNode): A.ModelDecl | undefined {
    const span = this.span(n);
    const name = this.ident(this.tok(n.children, 'name'));
    if (!span || !name) return undefined;
    const doc = this.docBefore(span);
    const items = defined(this.nodes(n.children, 'modelItem'), (m) => this.modelItem(m));
    return { kind: 'Model', name, items, ...(doc ? { doc } : {}), span };
  }

  modelItem(n: CstNode): A.ModelItem | undefined {
    if (this.built.has(n)) return this.built.get(n) as A.ModelItem | undefined;
    const inner = firstNode(n.children);
    if (!inner) return undefined;
    const span = this.span(inner);
    if (!span) return undefined;
    const ch = inner.children;
    const name = this.ident(this.tok(ch, 'name'));
    switch (inner.name) {
      case 'featuresSection': {
        const fb = this.node(ch, 'fieldBlock');
        const features = (fb ? this.fields(fb) : []).map((f): A.FeatureDecl => {
          const doc = this.docBefore(f.span);
          return doc ? { kind: 'Feature', name: f.name, value: f.value, doc, span: f.span } : { kind: 'Feature', name: f.name, value: f.value, span: f.span };
        });
        return { kind: 'Features', features, span };
      }
      case 'pcDecl': {
        const v = this.node(ch, 'value');
        const value = v ? this.expr(v) : undefined;
        if (!name || !value) return undefined;
        const doc = this.docBefore(span);
        return doc ? { kind: 'Pc', name, value, doc, span } : { kind: 'Pc', name, value, span };
      }
      case 'letStmt':
        return this.let(inner);
      case 'taskDecl':
        return this.task(inner);
      case 'trainSection': {
        const fb = this.node(ch, 'fieldBlock');
        return { kind: 'Train', fields: fb ? this.fields(fb) : [], span };
      }
      case 'supportDecl': {
        const key = this.ident(this.tok(ch, 'key'));
        const v = this.node(ch, 'value');
        const value = v ? this.expr(v) : undefined;
        if (!name || !key || !value) return undefined;
        const doc = this.docBefore(span);
        return { kind: 'Support', name, key, value, ...(doc ? { doc } : {}), span };
      }
      case 'metaBlockDecl': {
        const key = this.ident(this.tok(ch, 'key'));
        if (!name || !key) return undefined;
        const fb = this.node(ch, 'inner');
        const body = defined(this.nodes(ch, 'stmt'), (s) => this.stmt(s));
        const doc = this.docBefore(span);
        return { kind: 'MetaBlock', name, key, inner: fb ? this.fields(fb) : [], body, ...(doc ? { doc } : {}), span };
      }
      case 'stageDecl': {
        if (!name) return undefined;
        const fields = defined(this.nodes(ch, 'field'), (f) => this.field(f));
        const tasks = defined(this.nodes(ch, 'taskDecl'), (t) => this.task(t));
        return { kind: 'Stage', name, fields, tasks, span };
      }
      default:
        return undefined;
    }
  }

  task(n: CstNode): A.TaskDecl | undefined {
    const span = this.span(n);
    const name = this.ident(this.tok(n.children, 'name'));
    const h = this.node(n.children, 'head');
    const head = h ? this.expr(h) : undefined;
    if (!span || !name || !head) return undefined;
    const fb = this.node(n.children, 'fieldBlock');
    const doc = this.docBefore(span);
    return { kind: 'Task', name, head, fields: fb ? this.fields(fb) : [], ...(doc ? { doc } : {}), span };
  }

  fields(n: CstNode): A.Field[] {
    return defined(this.nodes(n.children, 'field'), (f) => this.field(f));
  }

  field(n: CstNode): A.Field | undefined {
    const fnode = this.node(n.children, 'fieldName');
    const name = this.ident(fnode && this.tok(fnode.children, 'AnyName'));
    const v = this.node(n.children, 'value');
    const value = v ? this.expr(v) : undefined;
    if (!name || !value) return undefined;
    return { kind: 'Field', name, value, span: { file: this.fileName, start: name.span.start, end: value.span.end } };
  }

  // ── expressions ───────────────────────────────────────────────────────────

  /** An `expr` CST node: a flat operand/operator sequence, given its precedence by precedence.ts. */
  expr(n: CstNode): A.Expr | undefined {
    const operandNodes = this.nodes(n.children, 'operands');
    const ops = n.children.ops;
    // the common case, one operand without operators or prefixes, needs no precedence
    if (operandNodes.length === 1 && !ops?.length && !operandNodes[0]!.children.prefixes) return this.postfix(operandNodes[0]!);
    const operands = operandNodes.map((o): FlatOperand | undefined => {
      const base = this.postfix(o);
      const prefixes = (o.children.prefixes ?? []).filter(isRealToken);
      return base ? { prefixes: prefixes.sort((a, b) => a.startOffset - b.startOffset), base } : undefined;
    });
    return buildExpression(operands, (ops ?? []).filter(isToken), this.precedenceHost);
  }

  /** An operand's primary and its suffixes (calls, members, indexes), in order. */
  private postfix(n: CstNode): A.Expr | undefined {
    const p = this.node(n.children, 'primary');
    let e = p ? this.primary(p) : undefined;
    if (!e) return undefined;
    for (const s of this.nodes(n.children, 'suffixes')) {
      const endOffset = this.endOffset(s);
      const span: Span = { file: this.fileName, start: e.span.start, end: endOffset === undefined ? e.span.end : this.position(endOffset) };
      if (s.name === 'callSuffix') {
        const argNodes = this.nodes(s.children, 'arg');
        this.checkCommas(argNodes, s.children.Comma, 'arguments', 'an argument');
        const args = defined(argNodes, (a) => this.arg(a));
        e = { kind: 'Call', callee: e, args, span };
      } else if (s.name === 'memberSuffix') {
        const property = this.ident(this.tok(s.children, 'Identifier') ?? this.tok(s.children, 'Star'));
        if (!property) break; // `x.` with no name: keep `x`
        e = { kind: 'Member', object: e, property, span };
      } else {
        const i = this.node(s.children, 'expr');
        const index = i ? this.expr(i) : undefined;
        if (!index) break;
        e = { kind: 'Index', object: e, index, span };
      }
    }
    return e;
  }

  private arg(n: CstNode): A.Arg | undefined {
    const v = this.node(n.children, 'value');
    const value = v ? this.expr(v) : undefined;
    if (!value) return undefined;
    const nameNode = this.node(n.children, 'name');
    const name = this.ident(nameNode && this.tok(nameNode.children, 'AnyName'));
    const span = this.spanWith(n, name?.span ?? value.span, value.span);
    if (!span) return undefined;
    // Spelled out rather than `...(name ? { name } : {})`: arguments are the most frequent node,
    // and the spread cost a temporary object and a slow generic copy each (same keys, same order).
    return name ? { kind: 'Arg', name, value, span } : { kind: 'Arg', value, span };
  }

  private primary(n: CstNode): A.Expr | undefined {
    const c = n.children;
    const span = this.span(n);
    if (!span) return undefined;
    // A primary holds the children of one alternative only, so the order of these tests does not
    // matter: the most frequent (a name) goes first, sparing it a lookup per other kind.
    const id = this.tok(c, 'Identifier');
    if (id) return { kind: 'Name', name: id.image, span };
    const num = this.tok(c, 'NumberLit');
    if (num) {
      const { value, isInt } = numberValue(num.image);
      return { kind: 'Number', value, raw: num.image, isInt, span };
    }
    const str = this.tok(c, 'StringLit');
    if (str) return { kind: 'String', value: decodeString(str.image).value, raw: str.image, span };
    if (this.tok(c, 'True')) return { kind: 'Bool', value: true, span };
    if (this.tok(c, 'False')) return { kind: 'Bool', value: false, span };
    const rec = this.node(c, 'record');
    if (rec) return { kind: 'Record', fields: this.fields(rec), span };
    const inner = this.node(c, 'inner');
    if (inner) {
      const e = this.expr(inner);
      return e ? { kind: 'Paren', expr: e, span } : undefined;
    }
    if (c.LBracket) {
      const itemNodes = this.nodes(c, 'items');
      this.checkCommas(itemNodes, c.Comma, 'list items', 'a list item');
      const items = defined(itemNodes, (i) => this.expr(i));
      return { kind: 'List', items, span };
    }
    return undefined;
  }
}

/**
 * The first node among a CST node's children (in the order they were added, as Object.values
 * gives them), without building the flattened list of them.
 */
function firstNode(c: Children): CstNode | undefined {
  for (const key in c) {
    for (const e of c[key] ?? NONE) if (isNode(e)) return e;
  }
  return undefined;
}

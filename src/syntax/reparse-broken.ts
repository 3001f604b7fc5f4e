// Incremental parsing of a text that does not parse: typing passes through such texts all the
// time (`let x = foo(` on the way to `let x = foo(y)`). Parsing a 2,000-line spec whole takes
// ~15 ms, but the analysis of such an edit then took 23–33 ms in-process against 8–11 ms this
// way (measured). When the old text parsed cleanly and the edit lies inside a run of model
// items, the model is parsed again from its header, the touched items and the one item after
// them (its context), and the rest of the old tree is kept, moved by copies (the old tree stays
// the tree of the last clean text, which the next edit starts from).
//
// It gives the tree and diagnostics a full parse gives, or nothing. Error recovery is what could
// differ, and these conditions leave it nothing to differ on:
//
// - the parser is in the same state where the touched items start (in the model's item loop) and
//   sees the same tokens up to the item after them;
// - recovery re-synchronises on tokens that may follow a rule on its stack: the whole-file parse
//   has the `use`, `block` and `model` keywords there too, so the touched text must not hold them;
// - every error is on a token of the touched text or on the first token after it, the item after
//   it parses as before, to the character, and the model ends at its closing brace: recovery did
//   not reach past the touched text;
// - no lexical error; doc comments only before the touched items and the item after them, each
//   given to the item it documents, as in the whole file.
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos, Span } from '../diagnostics/span.js';
import type { ModelDecl, SourceFile } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import { DocComments } from './doc-comments.js';
import type { ParseResult } from './parse.js';
import { parser } from './parser.js';
import { comments, diff, lexSlice, ownComments, region, splitComments, touched, trailingDoc, type CleanParse } from './reparse.js';
import { syntaxDiagnostic } from './syntax-errors.js';
import * as T from './tokens.js';

/** The parse of `text`, which does not parse, from the clean parse of `old`, or undefined. */
export function reparseBroken(old: CleanParse, text: string, fileName: string): ParseResult | undefined {
  const e = diff(old, text, fileName);
  const model = old.file.items[e.top];
  if (model?.kind !== 'Model' || model.items.length === 0) return undefined;
  const t = touched(e, model);
  if (!t) return undefined;
  const { k, j, start, next } = t;
  const r = region(e, start, next, 1);
  if (!r || trailingDoc(r) || r.tokens.some((tok) => T.TOP_LEVEL.has(tok.tokenType))) return undefined;

  // The context: the model's header (before the edit), the item after the touched ones (moved by
  // the edit) and the model's closing brace.
  // (`model name {`; item 0's doc comment, lexed with it when item 0 is kept, is left out)
  const header = lexSlice(text, model.span.start.offset, Math.min(start, model.items[0]!.span.start.offset))?.tokens;
  const after = model.items[j + 1];
  // the item after, from its doc comment (`next`) on; its first token is contextAt
  const contextAt = after ? after.span.start.offset + e.delta : next.offset + e.delta;
  const context = after ? lexSlice(text, next.offset + e.delta, after.span.end.offset + e.delta) : { tokens: [], docs: [] };
  const closeAt = model.span.end.offset - 1 + e.delta;
  const close = lexAt(text, closeAt, closeAt + 1);
  if (!header || header.length !== 3 || !context || !close || close[0]?.tokenType !== T.RBrace) return undefined;
  const tokens = [...header, ...r.tokens, ...context.tokens, ...close];

  const found: Diagnostic[] = [];
  const docs = new DocComments([...r.docs, ...context.docs], tokens);
  const parsed = parser.run<ModelDecl | undefined>(() => parser.modelDecl(), tokens, text, new AstBuilder(fileName, docs, found, r.position, parser.at));
  const errors = [...parser.errors];
  const insertions = [...parser.insertions];
  const inside = (tok: IToken) => Number.isFinite(tok.startOffset) && tok.startOffset >= start && tok.startOffset <= contextAt;
  if (errors.length === 0 || !errors.every((x) => inside(x.token))) return undefined;

  // The model must end at its own closing brace: recovery did not end it early.
  if (!parsed || parsed.span.end.offset !== closeAt + 1 || !found.every((d) => d.span.start.offset >= start && d.span.start.offset <= contextAt)) return undefined;
  const items = parsed.items.filter((i) => i.span.start.offset >= start);
  if (after) {
    const last = items.pop();
    if (!last || last.kind !== after.kind || last.span.start.offset !== contextAt || last.span.end.offset !== after.span.end.offset + e.delta) return undefined;
  }

  // The diagnostics as parse() makes them (no lexical errors here: none explained, none cut).
  const at = (a: number, b: number): Span => ({ file: fileName, start: r.position(a), end: r.position(b) });
  let index: Map<IToken, number> | undefined;
  const indexOf = (tok: IToken) => (index ??= new Map(tokens.map((x, i) => [x, i]))).get(tok) ?? -1;
  const cx = { text, tokens, indexOf, insertions, at };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const x of errors) {
    const d = syntaxDiagnostic(x, cx);
    if (seen.has(d.span.start.offset)) continue;
    seen.add(d.span.start.offset);
    diagnostics.push(d);
  }
  for (const d of found) if (!(d.code.startsWith('REC1') && seen.has(d.span.start.offset))) diagnostics.push(d);

  // The rest of the old tree, moved by copies.
  const move = shifter(e.delta, r.lines);
  const [earlier, later] = splitComments(old, start, next.offset);
  const newModel: ModelDecl = {
    ...model,
    items: [...model.items.slice(0, k), ...items, ...model.items.slice(j + 1).map(move)],
    span: { ...model.span, end: move(model.span.end) },
  };
  const file: SourceFile = {
    ...old.file,
    items: [...old.file.items.slice(0, e.top), newModel, ...old.file.items.slice(e.top + 1).map(move)],
    // the item after keeps its comments among `later`, unused doc comments included
    comments: [...earlier, ...comments(e, r, ownComments(r, docs).filter((c) => c.startOffset < next.offset + e.delta)), ...later.map(move)],
    span: { file: fileName, start: old.file.span.start, end: r.position(text.length) },
  };
  return { file, diagnostics: diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset) };
}

/** The tokens of text[from, to) at their offsets in `text`; undefined on a lexical error or a doc comment. */
function lexAt(text: string, from: number, to: number): IToken[] | undefined {
  const lexed = lexSlice(text, from, to);
  return lexed && lexed.docs.length === 0 ? lexed.tokens : undefined;
}

/** A copy of a tree (or a span, or a position) whose positions are moved by `delta` and `lines`. */
function shifter(delta: number, lines: number): <N>(n: N) => N {
  const pos = (x: Pos): Pos => ({ offset: x.offset + delta, line: x.line + lines, column: x.column });
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(copy);
    const o = v as Record<string, unknown>;
    // a span: the only object with `file` and no `kind`
    if (o.kind === undefined && typeof o.file === 'string') {
      const sp = o as unknown as Span;
      return { file: sp.file, start: pos(sp.start), end: pos(sp.end) };
    }
    if (typeof o.offset === 'number') return pos(o as unknown as Pos);
    const out: Record<string, unknown> = { ...o };
    for (const key in out) out[key] = copy(out[key]);
    return out;
  };
  return copy as <N>(n: N) => N;
}


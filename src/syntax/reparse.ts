// Incremental parsing: when an edit falls inside one item of a model (a `let`, a `task`, …) of a
// file that parsed cleanly, parse that item alone and keep the rest of the old tree, shifting
// the spans after it. Typing in a 2,000-line spec then parses one line, not 2,000.
//
// It gives the tree a full parse gives, or nothing (then the caller parses it all): the old parse
// must be clean, the new item must parse on its own with no error and end where the next item
// starts (an item starts with a keyword, which no expression can take), the text around it must
// lex to the same tokens, and no doc comment may be near it.
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos, Span } from '../diagnostics/span.js';
import type { Comment, ModelDecl, SourceFile } from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import { DocComments } from './doc-comments.js';
import { lineIndex } from './line-index.js';
import { decodeString } from './literals.js';
import { tooDeepAt } from './nesting.js';
import { parser } from './parser.js';
import * as T from './tokens.js';

export interface CleanParse {
  text: string;
  file: SourceFile;
}

/** The tree of `text` from the clean parse of `old` with one model item parsed again, or undefined. */
export function reparse(old: CleanParse, text: string, fileName: string): SourceFile | undefined {
  const before = old.text;
  let p = 0;
  const maxCommon = Math.min(before.length, text.length);
  while (p < maxCommon && before.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < maxCommon - p && before.charCodeAt(before.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const oldEnd = before.length - s; // the edit replaced before[p, oldEnd) by text[p, newEnd)
  const delta = text.length - before.length;

  const top = old.file.items.findIndex((i) => i.span.start.offset < p && oldEnd < i.span.end.offset);
  const model = old.file.items[top];
  if (!model || model.kind !== 'Model') return undefined;
  const k = model.items.findIndex((i, j) => i.span.start.offset < p && oldEnd <= (model.items[j + 1]?.span.start.offset ?? model.span.end.offset - 1));
  const item = model.items[k];
  if (!item) return undefined;
  const start = item.span.start.offset;
  const next = model.items[k + 1]?.span.start ?? { ...model.span.end, offset: model.span.end.offset - 1, column: model.span.end.column - 1 };
  // Positions after the edit move by whole lines only: the next item starts on a later line.
  const oldPosition = lineIndex(before);
  if (next.line <= oldPosition(oldEnd).line) return undefined;

  // Lex the item alone: a token boundary at both ends (text before it is unchanged up to its
  // first character; whitespace ends it), so these are the tokens a full lex finds there.
  const newNext = next.offset + delta;
  if (!/\s/.test(text[newNext - 1] ?? '')) return undefined;
  const previousEnd = model.items[k - 1]?.span.end.offset ?? model.span.start.offset;
  if (('doc' in item && item.doc !== undefined) || before.slice(previousEnd, start).includes('///')) return undefined;
  const lexed = T.RecLexer.tokenize(text.slice(start, newNext));
  if (lexed.errors.length > 0 || (lexed.groups.errors ?? []).length > 0 || (lexed.groups.docs ?? []).length > 0) return undefined;
  const segment = lexed.tokens;
  for (const t of [...segment, ...((lexed.groups.comments ?? []) as IToken[])]) {
    t.startOffset += start;
    if (t.endOffset !== undefined) t.endOffset += start;
  }
  for (const t of segment) {
    if (t.tokenType === T.UnterminatedString || t.tokenType === T.BadNumber) return undefined;
    if (t.tokenType === T.StringLit && decodeString(t.image).bad.length > 0) return undefined;
  }
  // Model items sit one bracket deep (the model's braces).
  if (segment.length === 0 || tooDeepAt(segment, 1) >= 0) return undefined;

  parser.insertions.length = 0;
  parser.sourceText = text;
  parser.input = segment;
  const cst = parser.modelItem();
  if (parser.errors.length > 0 || parser.insertions.length > 0) return undefined;
  const found: Diagnostic[] = [];
  const position = lineIndex(text);
  const replaced = new CstToAst(fileName, new DocComments([], segment), found, position).modelItem(cst);
  const last = segment[segment.length - 1]!;
  if (!replaced || found.length > 0 || replaced.kind !== item.kind || replaced.span.end.offset !== last.startOffset + last.image.length) return undefined;

  const lines = countLines(text, p, text.length - s) - countLines(before, p, oldEnd);
  const shift = shifter(delta, lines);
  const after = <N>(n: N): N => (delta === 0 && lines === 0 ? n : shift(n));
  const newModel: ModelDecl = {
    ...model,
    items: [...model.items.slice(0, k), replaced, ...model.items.slice(k + 1).map(after)],
    span: { ...model.span, end: after(model.span.end) },
  };
  const commentsIn = ((lexed.groups.comments ?? []) as IToken[]).map((c): Comment => ({ kind: 'Comment', text: c.image, span: { file: fileName, start: position(c.startOffset), end: position(c.startOffset + c.image.length) } }));
  const comments = [
    ...old.file.comments.filter((c) => c.span.start.offset < start),
    ...commentsIn,
    ...old.file.comments.filter((c) => c.span.start.offset >= next.offset).map(after),
  ];
  return {
    ...old.file,
    items: [...old.file.items.slice(0, top), newModel, ...old.file.items.slice(top + 1).map(after)],
    comments,
    span: { file: fileName, start: old.file.span.start, end: position(text.length) },
  };
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A copy of a tree (or a span, or a position) whose positions are moved by `delta` and `lines`. */
function shifter(delta: number, lines: number): <N>(n: N) => N {
  const pos = (x: Pos): Pos => ({ offset: x.offset + delta, line: x.line + lines, column: x.column });
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(copy);
    const o = v as Record<string, unknown>;
    if (typeof o.offset === 'number') return pos(o as unknown as Pos);
    // a span: the only object with `file` and no `kind`
    if (typeof o.file === 'string' && o.kind === undefined) {
      const sp = o as unknown as Span;
      return { file: sp.file, start: pos(sp.start), end: pos(sp.end) };
    }
    const out: Record<string, unknown> = {};
    for (const key in o) out[key] = copy(o[key]);
    return out;
  };
  return copy as <N>(n: N) => N;
}

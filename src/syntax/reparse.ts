// Incremental parsing: when an edit falls inside one item of a model (a `let`, a `task`, …) of a
// file that parsed cleanly, parse that item alone and keep the rest of the old tree, shifting
// the spans after it. Typing in a 2,000-line spec then parses one line, not 2,000.
//
// The nodes after the edit are the old tree's, their positions moved in place: the old tree then
// describes the new text, and so does everything made from it that holds its spans (the IR of
// the last analysis, its symbol index), which is how the language server reuses them. Copying
// them instead cost more than parsing the item, and kept a copy of most of the tree alive for
// each keystroke. Whoever keeps a tree of an older text must use parse().
//
// It gives the tree a full parse gives, or nothing (then the caller parses it all): the old parse
// must be clean, the new item must parse on its own with no error and end where the next item
// starts (an item starts with a keyword, which no expression can take), the text around it must
// lex to the same tokens, and no doc comment may be near it.
import type { CstNode, IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos } from '../diagnostics/span.js';
import type { Comment, ModelDecl, ModelItem, SourceFile } from './ast.js';
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

/** The tree of `text` from the clean parse of `old` with the model items an edit touched parsed again, or undefined. */
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
  // The items the edit touches, k to j: from the last one starting before it to the first one
  // whose text (up to the next item) covers its end.
  const itemEnd = (j: number) => model.items[j + 1]?.span.start.offset ?? model.span.end.offset - 1;
  let k = -1;
  while (k + 1 < model.items.length && model.items[k + 1]!.span.start.offset < p) k++;
  let j = k;
  while (j >= 0 && j < model.items.length && itemEnd(j) < oldEnd) j++;
  const item = model.items[k];
  if (!item || j >= model.items.length) return undefined;
  const start = item.span.start.offset;
  const next = model.items[j + 1]?.span.start ?? { ...model.span.end, offset: model.span.end.offset - 1, column: model.span.end.column - 1 };
  // Positions after the edit move by whole lines only: the next item keeps its column.
  const newNext = next.offset + delta;
  const position = lineIndex(text);
  const nextNow = position(newNext);
  if (newNext < start || nextNow.column !== next.column) return undefined;
  const lines = nextNow.line - next.line;

  // Lex the items alone: a token boundary at both ends (text before them is unchanged up to
  // their first character; whitespace ends them), so these are the tokens a full lex finds there.
  if (!/\s/.test(text[newNext - 1] ?? '')) return undefined;
  const touched = model.items.slice(k, j + 1);
  const previousEnd = model.items[k - 1]?.span.end.offset ?? model.span.start.offset;
  if (touched.some((i) => 'doc' in i && i.doc !== undefined) || before.slice(previousEnd, start).includes('///')) return undefined;
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
  if (tooDeepAt(segment, 1) >= 0) return undefined;

  parser.insertions.length = 0;
  parser.sourceText = text;
  parser.input = segment;
  const cst = parser.modelItems();
  if (parser.errors.length > 0 || parser.insertions.length > 0) return undefined;
  const found: Diagnostic[] = [];
  const toAst = new CstToAst(fileName, new DocComments([], segment), found, position);
  const replaced: ModelItem[] = [];
  for (const n of (cst.children.modelItem ?? []) as CstNode[]) {
    const m = toAst.modelItem(n);
    if (!m) return undefined;
    replaced.push(m);
  }
  const last = segment[segment.length - 1];
  if (found.length > 0 || (last && replaced.at(-1)?.span.end.offset !== last.startOffset + last.image.length)) return undefined;

  // Everything after the edit moves, in place (see the note at the top).
  const earlier = old.file.comments.filter((c) => c.span.start.offset < start);
  const later = old.file.comments.filter((c) => c.span.start.offset >= next.offset);
  const rest = old.file.items.slice(top + 1);
  shiftInPlace([model.items.slice(j + 1), model.span.end, rest, later], delta, lines);
  const newModel: ModelDecl = { ...model, items: [...model.items.slice(0, k), ...replaced, ...model.items.slice(j + 1)] };
  const commentsIn = ((lexed.groups.comments ?? []) as IToken[]).map((c): Comment => ({ kind: 'Comment', text: c.image, span: { file: fileName, start: position(c.startOffset), end: position(c.startOffset + c.image.length) } }));
  return {
    ...old.file,
    items: [...old.file.items.slice(0, top), newModel, ...rest],
    comments: [...earlier, ...commentsIn, ...later],
    span: { file: fileName, start: old.file.span.start, end: position(text.length) },
  };
}

/**
 * Move every position in these trees by `delta` characters and `lines` lines, in place, each
 * position once (spans may share them). Columns stay: the text after an edit moves by whole lines.
 */
function shiftInPlace(roots: unknown[], delta: number, lines: number): void {
  if (delta === 0 && lines === 0) return;
  // A moved position is marked by a negative offset (~offset) until the walk ends: cheaper than a set.
  const moved: Pos[] = [];
  const move = (p: Pos) => {
    if (p.offset < 0) return;
    p.offset = ~(p.offset + delta);
    p.line += lines;
    moved.push(p);
  };
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const o = v as Record<string, unknown>;
    // a span: the only object with `file` and no `kind`
    if (o.kind === undefined && typeof o.file === 'string') {
      move(o.start as Pos);
      move(o.end as Pos);
    } else if (typeof o.offset === 'number') move(o as unknown as Pos);
    else for (const key in o) visit(o[key]);
  };
  visit(roots);
  for (const p of moved) p.offset = ~p.offset;
}

// Incremental parsing: when an edit falls inside a run of model items (`let`s, `task`s, …) or
// inside one `block` of a file that parsed cleanly, parse those alone and keep the rest of the
// old tree, shifting the spans after them. Typing in a 2,000-line spec then parses one line,
// not 2,000.
//
// The nodes after the edit are the old tree's, their positions moved in place: the old tree then
// describes the new text, and so does everything made from it that holds its spans (the IR of
// the last analysis, its symbol index), which is how the language server reuses them. Copying
// them instead cost more than parsing the item, and kept a copy of most of the tree alive for
// each keystroke. Whoever keeps a tree of an older text must use parse().
//
// It gives the tree a full parse gives, or nothing (then the caller parses it all): the old parse
// must be clean, the new text must parse on its own with no error and end where the next item
// starts (an item starts with a keyword, which no expression can take), the text around it must
// lex to the same tokens and the text after it must keep its columns. An item's text starts at
// its doc comment, so an edit of the doc, or of the item under it, parses both again.
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos } from '../diagnostics/span.js';
import type { BlockDecl, Comment, ModelDecl, ModelItem, SourceFile } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import { commentNode } from './comment-node.js';
import { DocComments } from './doc-comments.js';
import { lineIndex, lineStart } from './line-index.js';
import { decodeString, tooLarge } from './literals.js';
import { tooDeepAt } from './nesting.js';
import { parser } from './parser.js';
import * as T from './tokens.js';

export interface CleanParse {
  text: string;
  file: SourceFile;
}

/** The tree of `text` from the clean parse of `old` with the items an edit touched parsed again, or undefined. */
export function reparse(old: CleanParse, text: string, fileName: string, lists: PositionLists = new WeakMap()): SourceFile | undefined {
  const edit = diff(old, text, fileName);
  const item = old.file.items[edit.top];
  if (item?.kind === 'Model') return modelItems(edit, edit.top, item, lists);
  if (item?.kind === 'Block') return block(edit, edit.top, lists);
  return undefined;
}

/** Where `text` differs from the old text, and the top-level item that holds the change (`top`, or -1). */
export function diff(old: CleanParse, text: string, fileName: string): Edit {
  const before = old.text;
  let p = 0;
  const maxCommon = Math.min(before.length, text.length);
  while (p < maxCommon && before.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < maxCommon - p && before.charCodeAt(before.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const oldEnd = before.length - s;
  const top = old.file.items.findIndex((i) => i.span.start.offset < p && oldEnd < i.span.end.offset);
  return { old, text, fileName, p, oldEnd, delta: text.length - before.length, top };
}

/** The edit replaced old.text[p, oldEnd) by text[p, p + (oldEnd - p) + delta). */
export interface Edit {
  old: CleanParse;
  text: string;
  fileName: string;
  p: number;
  oldEnd: number;
  delta: number;
  top: number;
}

/** The new text from `start` to the old position `next` (where the first untouched item starts), lexed. */
export interface Region {
  tokens: IToken[];
  comments: IToken[];
  docs: IToken[];
  position: (offset: number) => Pos;
  lines: number;
}

export function region(e: Edit, start: number, next: Pos | undefined, depth: number): Region | undefined {
  const { text } = e;
  const newNext = next ? next.offset + e.delta : text.length;
  const position = lineIndex(text);
  const nextNow = position(newNext);
  // Positions after the edit move by whole lines only: the next item keeps its column.
  if (newNext < start || (next && nextNow.column !== next.column)) return undefined;
  // A token boundary at both ends (text before is unchanged up to the first character; whitespace
  // ends it), so these are the tokens a full lex finds there.
  if (next && !/\s/.test(text[newNext - 1] ?? '')) return undefined;
  const lexed = lexSlice(text, start, newNext);
  if (!lexed) return undefined;
  for (const t of lexed.tokens) {
    if (t.tokenType === T.UnterminatedString || t.tokenType === T.BadNumber) return undefined;
    if (t.tokenType === T.StringLit && decodeString(t.image).bad.length > 0) return undefined;
    if (t.tokenType === T.NumberLit && tooLarge(t.image)) return undefined;
  }
  if (tooDeepAt(lexed.tokens, depth)) return undefined;
  return { ...lexed, position, lines: next ? nextNow.line - next.line : 0 };
}

/** The tokens, comments and doc comments of text[from, to), at their offsets in `text`; undefined on a lexical error. */
export function lexSlice(text: string, from: number, to: number): { tokens: IToken[]; comments: IToken[]; docs: IToken[] } | undefined {
  const lexed = T.RecLexer.tokenize(text.slice(from, to));
  if (lexed.errors.length > 0 || (lexed.groups.errors ?? []).length > 0) return undefined;
  const comments = (lexed.groups.comments ?? []) as IToken[];
  const docs = (lexed.groups.docs ?? []) as IToken[];
  for (const t of [...lexed.tokens, ...comments, ...docs]) t.startOffset += from;
  return { tokens: lexed.tokens, comments, docs };
}

/** Parse `tokens` with one rule of the parser, its nodes made by `builder`; undefined on any error. */
function parseWith<R>(rule: () => unknown, tokens: IToken[], text: string, builder: AstBuilder): R | undefined {
  const result = parser.run<R>(rule, tokens, text, builder);
  return parser.errors.length > 0 || parser.insertions.length > 0 ? undefined : result;
}

const endsAtLastToken = (span: { end: Pos } | undefined, tokens: IToken[]) => {
  const last = tokens[tokens.length - 1];
  return !last || span?.end.offset === last.startOffset + last.image.length;
};

/** The model items an edit touched, k to j, where their text starts and where the next item starts. */
export interface Touched {
  k: number;
  j: number;
  start: number;
  next: Pos;
}

export function touched(e: Edit, model: ModelDecl): Touched | undefined {
  const { p, oldEnd, old } = e;
  const items = model.items;
  // An item's text starts at its doc comment and runs to the next item's doc comment.
  const textStart = (i: number) => leadingDocs(old.text, items[i]!.span.start);
  const textEnd = (i: number) => (i + 1 < items.length ? textStart(i + 1).offset : model.span.end.offset - 1);
  // From the last item whose keyword is before the edit (the touched text starts with a token the
  // edit left alone, as the whole file's parse meets it) to the one whose text holds the edit's end.
  let k = -1;
  while (k + 1 < items.length && items[k + 1]!.span.start.offset < p) k++;
  // An insertion where the next item's text starts may be a doc comment for it: touch both.
  const reaches = (i: number) => textEnd(i) < oldEnd || (textEnd(i) === oldEnd && i + 1 < items.length);
  let j = k;
  while (j >= 0 && j < items.length && reaches(j)) j++;
  if (k < 0 || j >= items.length) return undefined;
  const start = textStart(k).offset;
  const next = j + 1 < items.length ? textStart(j + 1) : { ...model.span.end, offset: model.span.end.offset - 1, column: model.span.end.column - 1 };
  // A doc comment of a kept item in the touched text (apart from the item it documents by a plain
  // comment, or ending the line of the item before: `let a = b /// …`) needs the whole file.
  const previousEnd = items[k - 1]?.span.end.offset ?? model.span.start.offset;
  if (old.text.slice(previousEnd, start).includes('///') || old.text.slice(items[j]!.span.end.offset, next.offset).includes('///')) return undefined;
  return { k, j, start, next };
}

/** Whether a doc comment of the region comes after its last token: in the whole file, it would document the next item. */
export const trailingDoc = (r: Region) => {
  const last = r.tokens[r.tokens.length - 1];
  return r.docs.some((d) => !last || d.startOffset > last.startOffset);
};

/** An edit inside a model: parse the items it touched again. */
function modelItems(e: Edit, top: number, model: ModelDecl, lists: PositionLists): SourceFile | undefined {
  const { old } = e;
  const t = touched(e, model);
  if (!t) return undefined;
  const { k, j, start, next } = t;
  // Model items sit one bracket deep (the model's braces).
  const r = region(e, start, next, 1);
  if (!r || trailingDoc(r)) return undefined;
  const found: Diagnostic[] = [];
  const docs = new DocComments(r.docs, r.tokens);
  const parsed = parseWith<(ModelItem | undefined)[]>(() => parser.modelItems(), r.tokens, e.text, new AstBuilder(e.fileName, docs, found, r.position, parser.at));
  if (!parsed) return undefined;
  const replaced: ModelItem[] = [];
  for (const m of parsed) {
    if (!m) return undefined;
    replaced.push(m);
  }
  if (found.length > 0 || !endsAtLastToken(replaced.at(-1)?.span, r.tokens)) return undefined;

  // Everything after the edit moves, in place (see the note at the top).
  const [earlier, later] = splitComments(old, start, next.offset);
  const rest = old.file.items.slice(top + 1);
  shiftInPlace([model.items.slice(j + 1), model.span.end, rest, later], e.delta, r.lines, lists);
  const newModel: ModelDecl = { ...model, items: [...model.items.slice(0, k), ...replaced, ...model.items.slice(j + 1)] };
  return rebuilt(e, r, [...old.file.items.slice(0, top), newModel, ...rest], [...earlier, ...comments(e, r, ownComments(r, docs)), ...later]);
}

/** An edit inside a `block` (its parameters or its body): parse the block again. */
function block(e: Edit, top: number, lists: PositionLists): SourceFile | undefined {
  const { old } = e;
  const item = old.file.items[top]!;
  if (item.kind !== 'Block') return undefined;
  const start = item.span.start.offset; // its `block` keyword: its doc comment is before, unchanged
  const following = old.file.items[top + 1]?.span.start;
  const next = following && leadingDocs(old.text, following);
  if (next && next.offset <= e.oldEnd) return undefined;
  const r = region(e, start, next, 0);
  if (!r) return undefined;
  const found: Diagnostic[] = [];
  const docs = new DocComments(r.docs, r.tokens);
  const parsed = parseWith<BlockDecl>(() => parser.blockDecl(), r.tokens, e.text, new AstBuilder(e.fileName, docs, found, r.position, parser.at));
  // A doc comment after the block documents the next item: that needs the whole file.
  if (!parsed || found.length > 0 || !endsAtLastToken(parsed.span, r.tokens) || r.docs.some((d) => d.startOffset > parsed.span.end.offset)) return undefined;
  const { span, ...fields } = parsed;
  const replaced = { ...fields, ...(item.doc !== undefined ? { doc: item.doc } : {}), span };

  const [earlier, later] = splitComments(old, start, next?.offset ?? old.text.length);
  const rest = old.file.items.slice(top + 1);
  shiftInPlace([rest, later], e.delta, r.lines, lists);
  return rebuilt(e, r, [...old.file.items.slice(0, top), replaced, ...rest], [...earlier, ...comments(e, r, ownComments(r, docs)), ...later]);
}

/**
 * Where the doc comment of the item at `at` starts (the start of its first `///` line, blank lines
 * between included), or `at` when it has none: the text up to there belongs to the item before.
 */
function leadingDocs(text: string, at: Pos): Pos {
  let offset = at.offset - (at.column - 1); // the start of the item's line
  let line = at.line;
  if (text.slice(offset, at.offset).trim() !== '') return at;
  let first = { offset, line, column: 1 };
  while (offset > 0) {
    const from = lineStart(text, offset - 1);
    const content = text.slice(from, offset - 1).trim();
    if (content !== '' && !content.startsWith('///')) break;
    offset = from;
    line--;
    if (content !== '') first = { offset, line, column: 1 };
  }
  return first.offset === at.offset - (at.column - 1) && first.line === at.line ? at : first;
}

/** The region's comments: its plain ones and the doc comments that document nothing, in text order. */
export function ownComments(r: Region, docs: DocComments): IToken[] {
  return [...r.comments, ...docs.unused()].sort((a, b) => a.startOffset - b.startOffset);
}

/** The old file's comments before `start` and from `next` on (computed before anything moves). */
export function splitComments(old: CleanParse, start: number, next: number): [Comment[], Comment[]] {
  return [old.file.comments.filter((c) => c.span.start.offset < start), old.file.comments.filter((c) => c.span.start.offset >= next)];
}

export function comments(e: Edit, r: Region, tokens: IToken[]): Comment[] {
  return tokens.map((c) => commentNode(c, e.fileName, r.position));
}

function rebuilt(e: Edit, r: Region, items: SourceFile['items'], comments: Comment[]): SourceFile {
  return { ...e.old.file, items, comments, span: { file: e.fileName, start: e.old.file.span.start, end: r.position(e.text.length) } };
}

/**
 * The positions of each syntax tree moved so far, by the tree: an edit near the top of a large spec
 * moves every position after it, and finding them, a walk over every field of every node, cost more
 * than the rest of the edit's parse. A tree is never changed but for its positions, so its list
 * stays right; the language server's ParseCache keeps one of these across edits.
 */
export type PositionLists = WeakMap<object, Pos[]>;

/**
 * Move every position in these trees by `delta` characters and `lines` lines, in place, each
 * position once (spans may share them). Columns stay: the text after an edit moves by whole lines.
 */
function shiftInPlace(roots: unknown[], delta: number, lines: number, lists: PositionLists): void {
  if (delta === 0 && lines === 0) return;
  // A moved position is marked by a negative offset (~offset) until all have moved: cheaper than a set.
  const moved: Pos[] = [];
  const move = (p: Pos) => {
    if (p.offset < 0) return;
    p.offset = ~(p.offset + delta);
    p.line += lines;
    moved.push(p);
  };
  const shift = (tree: object) => {
    let list = lists.get(tree);
    if (!list) lists.set(tree, (list = positionsIn(tree, [])));
    for (const p of list) move(p);
  };
  for (const root of roots) {
    if (Array.isArray(root)) for (const tree of root) shift(tree as object);
    else move(root as Pos);
  }
  for (const p of moved) p.offset = ~p.offset;
}

/** Every position in a tree, in `out` (a shared one as often as it is reached). */
function positionsIn(v: unknown, out: Pos[]): Pos[] {
  if (typeof v !== 'object' || v === null) return out;
  if (Array.isArray(v)) {
    for (const x of v) positionsIn(x, out);
    return out;
  }
  const o = v as Record<string, unknown>;
  // a span: the only object with `file` and no `kind`
  if (o.kind === undefined && typeof o.file === 'string') out.push(o.start as Pos, o.end as Pos);
  else if (typeof o.offset === 'number') out.push(o as unknown as Pos);
  else for (const key in o) positionsIn(o[key], out);
  return out;
}

// Doc builders shared by the printers: doc comments, bodies with the user's blank lines kept,
// bracketed lists that break one item per line, and comments left dangling in empty brackets.
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type { Span } from '../diagnostics/span.js';
import type * as A from '../syntax/ast.js';

const { group, indent, join, line, softline, hardline, literalline, ifBreak } = doc.builders;

/** Every node the printer sees (comments are printed by Prettier's machinery, see comments.ts). */
export type Node =
  | A.SourceFile
  | A.TopItem
  | A.ModelItem
  | A.Stmt
  | A.Expr
  | A.Param
  | A.Field
  | A.Arg
  | A.FeatureDecl
  | A.TypeExpr
  | A.Ident;
export type Print = (path: AstPath<Node>) => Doc;
export type Options = ParserOptions<Node>;

/** A comment as Prettier decorates it while attaching (`marker` is set by addDanglingComment). */
export interface AttachedComment extends A.Comment {
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: string;
}

/** A comment while Prettier attaches it (what handleComments see). */
export interface Attaching extends A.Comment {
  enclosingNode?: Node;
  precedingNode?: Node;
  followingNode?: Node;
}

const spanned = (n: unknown) => n as { span: Span };
export const startOf = (n: unknown): number => spanned(n).span.start.offset;
export const endOf = (n: unknown): number => spanned(n).span.end.offset;

/** `/// text` lines from a `doc` field (an empty doc line stays a bare `///`). */
export function docLines(text: string | undefined): Doc[] {
  return text === undefined ? [] : text.split('\n').map((l) => [l === '' ? '///' : `/// ${l}`, hardline]);
}

/**
 * The comments Prettier left dangling on the current node under `marker` (inside an empty body
 * or empty brackets), printed and marked as printed. With `marker` undefined: those with no marker.
 */
export function dangling(path: AstPath<Node>, marker: string | undefined): A.Comment[] {
  const comments = ((path.node as { comments?: AttachedComment[] }).comments ?? []).filter(
    (c) => !c.leading && !c.trailing && !c.printed && c.marker === marker,
  );
  for (const c of comments) c.printed = true;
  return comments;
}

export const isLineComment = (c: A.Comment) => !c.text.startsWith('/*');

/**
 * A comment as written. One spanning lines keeps its inner lines verbatim (not re-indented) and
 * breaks the groups around it, as any line break does: printed as one string, it would not, and
 * the next run, reading it as a trailing comment, would break them.
 */
export const commentDoc = (text: string): Doc => join(literalline, text.split('\n'));

/** Comments one per line. */
export const commentLines = (cs: readonly A.Comment[]): Doc => join(hardline, cs.map((c) => commentDoc(c.text)));

/** A `{ … }` body of statements or declarations: the user's blank lines kept, at most one. */
export function body(path: AstPath<Node>, print: Print, key: string, options: Options, blankBetween?: (a: Node, b: Node) => boolean): Doc {
  const items = (path.node as unknown as Record<string, Node[]>)[key] ?? [];
  if (items.length === 0) {
    const cs = dangling(path, key);
    return cs.length ? ['{', indent([hardline, commentLines(cs)]), hardline, '}'] : '{}';
  }
  return ['{', indent([hardline, lines(path, print, key, options, blankBetween)]), hardline, '}'];
}

/**
 * The items under `key`, one per line, with a blank line where the user left one (several collapse
 * to one), and always one between two neighbours for which `blankBetween` holds.
 */
export function lines(path: AstPath<Node>, print: Print, key: string, options: Options, blankBetween?: (a: Node, b: Node) => boolean): Doc[] {
  const items = (path.node as unknown as Record<string, Node[]>)[key] ?? [];
  const out: Doc[] = [];
  path.each((p, i) => {
    out.push(print(p as AstPath<Node>));
    const next = items[i + 1];
    if (next === undefined) return;
    out.push(hardline);
    const forced = blankBetween !== undefined && blankBetween(items[i]!, next);
    if (forced || util.isNextLineEmpty(options.originalText, endOf(items[i]))) out.push(hardline);
  }, key as never);
  return out;
}

/**
 * `(a, b)`, `[a, b]`, `{ a: 1 }`: on one line when it fits, else one item per line with a trailing
 * comma. Empty brackets keep the comments written inside them.
 */
export function delimited(path: AstPath<Node>, open: string, close: string, parts: Doc[], marker: string, spaced = false): Doc {
  if (parts.length === 0) {
    const cs = dangling(path, marker);
    if (cs.length === 0) return `${open}${close}`;
    if (cs.some(isLineComment)) return [open, indent([hardline, commentLines(cs)]), hardline, close];
    return [open, join(' ', cs.map((c) => commentDoc(c.text))), close];
  }
  const pad = spaced ? line : softline;
  return group([open, indent([pad, join([',', line], parts)]), ifBreak(','), pad, close]);
}

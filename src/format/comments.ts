// Where comments go. Prettier attaches each comment to the nearest node before or after it within
// the smallest enclosing node; that is right almost everywhere, except inside brackets: a comment
// in an empty body (`block f() { // later }`) has no node to hang on, and one just inside `{` of a
// body would otherwise go to the node before the bracket (a parameter, the `if` condition). These
// handlers find the brackets in the original text and keep such comments inside them: dangling on
// the owner (printed by print-util.ts `body`/`delimited`), or on the first/last item inside. Other
// comments printed at the end of a line are placed by line-end-comments.ts.
import { util } from 'prettier';
import type * as A from '../syntax/ast.js';
import { attachLineEnd } from './line-end-comments.js';
import { endOf, startOf, type Attaching, type Node } from './print-util.js';
import { AFTER_INNER, BEFORE_INNER, regions, tokenAt } from './regions.js';

/** Keep a comment inside the brackets it was written in; false leaves it to Prettier. */
function keepInside(comment: Attaching, text: string, file: Node): boolean {
  // Prettier leaves `enclosingNode` unset for a comment directly in the file.
  const owner = comment.enclosingNode ?? file;
  if (!owner) return false;
  const start = startOf(comment);
  const end = endOf(comment);
  // After a meta block's `inner { … }` on its line, with no code between: printed after it
  // (print-items.ts), not before the body. (After a statement on that line, it is the statement's.)
  const inner = owner.kind === 'MetaBlock' ? regions(owner, text).find((r) => r.key === 'inner') : undefined;
  const next = inner ? tokenAt(text, inner.close + 1) : -1;
  if (inner && start > inner.close && !text.slice(inner.close + 1, start).includes('\n') && (next < 0 || next >= end)) return util.addDanglingComment(owner, comment, AFTER_INNER);
  // Before `inner`, in the body or in the block's head (`meta_block // c⏎mb by k {`, `inner // c⏎{`):
  // printed before it, in the order written (Prettier would put it in the record, before its first field).
  if (inner && end <= inner.open) return util.addDanglingComment(owner, comment, BEFORE_INNER);
  for (const r of regions(owner, text)) {
    if (!(r.open < start && end <= r.close)) continue;
    if (r.items.length === 0) return util.addDanglingComment(owner, comment, r.key);
    const before = r.items.filter((it) => endOf(it) <= start).at(-1);
    const after = r.items.find((it) => startOf(it) >= end);
    if (before === comment.precedingNode && after === comment.followingNode) return false;
    if (after && !before) return util.addLeadingComment(after, comment);
    if (before && !after) return util.addTrailingComment(before, comment);
    return false;
  }
  return false;
}

/** Every comment of the file: Prettier takes them off the tree while it attaches them, and keeps them here. */
function allComments(options: unknown): readonly A.Comment[] {
  const all = (options as Record<symbol, unknown>)[Symbol.for('comments')];
  return Array.isArray(all) ? (all as A.Comment[]) : [];
}

export const handleComments = {
  ownLine: (c: A.Comment, text: string, options: unknown, file: Node) => keepInside(c, text, file) || attachLineEnd(c, text, file, 'ownLine', allComments(options)),
  endOfLine: (c: A.Comment, text: string, options: unknown, file: Node) => keepInside(c, text, file) || attachLineEnd(c, text, file, 'endOfLine', allComments(options)),
  remaining: (c: A.Comment, text: string, options: unknown, file: Node) => keepInside(c, text, file) || attachLineEnd(c, text, file, 'remaining', allComments(options)),
};

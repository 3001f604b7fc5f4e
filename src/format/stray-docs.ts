// A `///` line that documents nothing (before a `return`, a field, an expression, after the last
// token) stays in the tree as a plain comment. Printed just before a declaration, it would become
// that declaration's doc (src/syntax/doc-comments.ts: a `///` documents the declaration whose first
// token follows it): the formatter would change the tree, and a second run would print it as a
// doc. So it keeps its `///` only where it cannot document anything, and is printed as a `//`
// comment with the same text everywhere else.
import { startOf, type AttachedComment, type Node } from './print-util.js';
import { keyOf, LISTS } from './visitor-keys.js';

/**
 * What a comment printed before a node of these kinds is followed by: a token no declaration
 * begins with (no doc attaches to them). Listed rather than their complement, so that a kind that
 * takes docs in future is printed safely (as `//`) until it is added here.
 */
const UNDOCUMENTED = new Set([
  'Use', 'Assign', 'Return', 'For', 'If', 'Features', 'Train', 'Stage', 'Field', 'Arg',
  'Number', 'String', 'Bool', 'Name', 'Paren', 'List', 'Record', 'Member', 'Index', 'Call', 'Unary', 'Binary',
]);

/** A plain comment written with `///` (a doc that documents nothing); `////…` is a plain comment anyway. */
export const isStrayDoc = (text: string): boolean => /^\/\/\/(?!\/)/.test(text);

/** The comment's text where a `///` could document what follows: a stray doc as `//`, the rest as written. */
export const asPlainComment = (text: string): string => (isStrayDoc(text) ? `//${text.slice(3)}` : text);

/**
 * Whether a comment printed after `node`, an item of a list of `parent`, is followed by a token no
 * doc attaches to: the next item's (printed on the next line) or the list's closing bracket (the
 * end of the file). Not after an item of no list, nor after an `else if` (printed without braces,
 * the outer `if` ends there).
 */
export function undocumentedAfter(node: Node, parent: Node | null): boolean {
  const key = parent ? keyOf(parent, node) : undefined;
  if (!parent || key === undefined || !LISTS[parent.kind]?.includes(key)) return false;
  if (parent.kind === 'If' && key === 'else' && node.kind === 'If') return false;
  const fields = parent as unknown as Record<string, Node[]>;
  const items = (parent.kind === 'Stage' ? [...fields.fields!, ...fields.tasks!] : [...fields[key]!]).sort((a, b) => startOf(a) - startOf(b));
  const next = items[items.indexOf(node) + 1];
  return next === undefined || UNDOCUMENTED.has(next.kind);
}

/**
 * The text of a comment Prettier prints on `owner` (its leading or trailing comment): a stray doc
 * keeps `///` when what follows it is no declaration (undocumentedAfter).
 */
export function attachedCommentText(comment: AttachedComment, owner: Node | null, ownerParent: Node | null): string {
  if (!isStrayDoc(comment.text) || owner === null) return comment.text;
  const safe = comment.leading ? UNDOCUMENTED.has(owner.kind) : comment.trailing === true && undocumentedAfter(owner, ownerParent);
  return safe ? comment.text : asPlainComment(comment.text);
}

// Comments printed at the end of a line. Prettier prints a trailing `//` comment (or a trailing
// comment on its own line) as a line suffix: it goes out at the next line break after the node it
// is attached to, wherever that is. When more code follows the node on its printed line (the `{`
// of a body, the `.mlp(…)` after `layers`, the `)` of a parenthesis), the comment lands after that
// code, and the next run reads it there and attaches it elsewhere: two runs to settle. So such a
// comment is attached where a line break does follow in print:
//   - just before the `{` of a body, or after the head of a `for` or `if` whose body follows:
//     inside that body, on the first line (a comment after an opening bracket goes there too,
//     comments.ts);
//   - else to the nearest node, from the one before the comment outwards, printed as an item of a
//     list (a statement, a field, an argument: a line break or `,` and a line break follow it) or
//     as the left operand of an operator (the line breaks after the operator).
// A comment on its own line goes before the node after it (Prettier's choice), unless that node is
// printed after other code on its line (`towers⏎// c⏎[0]`): then it is placed as above, and goes
// before the next item (it would be printed on a line of its own after the item it follows).
// Where Prettier's choice would print a comment after comments written after it (one in a head
// before comments in an empty list, one before an inline comment), it is placed so that it comes
// first. One case is left: a comment on its own line before a list's `,` and one after the `,`
// (`x⏎// a⏎, // b⏎y`) print as `x, // b⏎// a⏎y`.
import { util } from 'prettier';
import type * as A from '../syntax/ast.js';
import { endOf, startOf, type AttachedComment, type Attaching, type Node } from './print-util.js';
import { regions, tokenAt, type Region } from './regions.js';
import { ancestors, keyOf, LISTS } from './visitor-keys.js';

/** A head printed just before a body: `for u in HEAD {`, `if HEAD {`. */
const BODY_AFTER: Record<string, Record<string, string>> = {
  For: { iterable: 'body' },
  If: { cond: 'then' },
};

/** Whether `node` is printed at the start of a line when a line comment is printed before it. */
function beginsLine(file: Node, node: Node): boolean {
  const parent = ancestors(file, node).at(-1);
  const key = parent && keyOf(parent, node);
  if (!parent || key === undefined) return false;
  // the comment's line break breaks the group: `a +⏎b` and one item per line
  return LISTS[parent.kind]?.includes(key) === true || (parent.kind === 'Binary' && key === 'right');
}

/** Put the comment on the first line inside region `r` of `owner`. */
function inside(owner: Node, r: Region, comment: Attaching): true {
  return r.items.length > 0 ? util.addLeadingComment(r.items[0]!, comment) : util.addDanglingComment(owner, comment, r.key);
}

/**
 * Attach a comment that would be printed as a line suffix where it prints the same way again (and
 * one Prettier would print after comments written after it); false when Prettier's own choice
 * already does (or the comment is printed inline).
 * `placement`: Prettier's (`ownLine`: alone on its line; `endOfLine`: code before it only;
 * `remaining`: code on both sides). `all`: every comment of the file.
 */
export function attachLineEnd(comment: Attaching, text: string, file: Node, placement: 'ownLine' | 'endOfLine' | 'remaining', all: readonly A.Comment[]): boolean {
  const ownLine = placement === 'ownLine';
  const atLineEnd = placement === 'endOfLine';
  const owner = comment.enclosingNode ?? file;
  // First in a declaration's head (`block // c⏎f(/* none */) {`), Prettier puts it before the node
  // after it, the body's first statement, past the comments of an empty list in between (printed
  // where they were), inline `/* */` too: before the declaration instead.
  const after = comment.followingNode;
  if (!comment.precedingNode && after && owner !== file && regions(owner, text).some((r) => r.open > endOf(comment) && r.close < startOf(after) && all.some((c) => startOf(c) >= r.open && endOf(c) <= r.close))) {
    return util.addLeadingComment(owner, comment);
  }
  // In a node with no child around it (`use // c⏎std.poso`), Prettier leaves it dangling there,
  // printed at the end of the node's line (print.ts withStrayComments). When comments come after it
  // in the node, it would be printed after them: placed before the node instead (an inline `/* */`
  // too). When one comes after the node on its line, the two would print as one `// a // b`: placed
  // from the node as below (on its own line, before the node).
  const alone = !comment.precedingNode && !comment.followingNode && owner !== file;
  const laterIn = (from: number, to: number) => all.some((c) => startOf(c) >= from && endOf(c) <= to);
  if (alone && laterIn(endOf(comment), endOf(owner))) return util.addLeadingComment(owner, comment);
  if (alone && ownLine) {
    const eol = text.indexOf('\n', endOf(owner));
    return laterIn(endOf(owner), eol < 0 ? text.length : eol) && util.addLeadingComment(owner, comment);
  }
  const isLine = !comment.text.startsWith('/*');
  // An inline `/* */` Prettier puts after the node before it (at the end of a line, or with no node
  // after it) is printed right after that node, never moved; unless a line comment already ends
  // the node (then it is printed on the next line), or comments come between the node and it
  // (`if c { // a⏎} else /* b */ {`: it would be printed before them): then it is placed as if
  // written at the end of its line.
  const trailing = comment.precedingNode !== undefined && (atLineEnd || !comment.followingNode);
  const afterLineComment = trailing && endsWithLineComment(comment.precedingNode!);
  const afterComments = trailing && laterIn(endOf(comment.precedingNode!), startOf(comment));
  if (!isLine && !ownLine && !afterLineComment && !afterComments) return false;
  // (a `(` is left to the rules below: `dense // c⏎(4)` reads better as `dense(4) // c`; so is a
  // task's `{`: its fields are printed on one line when they fit, `task t : … { tower: [64] } // c`,
  // unless comments in the task come after this one)
  const next = tokenAt(text, endOf(comment));
  const brace = next >= 0 && text[next] === '{' && (owner.kind !== 'Task' || laterIn(endOf(comment), endOf(owner)));
  const opened = brace ? regions(owner, text).find((r) => r.open === next) : undefined;
  // (a meta block's head with an `inner { … }` never gets here: comments.ts puts its comments before `inner`)
  if (opened) return inside(owner, opened, comment);
  const before = comment.precedingNode ?? (alone ? owner : undefined);
  if (!before) return false; // Prettier puts it before the node after it, on a line of its own
  // On its own line, Prettier puts it before the node after it: stable when that node begins a
  // line in print. Before one printed after other code (`towers⏎// c⏎[0]`), it would be printed
  // after that code on the same line, and read as a comment at the end of that line next time.
  if (ownLine && comment.followingNode && beginsLine(file, comment.followingNode)) return false;
  const chain = ancestors(file, before);
  let node = before;
  for (let i = chain.length - 1; i >= 0; i--) {
    const parent = chain[i]!;
    const key = keyOf(parent, node);
    if (key === undefined) return false;
    if (LISTS[parent.kind]?.includes(key) || (parent.kind === 'Binary' && key === 'left')) {
      // On its own line (or after another line comment at the node's end), it is printed on the
      // line after the node, before the next item (or right operand), and read there next time:
      // put it there now (blank lines around it then follow the rules for that node).
      const below = ownLine || afterLineComment || endsWithLineComment(node);
      const next = below ? (parent.kind === 'Binary' ? (parent as { right: Node }).right : nextItem(parent, key, node)) : undefined;
      return next ? util.addLeadingComment(next, comment) : util.addTrailingComment(node, comment);
    }
    // After a call's callee (a task's head) the comment would go after the call (the task), past
    // any comment written in its arguments (fields): then into them instead, first, so that the
    // comments keep their order.
    const later = laterIn(endOf(comment), endOf(parent));
    const body = (parent.kind === 'Call' && key === 'callee' && later ? 'args' : undefined) ?? (parent.kind === 'Task' && key === 'head' && later ? 'fields' : undefined) ?? BODY_AFTER[parent.kind]?.[key];
    const r = body ? regions(parent, text).find((x) => x.key === body) : undefined;
    if (r) return inside(parent, r, comment);
    node = parent;
  }
  return false;
}

/** Whether a line comment is already attached at the end of `node`. */
function endsWithLineComment(node: Node): boolean {
  return ((node as { comments?: AttachedComment[] }).comments ?? []).some((c) => c.trailing && !c.text.startsWith('/*'));
}

/** The item printed after `node` in the list `key` of `parent` (a stage prints its two lists as one, in text order). */
function nextItem(parent: Node, key: string, node: Node): Node | undefined {
  const fields = parent as unknown as Record<string, Node[]>;
  const items = (parent.kind === 'Stage' ? [...fields.fields!, ...fields.tasks!] : [...fields[key]!]).sort((a, b) => startOf(a) - startOf(b));
  return items[items.indexOf(node) + 1];
}

// Where comments go. Prettier attaches each comment to the nearest node before or after it within
// the smallest enclosing node; that is right almost everywhere, except inside brackets: a comment
// in an empty body (`block f() { // later }`) has no node to hang on, and one just inside `{` of a
// body would otherwise go to the node before the bracket (a parameter, the `if` condition). These
// handlers find the brackets in the original text and keep such comments inside them: dangling on
// the owner (printed by print-util.ts `body`/`delimited`), or on the first/last item inside.
import { util } from 'prettier';
import type * as A from '../syntax/ast.js';
import { endOf, startOf, type Node } from './print-util.js';

/** A bracketed list of the node's children: `key` names the list (the dangling marker). */
interface Region {
  key: string;
  open: number; // offset of the opening bracket
  close: number; // offset of the closing bracket
  items: Node[];
}

/** A comment while Prettier attaches it. */
interface Attaching extends A.Comment {
  enclosingNode?: Node;
  precedingNode?: Node;
  followingNode?: Node;
}

/** Offset of the next character that is neither space nor inside a comment, or -1. */
function tokenAt(text: string, from: number): number {
  const i = util.getNextNonSpaceNonCommentCharacterIndex(text, from);
  return i === false ? -1 : i;
}

/** The closing bracket after `items` (or right after `open` when empty), a trailing comma allowed. */
function closeAfter(text: string, open: number, items: Node[], bracket: string): number {
  let i = items.length ? tokenAt(text, endOf(items[items.length - 1])) : tokenAt(text, open + 1);
  if (i >= 0 && text[i] === ',') i = tokenAt(text, i + 1);
  return i >= 0 && text[i] === bracket ? i : -1;
}

/** `{` found at `open` and the node's last character `}`: the usual body that ends its node. */
function tailBody(text: string, n: Node, key: string, open: number, items: Node[]): Region[] {
  const close = endOf(n) - 1;
  return open >= 0 && text[open] === '{' && text[close] === '}' && open < close ? [{ key, open, close, items }] : [];
}

/** The bracketed lists of a node, innermost first. */
function regions(n: Node, text: string): Region[] {
  switch (n.kind) {
    case 'File':
      return [{ key: 'items', open: -1, close: text.length, items: n.items }];
    case 'Block': {
      const open = tokenAt(text, endOf(n.name));
      if (open < 0 || text[open] !== '(') return [];
      const close = closeAfter(text, open, n.params, ')');
      if (close < 0) return [];
      return [{ key: 'params', open, close, items: n.params }, ...tailBody(text, n, 'body', tokenAt(text, close + 1), n.body)];
    }
    case 'For':
      return tailBody(text, n, 'body', tokenAt(text, endOf(n.iterable)), n.body);
    case 'If': {
      const open = tokenAt(text, endOf(n.cond));
      if (open < 0 || text[open] !== '{') return [];
      const close = closeAfter(text, open, n.then, '}');
      if (close < 0) return [];
      const out: Region[] = [{ key: 'then', open, close, items: n.then }];
      const e = tokenAt(text, close + 1);
      if (n.else && e >= 0 && text.startsWith('else', e)) out.push(...tailBody(text, n, 'else', tokenAt(text, e + 4), n.else));
      return out;
    }
    case 'Model':
      return tailBody(text, n, 'items', tokenAt(text, endOf(n.name)), n.items);
    case 'Features':
      return tailBody(text, n, 'features', tokenAt(text, startOf(n) + 'features'.length), n.features);
    case 'Train':
      return tailBody(text, n, 'fields', tokenAt(text, startOf(n) + 'train'.length), n.fields);
    case 'Task':
      return tailBody(text, n, 'fields', tokenAt(text, endOf(n.head)), n.fields);
    case 'Stage':
      return tailBody(text, n, 'items', tokenAt(text, endOf(n.name)), [...n.fields, ...n.tasks].sort((a, b) => startOf(a) - startOf(b)));
    case 'MetaBlock': {
      const outer = tailBody(text, n, 'body', tokenAt(text, endOf(n.key)), n.body);
      if (outer.length === 0) return [];
      const kw = tokenAt(text, outer[0]!.open + 1);
      if (kw < 0 || !/^inner\b/.test(text.slice(kw, kw + 6))) return outer;
      const open = tokenAt(text, kw + 'inner'.length);
      const close = open >= 0 && text[open] === '{' ? closeAfter(text, open, n.inner, '}') : -1;
      return close < 0 ? outer : [{ key: 'inner', open, close, items: n.inner }, ...outer];
    }
    case 'Record':
      return [{ key: 'fields', open: startOf(n), close: endOf(n) - 1, items: n.fields }];
    case 'List':
      return [{ key: 'items', open: startOf(n), close: endOf(n) - 1, items: n.items }];
    case 'Call': {
      const open = tokenAt(text, endOf(n.callee));
      return open >= 0 && text[open] === '(' ? [{ key: 'args', open, close: endOf(n) - 1, items: n.args }] : [];
    }
    default:
      return [];
  }
}

/** The dangling marker of comments on the line of a meta block's `inner { … }`, after it. */
export const AFTER_INNER = 'after-inner';
/** …and of comments between the meta block's `{` and its `inner`. */
export const BEFORE_INNER = 'before-inner';

/** Keep a comment inside the brackets it was written in; false leaves it to Prettier. */
function keepInside(comment: Attaching, text: string, file: Node): boolean {
  // Prettier leaves `enclosingNode` unset for a comment directly in the file.
  const owner = comment.enclosingNode ?? file;
  if (!owner) return false;
  const start = startOf(comment);
  const end = endOf(comment);
  // After a meta block's `inner { … }` on its line: printed after it (print-items.ts), not before the body.
  const inner = owner.kind === 'MetaBlock' ? regions(owner, text).find((r) => r.key === 'inner') : undefined;
  if (inner && start > inner.close && !text.slice(inner.close + 1, start).includes('\n')) return util.addDanglingComment(owner, comment, AFTER_INNER);
  // Before `inner`: printed before it, in the order written.
  const outer = inner && regions(owner, text).find((r) => r.key === 'body');
  if (inner && outer && outer.open < start && end <= inner.open) return util.addDanglingComment(owner, comment, BEFORE_INNER);
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

export const handleComments = {
  ownLine: (c: A.Comment, text: string, _options: unknown, file: Node) => keepInside(c, text, file),
  endOfLine: (c: A.Comment, text: string, _options: unknown, file: Node) => keepInside(c, text, file),
  remaining: (c: A.Comment, text: string, _options: unknown, file: Node) => keepInside(c, text, file),
};

/** The children Prettier looks through when attaching comments (names and types are not). */
export function visitorKeys(n: Node): string[] {
  switch (n.kind) {
    case 'File': return ['items'];
    case 'Block': return ['params', 'body'];
    case 'Param': return ['default'];
    case 'Let': case 'Assign': case 'Return': case 'Feature': case 'Pc': case 'Support': case 'Field': case 'Arg':
      return ['value'];
    case 'For': return ['iterable', 'body'];
    case 'If': return ['cond', 'then', 'else'];
    case 'Model': return ['items'];
    case 'Features': return ['features'];
    case 'Task': return ['head', 'fields'];
    case 'Train': return ['fields'];
    case 'MetaBlock': return ['inner', 'body'];
    case 'Stage': return ['fields', 'tasks'];
    case 'Paren': return ['expr'];
    case 'List': return ['items'];
    case 'Record': return ['fields'];
    case 'Member': return ['object'];
    case 'Index': return ['object', 'index'];
    case 'Call': return ['callee', 'args'];
    case 'Unary': return ['operand'];
    case 'Binary': return ['left', 'right'];
    default: return [];
  }
}

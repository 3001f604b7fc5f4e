// The bracketed lists of a node, found in the original text: where its `{`, `(` or `[` and the
// matching closing bracket are, and the markers of comments left dangling in them. Comments are
// attached by these (comments.ts, line-end-comments.ts): the tree holds no positions for brackets.
import { util } from 'prettier';
import { endOf, startOf, type Node } from './print-util.js';

/** The dangling marker of comments on the line of a meta block's `inner { … }`, after it. */
export const AFTER_INNER = 'after-inner';
/** …and of comments between the meta block's `{` and its `inner`. */
export const BEFORE_INNER = 'before-inner';

/** A bracketed list of the node's children: `key` names the list (the dangling marker). */
export interface Region {
  key: string;
  open: number; // offset of the opening bracket
  close: number; // offset of the closing bracket
  items: Node[];
}

/** Offset of the next character that is neither space nor inside a comment, or -1. */
export function tokenAt(text: string, from: number): number {
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
export function regions(n: Node, text: string): Region[] {
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


// The printer's entry: expressions go to print-expr.ts, declarations and statements to
// print-items.ts; comments left on a node outside any bracket are appended so none is lost.
import { doc, type AstPath, type Doc } from 'prettier';
import { printExpr } from './print-expr.js';
import { printItem } from './print-items.js';
import { commentDoc, dangling, isLineComment, type Node, type Options, type Print } from './print-util.js';
import { asPlainComment, undocumentedAfter } from './stray-docs.js';

const { breakParent, lineSuffix } = doc.builders;

const EXPR_KINDS = new Set(['Number', 'String', 'Bool', 'Name', 'Paren', 'List', 'Record', 'Field', 'Arg', 'Member', 'Index', 'Call', 'Unary', 'Binary']);

export function printRec(path: AstPath<Node>, options: Options, print: Print): Doc {
  const n = path.node;
  const printed = EXPR_KINDS.has(n.kind) ? printExpr(path, print, n as Parameters<typeof printExpr>[2]) : printItem(path, options, print, n as Parameters<typeof printItem>[3]);
  return withStrayComments(path, printed);
}

/**
 * Comments dangling on a node in no bracket we print (e.g. `use std /* c *\/ .poso`): put after
 * the node so that no comment is ever lost; a `//` comment ends its line, before whatever the next
 * line holds (a stray `///` is printed as `//` unless that is no declaration, stray-docs.ts).
 */
function withStrayComments(path: AstPath<Node>, printed: Doc): Doc {
  const cs = dangling(path, undefined);
  if (cs.length === 0) return printed;
  const asWritten = undocumentedAfter(path.node, path.parent);
  return [printed, ...cs.map((c) => (isLineComment(c) ? [lineSuffix(` ${asWritten ? c.text : asPlainComment(c.text)}`), breakParent] : [' ', commentDoc(c.text)]))];
}

// The printer's entry: expressions go to print-expr.ts, declarations and statements to
// print-items.ts; comments left on a node outside any bracket are appended so none is lost.
import type { AstPath, Doc } from 'prettier';
import { printExpr } from './print-expr.js';
import { printItem } from './print-items.js';
import { withStrayComments, type Node, type Options, type Print } from './print-util.js';

const EXPR_KINDS = new Set(['Number', 'String', 'Bool', 'Name', 'Paren', 'List', 'Record', 'Field', 'Arg', 'Member', 'Index', 'Call', 'Unary', 'Binary']);

export function printRec(path: AstPath<Node>, options: Options, print: Print): Doc {
  const n = path.node;
  const printed = EXPR_KINDS.has(n.kind) ? printExpr(path, print, n as Parameters<typeof printExpr>[2]) : printItem(path, options, print, n as Parameters<typeof printItem>[3]);
  return withStrayComments(path, printed);
}

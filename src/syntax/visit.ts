// The one place that knows which fields of each kind of expression hold expressions. The
// resolver, the names a `let` reads (let-records.ts) and the editor's walks (server/ast-walk.ts)
// go through it, so a new kind of expression is added here once.
import type { Expr } from './ast.js';

/** Call `f` on each direct subexpression of `e`, in text order. */
export function forEachChild(e: Expr, f: (child: Expr) => void): void {
  switch (e.kind) {
    case 'Paren':
      f(e.expr);
      break;
    case 'List':
      for (const i of e.items) f(i);
      break;
    case 'Record':
      for (const x of e.fields) f(x.value);
      break;
    case 'Member':
      f(e.object);
      break;
    case 'Index':
      f(e.object);
      f(e.index);
      break;
    case 'Call':
      f(e.callee);
      for (const a of e.args) f(a.value);
      break;
    case 'Unary':
      f(e.operand);
      break;
    case 'Binary':
      f(e.left);
      f(e.right);
      break;
    case 'Name':
    case 'Number':
    case 'String':
    case 'Bool':
      break;
    default:
      e satisfies never;
  }
}

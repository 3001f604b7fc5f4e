// Label expressions (`rating >= 4`, `clicked and not hate`) evaluated on a data row. A small
// interpreter over the AST: never eval or Function. Booleans are 1 and 0.
import type { Expr } from '../syntax/ast.js';

export type Cell = string | number | boolean | null | undefined;

/** The value of a label expression, or an error naming the problem. */
export function evalLabel(e: Expr, column: (name: string) => Cell): number | { error: string } {
  const num = (c: Cell, name: string): number | { error: string } => {
    if (c === null || c === undefined || c === '') return { error: `label column \`${name}\` is empty` };
    if (typeof c === 'boolean') return c ? 1 : 0;
    if (typeof c === 'number') return c;
    const t = c.trim().toLowerCase();
    if (t === 'true') return 1;
    if (t === 'false') return 0;
    const x = Number(t);
    return Number.isFinite(x) ? x : { error: `label column \`${name}\` holds \`${c}\`, not a number` };
  };
  const go = (x: Expr): number | { error: string } => {
    switch (x.kind) {
      case 'Number':
        return x.value;
      case 'Bool':
        return x.value ? 1 : 0;
      case 'Name':
        return num(column(x.name), x.name);
      case 'Paren':
        return go(x.expr);
      case 'Unary': {
        const v = go(x.operand);
        if (typeof v !== 'number') return v;
        return x.op === 'not' ? (v === 0 ? 1 : 0) : -v;
      }
      case 'Binary': {
        const l = go(x.left);
        if (typeof l !== 'number') return l;
        const r = go(x.right);
        if (typeof r !== 'number') return r;
        switch (x.op) {
          case '+': return l + r;
          case '-': return l - r;
          case '*': return l * r;
          case '/': return r === 0 ? { error: 'division by zero in a label expression' } : l / r;
          case '==': return l === r ? 1 : 0;
          case '!=': return l !== r ? 1 : 0;
          case '<': return l < r ? 1 : 0;
          case '<=': return l <= r ? 1 : 0;
          case '>': return l > r ? 1 : 0;
          case '>=': return l >= r ? 1 : 0;
          case 'and': return l !== 0 && r !== 0 ? 1 : 0;
          case 'or': return l !== 0 || r !== 0 ? 1 : 0;
          default: return { error: `\`${x.op}\` is not allowed in a label expression` };
        }
      }
      default:
        return { error: 'only columns, numbers and operators are allowed in a label expression' };
    }
  };
  const v = go(e);
  if (typeof v === 'number' && !Number.isFinite(v)) return { error: 'the label expression gives a non-finite value' };
  return v;
}

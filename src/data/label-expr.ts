// Label expressions (`rating >= 4`, `clicked and not hate`, `genre == "drama"`) evaluated on one
// data row: a small interpreter over the AST, never eval or Function.
//
// Values: a column gives its cell; a cell that reads as a number (numbers, decimal text,
// true/false, "true"/"false") is that number, anything else is text (`0x1E` and `Infinity` are
// text). `==` and `!=` compare text when either side is a string literal or both are text, numbers
// when both are numbers; a text cell compared with a number (`click == 1` over `yes`) is REC6002,
// since it would silently be unequal on every row. Arithmetic, ordering, `and`, `or` and `not`
// need numbers; comparisons and logic give 1 or 0. A number cell must be finite as a float32 (NaN,
// ±∞ and `1e39` are REC6002, in every format), and so must the result (e.g. a division by zero).
import type { Expr } from '../syntax/ast.js';
import { cellNumber, decimal, float32Finite, shownCell, shownText, type RawCell } from './row.js';

export type { Cell } from './row.js';

export interface LabelError {
  error: string;
  /** REC6001: the column is missing or the cell is empty; REC6002: a value that is not usable. */
  code: 'REC6001' | 'REC6002';
  column?: string;
}

/** A value during evaluation: a number (num finite) or text (num NaN). */
interface Val {
  num: number;
  str: string;
  text: boolean;
  column?: string;
}

function cellVal(c: RawCell, name: string): Val | LabelError {
  if (c === undefined) return { error: `missing column \`${name}\``, code: 'REC6001', column: name };
  if (c === null || c === '') return { error: `label column \`${name}\` is empty`, code: 'REC6001', column: name };
  if (typeof c === 'boolean') return { num: c ? 1 : 0, str: String(c), text: false, column: name };
  if (typeof c === 'number') return float32Finite(c) ? { num: c, str: String(c), text: false, column: name } : outOfRange(c, name);
  if (Array.isArray(c)) return { num: NaN, str: c.join('|'), text: true, column: name };
  const t = c.trim();
  const low = t.toLowerCase();
  const num = low === 'true' ? 1 : low === 'false' ? 0 : decimal(t);
  // a decimal past float32's range (`1e39`, `1e400`) is a number the labels' float32 tensor cannot hold, not text
  if (!Number.isNaN(num) && !float32Finite(num)) return outOfRange(c, name);
  return { num, str: t, text: Number.isNaN(num), column: name };
}

/**
 * A label cell holding a number a float32 cannot (`1e39`, a JSON `1e400`, a Parquet NaN or
 * Infinity): REC6002 at the cell, whatever the expression does with it (`rating >= 4` would make
 * Infinity a positive and NaN a negative, and a regression would train on them).
 */
function outOfRange(c: string | number, name: string): LabelError {
  const why = Number.isNaN(cellNumber(c)) ? 'not a number' : "beyond float32's range (±3.4e38)";
  return { error: `label column \`${name}\` holds ${shownCell(c)}, ${why}`, code: 'REC6002', column: name };
}

const isErr = (v: Val | LabelError): v is LabelError => 'error' in v;
const num = (n: number): Val => ({ num: n, str: String(n), text: false });

function needNumber(v: Val, op: string): LabelError | undefined {
  if (!v.text) return undefined;
  const what = v.column ? `label column \`${v.column}\` holds ${shownText(v.str)}` : `the text "${v.str}"`;
  return { error: `${what}, not a number (\`${op}\` needs numbers)`, code: 'REC6002', ...(v.column ? { column: v.column } : {}) };
}

/** The value of a label expression on a row, or an error naming the column at fault. */
export function evalLabel(e: Expr, column: (name: string) => RawCell): number | LabelError {
  const go = (x: Expr): Val | LabelError => {
    switch (x.kind) {
      case 'Number':
        return num(x.value);
      case 'Bool':
        return num(x.value ? 1 : 0);
      case 'String':
        return { num: NaN, str: x.value, text: true };
      case 'Name':
        return cellVal(column(x.name), x.name);
      case 'Paren':
        return go(x.expr);
      case 'Unary': {
        const v = go(x.operand);
        if (isErr(v)) return v;
        const bad = needNumber(v, x.op);
        if (bad) return bad;
        return num(x.op === 'not' ? (v.num === 0 ? 1 : 0) : -v.num);
      }
      case 'Binary': {
        const l = go(x.left);
        if (isErr(l)) return l;
        const r = go(x.right);
        if (isErr(r)) return r;
        if (x.op === '==' || x.op === '!=') {
          const mixed = l.text && l.column && !r.text ? [l, r] : r.text && r.column && !l.text ? [r, l] : undefined;
          if (mixed) {
            const [cell, other] = mixed as [Val, Val];
            return { error: `label column \`${cell.column}\` holds ${shownText(cell.str)}, compared with the number ${other.str} (\`${x.op}\` would never match it)`, code: 'REC6002', column: cell.column! };
          }
          const same = l.text || r.text ? l.str === r.str : l.num === r.num;
          return num(same === (x.op === '==') ? 1 : 0);
        }
        const bad = needNumber(l, x.op) ?? needNumber(r, x.op);
        if (bad) return bad;
        const a = l.num;
        const b = r.num;
        switch (x.op) {
          case '+': return num(a + b);
          case '-': return num(a - b);
          case '*': return num(a * b);
          case '/': return num(a / b);
          case '<': return num(a < b ? 1 : 0);
          case '<=': return num(a <= b ? 1 : 0);
          case '>': return num(a > b ? 1 : 0);
          case '>=': return num(a >= b ? 1 : 0);
          case 'and': return num(a !== 0 && b !== 0 ? 1 : 0);
          case 'or': return num(a !== 0 || b !== 0 ? 1 : 0);
          default: return { error: `\`${x.op}\` is not allowed in a label expression`, code: 'REC6002' };
        }
      }
      default:
        return { error: 'only columns, numbers, strings and operators are allowed in a label expression', code: 'REC6002' };
    }
  };
  const v = go(e);
  if (isErr(v)) return v;
  if (v.text) {
    const error = v.column
      ? `label column \`${v.column}\` holds ${shownText(v.str)}, not a number (write a number, or true/false)`
      : `the label expression gives the text "${v.str}", not a number`;
    return { error, code: 'REC6002', ...(v.column ? { column: v.column } : {}) };
  }
  if (!Number.isFinite(v.num)) return { error: `the label expression gives ${v.num} on this row (a division by zero?)`, code: 'REC6002' };
  if (!float32Finite(v.num)) return { error: `the label expression gives ${v.num} on this row, beyond float32's range (±3.4e38)`, code: 'REC6002' };
  return v.num;
}

/** The columns a label expression reads, in order of first use. */
export function labelColumns(e: Expr): string[] {
  const out = new Set<string>();
  const go = (x: Expr): void => {
    if (x.kind === 'Name') out.add(x.name);
    else if (x.kind === 'Paren') go(x.expr);
    else if (x.kind === 'Unary') go(x.operand);
    else if (x.kind === 'Binary') {
      go(x.left);
      go(x.right);
    }
  };
  go(e);
  return [...out];
}

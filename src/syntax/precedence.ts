// Operator precedence. The parser reads an expression as a flat sequence of operands (each with
// its prefix operators) and binary operators; this file rebuilds the tree that grammar/rec.ebnf
// describes, loosest first:
//   or  <  and  <  not (prefix)  <  == != < <= > >= (one, no chaining)  <  + -  <  * / @  <  - (prefix)
// and reports the sequences that grammar rejects. Binary operators associate to the left.
import type { IToken } from 'chevrotain';
import type { Span } from '../diagnostics/span.js';
import type * as A from './ast.js';

/** One operand as the parser read it: `not`/`-` prefixes, then a primary with its suffixes. */
export interface FlatOperand {
  prefixes: IToken[];
  base: A.Expr;
}

export interface PrecedenceHost {
  file: string;
  tokenSpan(t: IToken): Span;
  /** A syntax error inside the sequence (REC1002 at `at`). */
  error(at: IToken, message: string, hint: string): void;
}

const CMP = new Set(['==', '!=', '<', '<=', '>', '>=']);
const ADD = new Set(['+', '-']);
const MUL = new Set(['*', '/', '@']);

/**
 * The tree of `operands[0] ops[0] operands[1] …`. An operand missing after recovery ends the
 * sequence there (what came before is kept); an empty sequence gives undefined.
 */
export function buildExpression(operands: (FlatOperand | undefined)[], ops: IToken[], host: PrecedenceHost): A.Expr | undefined {
  // usable length: up to the first missing operand or operator
  let count = 0;
  while (count < operands.length && operands[count] && (count === 0 || Number.isFinite(ops[count - 1]?.startOffset))) count++;
  if (count === 0) return undefined;

  let k = 0; // next operand
  let p = 0; // next prefix of operand k
  let atOp = false; // an operand was just read: the next thing is ops[k - 1]

  const peekOp = (set: Set<string>): boolean => atOp && k < count && set.has(ops[k - 1]!.image);
  const takeOp = (): IToken => {
    atOp = false;
    return ops[k - 1]!;
  };
  const peekPrefix = (): IToken | undefined => (atOp ? undefined : operands[k]!.prefixes[p]);
  const takeBase = (): A.Expr => {
    const base = operands[k]!.base;
    k++;
    p = 0;
    atOp = true;
    return base;
  };
  const span = (start: Span, end: Span): Span => ({ file: host.file, start: start.start, end: end.end });
  const binary = (op: IToken, left: A.Expr, right: A.Expr): A.Expr => ({ kind: 'Binary', op: op.image as A.BinaryOp, left, right, span: span(left.span, right.span) });
  const unary = (op: IToken, operand: A.Expr): A.Expr => ({ kind: 'Unary', op: op.image === 'not' ? 'not' : '-', operand, span: span(host.tokenSpan(op), operand.span) });

  const leftAssoc = (set: Set<string>, next: () => A.Expr) => (): A.Expr => {
    let left = next();
    while (peekOp(set)) {
      const op = takeOp();
      left = binary(op, left, next());
    }
    return left;
  };

  const prefixed = (): A.Expr => {
    const pre = peekPrefix();
    if (!pre) return takeBase();
    p++;
    if (pre.image === 'not') {
      host.error(pre, 'expected an expression but found `not`', '`not` binds more loosely than this operator: write `(not …)`');
    }
    return unary(pre, prefixed());
  };
  const mul = leftAssoc(MUL, prefixed);
  const add = leftAssoc(ADD, mul);
  const cmp = (): A.Expr => {
    let left = add();
    let chained = false;
    while (peekOp(CMP)) {
      const op = takeOp();
      if (chained) host.error(op, `expected \`and\` or \`or\` between comparisons but found \`${op.image}\``, 'comparisons do not chain: write `a < b and b < c`');
      chained = true;
      left = binary(op, left, add());
    }
    return left;
  };
  const not = (): A.Expr => {
    const pre = peekPrefix();
    if (pre?.image !== 'not') return cmp();
    p++;
    return unary(pre, not());
  };
  const and = leftAssoc(new Set(['and']), not);
  const or = leftAssoc(new Set(['or']), and);
  return or();
}

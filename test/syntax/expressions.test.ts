// Expressions: precedence and associativity as grammar/rec.ebnf states them, read off a fully
// parenthesised rendering; the sequences that grammar rejects; spans of nested nodes.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { treeProblems } from './tree-check.js';

const PREFIX = 'block b() { return ';

function exprOf(src: string): Expr {
  const text = `${PREFIX}${src} }`;
  const r = parse(text, 'x.rec');
  expect(r.diagnostics).toEqual([]);
  expect(treeProblems(r, text, 'x.rec')).toEqual([]);
  const b = r.file.items[0]!;
  if (b.kind !== 'Block' || b.body[0]!.kind !== 'Return') throw new Error('no return');
  return b.body[0]!.value;
}

/** An expression written back fully parenthesised. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Unary':
      return `(${e.op === 'not' ? 'not ' : '-'}${show(e.operand)})`;
    case 'Call':
      return `${show(e.callee)}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : '') + show(a.value)).join(', ')})`;
    case 'Member':
      return `${show(e.object)}.${e.property.name}`;
    case 'Index':
      return `${show(e.object)}[${show(e.index)}]`;
    case 'Name':
      return e.name;
    case 'Number':
      return e.raw;
    case 'String':
      return e.raw;
    case 'Bool':
      return String(e.value);
    case 'Paren':
      return `<${show(e.expr)}>`;
    case 'List':
      return `[${e.items.map(show).join(', ')}]`;
    case 'Record':
      return `{${e.fields.map((f) => `${f.name.name}: ${show(f.value)}`).join(', ')}}`;
  }
}

describe('precedence', () => {
  it.each([
    ['a + b * c @ d', '(a + ((b * c) @ d))'],
    ['a * b + c * d', '((a * b) + (c * d))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['a @ b * c', '((a @ b) * c)'],
    ['not a == b', '(not (a == b))'],
    ['not a == b and c or d', '(((not (a == b)) and c) or d)'],
    ['a or b and c', '(a or (b and c))'],
    ['not not a and b', '((not (not a)) and b)'],
    ['a and not b < c + 1', '(a and (not (b < (c + 1))))'],
    ['-x.y(1)[0]', '(-x.y(1)[0])'],
    ['- -a * b', '((-(-a)) * b)'],
    ['-a - -b', '((-a) - (-b))'],
    ['a + b == c * d', '((a + b) == (c * d))'],
    ['(a + b) * c', '(<(a + b)> * c)'],
    ['f(x)(y).z[1][2]', 'f(x)(y).z[1][2]'],
    ['rating >= 4 and rating != 0', '((rating >= 4) and (rating != 0))'],
    ['gauc(by: user_id, in: 2)', 'gauc(by: user_id, in: 2)'],
    ['[1, [2, 3], {a: 1 b: true}]', '[1, [2, 3], {a: 1, b: true}]'],
    ['f(-1, not x, "s")', 'f((-1), (not x), "s")'],
  ])('%s', (src, want) => {
    expect(show(exprOf(src))).toBe(want);
  });

  it('a long chain builds without recursion (a longer one is REC1009: test/syntax/errors.test.ts)', () => {
    const e = exprOf(Array.from({ length: 250 }, (_, i) => `x${i}`).join(' + '));
    let depth = 0;
    for (let n: Expr = e; n.kind === 'Binary'; n = n.left) depth++;
    expect(depth).toBe(249);
  });
});

describe('spans of nested expressions', () => {
  it('-x.y(1)[0]: each node from its first to its last character', () => {
    const e = exprOf('-x.y(1)[0]');
    const at = (n: Expr) => [n.span.start.column - PREFIX.length - 1, n.span.end.column - PREFIX.length - 1];
    if (e.kind !== 'Unary' || e.operand.kind !== 'Index') throw new Error(show(e));
    expect(at(e)).toEqual([0, 10]);
    expect(at(e.operand)).toEqual([1, 10]); // x.y(1)[0]
    const call = e.operand.object;
    expect(call.kind).toBe('Call');
    expect(at(call)).toEqual([1, 7]); // x.y(1)
    if (call.kind !== 'Call') return;
    expect(at(call.callee)).toEqual([1, 4]); // x.y
    expect(at(e.operand.index)).toEqual([8, 9]); // 0
  });

  it('a binary node spans its operands; a unary node starts at its operator', () => {
    const e = exprOf('not a  ==  b');
    expect(e.kind).toBe('Unary');
    expect([e.span.start.column, e.span.end.column]).toEqual([PREFIX.length + 1, PREFIX.length + 13]);
    if (e.kind !== 'Unary') return;
    expect([e.operand.span.start.column, e.operand.span.end.column]).toEqual([PREFIX.length + 5, PREFIX.length + 13]);
  });
});

describe('sequences the grammar rejects', () => {
  const errors = (src: string) => parse(`${PREFIX}${src} }`, 'x.rec').diagnostics.map((d) => [d.code, d.span.start.column - PREFIX.length - 1, d.message]);

  it('comparisons do not chain', () => {
    expect(errors('a < b < c')).toEqual([['REC1002', 6, 'expected `and` or `or` between comparisons but found `<`']]);
  });

  it('`not` after a tighter operator', () => {
    expect(errors('a + not b')).toEqual([['REC1002', 4, 'expected an expression but found `not`']]);
    expect(errors('-not b')).toEqual([['REC1002', 1, 'expected an expression but found `not`']]);
    expect(errors('a == not b')).toEqual([['REC1002', 5, 'expected an expression but found `not`']]);
  });

  it('the tree is still built', () => {
    const r = parse(`${PREFIX}a < b < c }`, 'x.rec');
    const b = r.file.items[0]!;
    expect(b.kind === 'Block' && b.body[0]!.kind === 'Return' && show(b.body[0]!.value)).toBe('((a < b) < c)');
  });
});

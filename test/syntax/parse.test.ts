import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { parser } from '../../src/syntax/parser.js';

const ROOT = join(import.meta.dirname, '../..');

function exprOf(src: string): Expr {
  const f = parse(`block b() { return ${src} }`, 'x.rec');
  expect(f.diagnostics).toEqual([]);
  const b = f.file.items[0]!;
  if (b.kind !== 'Block' || b.body[0]!.kind !== 'Return') throw new Error('no return');
  return b.body[0]!.value;
}

/** An expression written back fully parenthesised, to read precedence off it. */
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
    case 'Paren':
      return show(e.expr);
    case 'List':
      return `[${e.items.map(show).join(', ')}]`;
    default:
      return e.kind;
  }
}

describe('parser', () => {
  it('gives operators their precedence', () => {
    expect(show(exprOf('a + b * c @ d'))).toBe('(a + ((b * c) @ d))');
    expect(show(exprOf('not a == b and c or d'))).toBe('(((not (a == b)) and c) or d)');
    expect(show(exprOf('-x.y(1)[0]'))).toBe('(-x.y(1)[0])');
    expect(show(exprOf('a - b - c'))).toBe('((a - b) - c)');
    expect(show(exprOf('gauc(by: user_id, in: 2)'))).toBe('gauc(by: user_id, in: 2)');
  });

  it('reads numbers as written, with their kind', () => {
    const n = (s: string) => exprOf(s) as Extract<Expr, { kind: 'Number' }>;
    expect(n('200_000')).toMatchObject({ value: 200000, raw: '200_000', isInt: true });
    expect(n('1e-3')).toMatchObject({ value: 0.001, isInt: false });
    expect(n('2.0')).toMatchObject({ value: 2, isInt: false });
  });

  it('records 1-based lines and columns and attaches doc comments', () => {
    const { file } = parse('/// Adds one.\n/// Twice.\nblock inc(\n  /// the input\n  x: tensor,\n) {\n  return x + 1\n}\n', 'x.rec');
    const b = file.items[0]!;
    if (b.kind !== 'Block') throw new Error('block');
    expect(b.doc).toBe('Adds one.\nTwice.');
    expect(b.params[0]!.doc).toBe('the input');
    // line 3 starts at offset 25 (14 + 11 characters of doc lines); `inc` is 6 further
    expect(b.name.span.start).toEqual({ offset: 31, line: 3, column: 7 });
    expect(b.name.span.end).toEqual({ offset: 34, line: 3, column: 10 });
  });

  it('reports every syntax error of a file, not just the first', () => {
    const text = 'model m {\n  let a = (1 + \n  let b = 2\n}\nblock c( { return 1 }\nmodel d { let e = ] }\n';
    const { diagnostics } = parse(text, 'x.rec');
    expect(diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(new Set(diagnostics.map((d) => d.span.start.line)).size).toBeGreaterThanOrEqual(3);
    for (const d of diagnostics) expect(d.code).toMatch(/^REC100[1-6]$/);
  });

  it('grammar/diagrams.html is generated from the current parser', () => {
    const file = readFileSync(join(ROOT, 'grammar/diagrams.html'), 'utf8');
    expect(file).toContain(createSyntaxDiagramsCode(parser.getSerializedGastProductions()));
  });
});

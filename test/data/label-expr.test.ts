import { describe, expect, it } from 'vitest';
import { evalLabel, labelColumns } from '../../src/data/label-expr.js';
import type { Expr } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';

/** The AST of a label expression, as the parser makes it. */
function expr(s: string): Expr {
  const f = parse(`model m { task t : binary(label: ${s}) }`, 'x').file;
  const m = f.items[0]!;
  if (m.kind !== 'Model' || m.items[0]!.kind !== 'Task') throw new Error('parse');
  const h = m.items[0]!.head;
  if (h.kind !== 'Call') throw new Error('parse');
  return h.args[0]!.value;
}

const on = (row: Record<string, string | number | boolean | null>) => (c: string) => row[c];

describe('label expressions', () => {
  it('evaluate arithmetic, comparisons and logic on a row', () => {
    const row = on({ rating: '4', hate: 'false', like: true, w: 2.5 });
    expect(evalLabel(expr('rating >= 4 and not hate'), row)).toBe(1);
    expect(evalLabel(expr('rating == 5 or rating < 2'), row)).toBe(0);
    expect(evalLabel(expr('(rating - 1) / 2'), row)).toBe(1.5);
    expect(evalLabel(expr('-rating + w * 2'), row)).toBe(1);
    expect(evalLabel(expr('like'), row)).toBe(1);
    expect(evalLabel(expr('like != true'), row)).toBe(0);
    expect(evalLabel(expr('rating > 3 and rating <= 4'), row)).toBe(1);
  });

  it('compare text with string literals', () => {
    const row = on({ genre: 'drama', group: 'new', id: '42' });
    expect(evalLabel(expr('genre == "drama"'), row)).toBe(1);
    expect(evalLabel(expr('genre != "drama" or group == "new"'), row)).toBe(1);
    expect(evalLabel(expr('id == "42"'), row)).toBe(1);
    expect(evalLabel(expr('id == 42'), row)).toBe(1);
  });

  it('name the column of a missing or unusable value', () => {
    expect(evalLabel(expr('missing > 1'), () => undefined)).toEqual({ error: 'missing column `missing`', code: 'REC6001', column: 'missing' });
    expect(evalLabel(expr('rating > 1'), on({ rating: '' }))).toMatchObject({ code: 'REC6001', column: 'rating' });
    expect(evalLabel(expr('rating > 1'), on({ rating: null }))).toMatchObject({ code: 'REC6001', column: 'rating' });
    expect(evalLabel(expr('rating >= 4'), on({ rating: 'great' }))).toMatchObject({ code: 'REC6002', column: 'rating' });
    expect(evalLabel(expr('genre'), on({ genre: 'drama' }))).toMatchObject({ code: 'REC6002', column: 'genre' });
  });

  it('call NaN and infinite results errors', () => {
    expect(evalLabel(expr('a / b'), on({ a: 1, b: 0 }))).toMatchObject({ code: 'REC6002' });
    expect(evalLabel(expr('a / b'), on({ a: 0, b: 0 }))).toMatchObject({ code: 'REC6002' });
  });

  it('list the columns an expression reads', () => {
    expect(labelColumns(expr('(rating >= 4) and not hate or rating == 5'))).toEqual(['rating', 'hate']);
  });
});

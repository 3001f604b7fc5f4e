// forEachChild: every kind of expression gives its subexpressions, in text order.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { forEachChild } from '../../src/syntax/visit.js';

function exprOf(src: string): Expr {
  const r = parse(`block b() { return ${src} }`, 'x.rec');
  expect(r.diagnostics).toEqual([]);
  const b = r.file.items[0]!;
  if (b.kind !== 'Block' || b.body[0]!.kind !== 'Return') throw new Error('no return');
  return b.body[0]!.value;
}

/** Every name and literal under `e`, depth first, in text order. */
function leaves(e: Expr): string[] {
  const out: string[] = [];
  const walk = (x: Expr): void => {
    if (x.kind === 'Name') out.push(x.name);
    else if (x.kind === 'Number') out.push(x.raw);
    else if (x.kind === 'String') out.push(x.raw);
    else if (x.kind === 'Bool') out.push(String(x.value));
    forEachChild(x, walk);
  };
  walk(e);
  return out;
}

describe('forEachChild', () => {
  it('reaches every kind of expression, in text order', () => {
    // call (callee, positional and named arguments), list, record, index, member, unary, binary, paren
    const e = exprOf('f(a, k: [b, 2], r: {c: d, s: "x"})[g].h + (not (i or true)) * -j');
    expect(leaves(e)).toEqual(['f', 'a', 'b', '2', 'd', '"x"', 'g', 'i', 'true', 'j']);
  });

  it('gives a leaf no children', () => {
    for (const src of ['a', '1', '"s"', 'false']) {
      const seen: Expr[] = [];
      forEachChild(exprOf(src), (c) => seen.push(c));
      expect(seen).toEqual([]);
    }
  });

  it('gives the direct children only', () => {
    const kinds: string[] = [];
    forEachChild(exprOf('f(a + b, [c])'), (c) => kinds.push(c.kind));
    expect(kinds).toEqual(['Name', 'Binary', 'List']);
  });
});

// The trees error recovery leaves: a rule cut short keeps what it read before the error (a call
// its arguments, a block its statements, a list its items) and the parse goes on after it; a node
// missing a required part is dropped. The parser builds these from the frames of the rules the
// error cut short (parser.ts); each case is written out by hand.
import { describe, expect, it } from 'vitest';
import type { Expr, ModelItem, Stmt, TopItem } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';

const expr = (e: Expr): string => {
  switch (e.kind) {
    case 'Name':
      return e.name;
    case 'Number':
      return e.raw;
    case 'Call':
      return `${expr(e.callee)}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : '') + expr(a.value)).join(', ')})`;
    case 'List':
      return `[${e.items.map(expr).join(', ')}]`;
    default:
      return e.kind;
  }
};
const stmt = (s: Stmt | ModelItem): string => {
  if (s.kind === 'Let') return `${s.name.name} = ${expr(s.value)}`;
  if (s.kind === 'Return') return `return ${expr(s.value)}`;
  if (s.kind === 'For') return `for ${s.variable.name} in ${expr(s.iterable)} { ${s.body.map(stmt).join('; ')} }`;
  if (s.kind === 'Task') return `task ${s.name.name}: ${expr(s.head)} { ${s.fields.map((f) => `${f.name.name}: ${expr(f.value)}`).join('; ')} }`;
  return s.kind;
};
const item = (i: TopItem): string =>
  i.kind === 'Model' ? `model { ${i.items.map(stmt).join('; ')} }` : i.kind === 'Block' ? `block ${i.name.name}(${i.params.map((p) => p.name.name).join(', ')}) { ${i.body.map((s) => stmt(s)).join('; ')} }` : i.kind;

/** The items of `text` written back, and its diagnostics as `code@line:column`. */
function recovered(text: string): { tree: string[]; diagnostics: string[] } {
  const r = parse(text, 'x.rec');
  return { tree: r.file.items.map(item), diagnostics: r.diagnostics.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`) };
}

describe('the trees error recovery leaves', () => {
  it('keeps the arguments a call read before an unexpected token, and the next let', () => {
    expect(recovered('model m {\n  let a = f(x, y ]\n  let b = 1\n}\n')).toEqual({ tree: ['model { a = f(x, y); b = 1 }'], diagnostics: ['REC1002@2:18'] });
  });

  it('keeps a call cut short inside a call cut short', () => {
    expect(recovered('model m {\n  let a = f(x, g(y, ]\n  let b = 1\n}\n')).toEqual({ tree: ['model { a = f(x, g(y)); b = 1 }'], diagnostics: ['REC1002@2:21'] });
  });

  it('keeps a let cut short inside a loop, the loop, and the statements after it', () => {
    expect(recovered('block b(x) {\n  for u in [1, 2] {\n    let h = f(u ]\n  }\n  return x\n}\n')).toEqual({
      tree: ['block b(x) { for u in [1, 2] { h = f(u) }; return x }'],
      diagnostics: ['REC1002@3:17'],
    });
  });

  it('drops a let whose value is missing, and keeps the statements around it', () => {
    expect(recovered('block b(x) {\n  let h = relu(x)\n  let g = = 2\n  return h\n}\n')).toEqual({ tree: ['block b(x) { h = relu(x); return h }'], diagnostics: ['REC1002@3:11'] });
    expect(recovered('model m {\n  let a =\n  let b = 1\n}\n')).toEqual({ tree: ['model { b = 1 }'], diagnostics: ['REC1002@3:3'] });
  });

  it('closes what a missing closer left open, and reports the closer', () => {
    expect(recovered('model m {\n  let a = f(x, y\n  let b = g(a)\n}\n')).toEqual({ tree: ['model { a = f(x, y); b = g(a) }'], diagnostics: ['REC1003@2:17'] });
    expect(recovered('model m {\n  let a = [1, 2\n  let b = 3\n}\n')).toEqual({ tree: ['model { a = [1, 2]; b = 3 }'], diagnostics: ['REC1003@2:16'] });
    expect(recovered('block b(x: tensor, y: int = 3 {\n  return x\n}\n')).toEqual({ tree: ['block b(x, y) { return x }'], diagnostics: ['REC1003@1:30'] });
  });

  it('keeps every argument when a comma is missing, and the items of a field before a stray token', () => {
    expect(recovered('model m {\n  let a = f(x y, k: 2)\n}\n')).toEqual({ tree: ['model { a = f(x, y, k: 2) }'], diagnostics: ['REC1003@2:14'] });
    expect(recovered('model m {\n  task t: binary(label: c) { tower: [64, ] ] }\n  let b = 1\n}\n')).toEqual({
      tree: ['model { task t: binary(label: c) { tower: [64] }; b = 1 }'],
      diagnostics: ['REC1002@2:44'],
    });
  });
});

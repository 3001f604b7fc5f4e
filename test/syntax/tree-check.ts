// Invariants every tree `parse` returns must satisfy, whatever the input: the fields ast.ts
// requires are present, every span lies within the text, its line and column agree with its
// offset (computed here independently of the parser), and a node's span covers its children's.
import type { Pos, Span } from '../../src/diagnostics/span.js';
import type { ParseResult } from '../../src/syntax/parse.js';

/** Required fields of each node kind (ast.ts), besides `span`. */
const REQUIRED: Record<string, string[]> = {
  File: ['items', 'comments'],
  Comment: ['text'],
  Ident: ['name'],
  Use: ['path'],
  Block: ['name', 'params', 'body'],
  Param: ['name'],
  Type: ['name'],
  Let: ['name', 'value'],
  Assign: ['name', 'value'],
  For: ['variable', 'iterable', 'body'],
  If: ['cond', 'then'],
  Return: ['value'],
  Model: ['name', 'items'],
  Features: ['features'],
  Feature: ['name', 'value'],
  Pc: ['name', 'value'],
  Task: ['name', 'head', 'fields'],
  Train: ['fields'],
  Support: ['name', 'key', 'value'],
  MetaBlock: ['name', 'key', 'inner', 'body'],
  Stage: ['name', 'fields', 'tasks'],
  Field: ['name', 'value'],
  Number: ['value', 'raw', 'isInt'],
  String: ['value', 'raw'],
  Bool: ['value'],
  Name: ['name'],
  List: ['items'],
  Record: ['fields'],
  Member: ['object', 'property'],
  Index: ['object', 'index'],
  Call: ['callee', 'args'],
  Arg: ['value'],
  Binary: ['op', 'left', 'right'],
  Unary: ['op', 'operand'],
  Paren: ['expr'],
  // the two shapes of a `use` path
  dotted: ['parts'],
  file: ['value', 'span'],
};

/**
 * Line and column of every offset of `text`, by walking it once (independent of the parser's
 * index). A line ends at `\n`, `\r\n` or a lone `\r`, as LSP counts them.
 */
function lineColumns(text: string): { line: Int32Array; column: Int32Array } {
  const line = new Int32Array(text.length + 1);
  const column = new Int32Array(text.length + 1);
  let l = 1;
  let c = 1;
  for (let i = 0; i <= text.length; i++) {
    line[i] = l;
    column[i] = c;
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      l++;
      c = 1;
    } else c++;
  }
  return { line, column };
}

/** Every problem found in a parse result; an empty list means the tree is sound. */
export function treeProblems(result: ParseResult, text: string, fileName: string): string[] {
  const problems: string[] = [];
  const lc = lineColumns(text);
  const pos = (p: Pos, where: string) => {
    if (!Number.isInteger(p.offset) || p.offset < 0 || p.offset > text.length) {
      problems.push(`${where}: offset ${p.offset} outside 0..${text.length}`);
      return;
    }
    const want = { line: lc.line[p.offset]!, column: lc.column[p.offset]! };
    if (p.line !== want.line || p.column !== want.column) problems.push(`${where}: ${p.line}:${p.column} at offset ${p.offset}, expected ${want.line}:${want.column}`);
  };
  const span = (s: Span, where: string) => {
    if (s.file !== fileName) problems.push(`${where}: file ${s.file}`);
    pos(s.start, `${where}.start`);
    pos(s.end, `${where}.end`);
    if (s.end.offset < s.start.offset) problems.push(`${where}: ends before it starts`);
  };
  for (const d of result.diagnostics) span(d.span, `diagnostic ${d.code}`);

  // iterative walk: trees of long operator chains are deep
  const stack: { node: unknown; where: string; parent?: Span }[] = [{ node: result.file, where: 'file' }];
  while (stack.length > 0) {
    const { node, where, parent } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((n, i) => stack.push({ node: n, where: `${where}[${i}]`, parent }));
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const o = node as Record<string, unknown>;
    let own = parent;
    if ('span' in o) {
      const s = o.span as Span;
      span(s, where);
      if (parent && (s.start.offset < parent.start.offset || s.end.offset > parent.end.offset)) problems.push(`${where}: span outside its parent's`);
      own = s;
    }
    if (typeof o.kind === 'string') {
      const required = REQUIRED[o.kind];
      if (!required) problems.push(`${where}: unknown kind ${o.kind}`);
      for (const f of required ?? []) if (o[f] === undefined) problems.push(`${where}: ${o.kind} without ${f}`);
      if (o.kind === 'Number' && !Number.isFinite(o.value)) problems.push(`${where}: number ${String(o.value)}`);
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'span' && v && typeof v === 'object') stack.push({ node: v, where: `${where}.${k}`, parent: k === 'comments' ? undefined : own });
  }
  return problems;
}

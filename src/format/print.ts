// The printer of the Prettier plugin: one style for `.rec`, built from Prettier's doc builders.
//
// The style: 2-space indent; one declaration per line in sections; a blank line between
// top-level items; the user's blank lines inside bodies kept (at most one); calls, lists and
// records on one line when they fit in printWidth, else one item per line with a trailing comma;
// binary chains break after the operator; `///` doc lines above what they document; `//`
// comments where they were.
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '../syntax/ast.js';

const { group, indent, join, line, softline, hardline, ifBreak } = doc.builders;

type Node = A.SourceFile | A.TopItem | A.ModelItem | A.Stmt | A.Expr | A.Param | A.Field | A.Arg | A.FeatureDecl | A.TypeExpr | A.Ident;
type Print = (path: AstPath<Node>) => Doc;

function docLines(text: string | undefined): Doc[] {
  return text === undefined ? [] : text.split('\n').map((l) => [l === '' ? '///' : `/// ${l}`, hardline]);
}

/** A list of items with the user's blank lines between them kept (at most one). */
function lines(path: AstPath<Node>, print: Print, key: string, options: ParserOptions<Node>): Doc {
  const out: Doc[] = [];
  const items = (path.node as unknown as Record<string, Node[]>)[key] ?? [];
  path.each((p, i) => {
    out.push(print(p as AstPath<Node>));
    if (i < items.length - 1) {
      out.push(hardline);
      const end = (items[i] as { span: A.Ident['span'] }).span.end.offset;
      if (util.isNextLineEmpty(options.originalText, end)) out.push(hardline);
    }
  }, key as never);
  return out;
}

function body(path: AstPath<Node>, print: Print, key: string, options: ParserOptions<Node>): Doc {
  const items = (path.node as unknown as Record<string, Node[]>)[key] ?? [];
  if (items.length === 0) return '{}';
  return ['{', indent([hardline, lines(path, print, key, options)]), hardline, '}'];
}

/** `(a, b)` / `[a, b]` / `{ a: 1 }`: one line, or one item per line with a trailing comma. */
function delimited(open: string, close: string, parts: Doc[], spaced = false): Doc {
  if (parts.length === 0) return `${open}${close}`;
  const pad = spaced ? line : softline;
  return group([open, indent([pad, join([',', line], parts)]), ifBreak(','), pad, close]);
}

export function printRec(path: AstPath<Node>, options: ParserOptions<Node>, print: Print): Doc {
  const n = path.node;
  const p = (key: string) => path.call(print as never, key as never) as Doc;
  const all = (key: string) => path.map(print as never, key as never) as Doc[];
  switch (n.kind) {
    case 'File': {
      const out: Doc[] = [];
      path.each((item, i) => {
        const cur = item.node as A.TopItem;
        out.push(print(item as AstPath<Node>));
        const next = n.items[i + 1];
        if (next) out.push(hardline, cur.kind === 'Use' && next.kind === 'Use' ? '' : hardline);
      }, 'items');
      return [out, hardline];
    }
    case 'Use':
      return ['use ', n.path.kind === 'dotted' ? n.path.parts.map((x) => x.name).join('.') : JSON.stringify(n.path.value), n.alias ? ` as ${n.alias.name}` : ''];
    case 'Block': {
      const params = all('params');
      const documented = n.params.some((q) => q.doc);
      const list = documented
        ? ['(', indent([hardline, join([',', hardline], params), ',']), hardline, ')']
        : delimited('(', ')', params);
      return [...docLines(n.doc), 'block ', n.name.name, list, ' ', body(path, print, 'body', options)];
    }
    case 'Param':
      return [...docLines(n.doc), n.name.name, n.type ? [': ', p('type')] : '', n.default ? [' = ', p('default')] : ''];
    case 'Type':
      return n.name === 'list' ? ['[', p('elem'), ']'] : n.name;
    case 'Let':
      return [...docLines(n.doc), 'let ', n.name.name, ' = ', p('value')];
    case 'Assign':
      return [n.name.name, ' = ', p('value')];
    case 'Return':
      return ['return ', p('value')];
    case 'For':
      return ['for ', n.variable.name, ' in ', p('iterable'), ' ', body(path, print, 'body', options)];
    case 'If': {
      const head = ['if ', p('cond'), ' ', body(path, print, 'then', options)];
      if (!n.else) return head;
      const onlyIf = n.else.length === 1 && n.else[0]!.kind === 'If';
      return [head, ' else ', onlyIf ? path.call(print as never, 'else' as never, 0 as never) : body(path, print, 'else', options)];
    }
    case 'Model':
      return [...docLines(n.doc), 'model ', n.name.name, ' ', body(path, print, 'items', options)];
    case 'Features':
      return ['features ', body(path, print, 'features', options)];
    case 'Feature':
      return [...docLines(n.doc), n.name.name, ': ', p('value')];
    case 'Pc':
      return [...docLines(n.doc), 'pc ', n.name.name, ' = ', p('value')];
    case 'Task': {
      const fields = all('fields');
      return [...docLines(n.doc), 'task ', n.name.name, ' : ', p('head'), fields.length ? [' ', delimited('{', '}', fields, true)] : ''];
    }
    case 'Train':
      return ['train ', body(path, print, 'fields', options)];
    case 'Support':
      return [...docLines(n.doc), 'support ', n.name.name, ' by ', n.key.name, ': ', p('value')];
    case 'MetaBlock': {
      const inner = n.inner.length ? ['inner ', delimited('{', '}', all('inner'), true), hardline] : '';
      return [...docLines(n.doc), 'meta_block ', n.name.name, ' by ', n.key.name, ' {', indent([hardline, inner, lines(path, print, 'body', options)]), hardline, '}'];
    }
    case 'Stage': {
      const parts = [...all('fields'), ...all('tasks')];
      return ['stage ', n.name.name, ' {', indent([hardline, join(hardline, parts)]), hardline, '}'];
    }
    case 'Field':
      return [n.name.name, ': ', p('value')];
    case 'Arg':
      return n.name ? [n.name.name, ': ', p('value')] : p('value');
    case 'Number':
      return n.raw;
    case 'String':
      return n.raw;
    case 'Bool':
      return n.value ? 'true' : 'false';
    case 'Name':
      return n.name;
    case 'Paren':
      return ['(', p('expr'), ')'];
    case 'List':
      return delimited('[', ']', all('items'));
    case 'Record':
      return delimited('{', '}', all('fields'), true);
    case 'Member':
      return [p('object'), '.', n.property.name];
    case 'Index':
      return [p('object'), '[', p('index'), ']'];
    case 'Call':
      return [p('callee'), delimited('(', ')', all('args'))];
    case 'Unary':
      return [n.op === 'not' ? 'not ' : '-', p('operand')];
    case 'Binary': {
      // Flatten a chain of the same precedence so it breaks after each operator, aligned.
      const parent = path.parent as Node | null;
      const inChain = parent?.kind === 'Binary' && samePrecedence(parent.op, n.op) && parent.left === n;
      const parts = [p('left'), ' ', n.op, line, p('right')];
      return inChain ? parts : group(indent(parts));
    }
    case 'Ident':
      return n.name;
  }
}

const PRECEDENCE: Record<A.BinaryOp, number> = { or: 1, and: 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '@': 5 };
function samePrecedence(a: A.BinaryOp, b: A.BinaryOp): boolean {
  return PRECEDENCE[a] === PRECEDENCE[b];
}

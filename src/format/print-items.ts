// Printers of declarations and statements: top-level items, block bodies and model sections.
import { doc, util, type AstPath, type Doc } from 'prettier';
import type * as A from '../syntax/ast.js';
import { body, commentDoc, commentLines, dangling, delimited, docLines, endOf, lines, startOf, type Node, type Options, type Print } from './print-util.js';
import { AFTER_INNER, BEFORE_INNER } from './regions.js';
import { asPlainComment } from './stray-docs.js';

const { indent, join, hardline, lineSuffix, breakParent } = doc.builders;

type ItemNode = A.SourceFile | A.TopItem | A.ModelItem | A.Stmt | A.Param | A.FeatureDecl | A.TypeExpr | A.Ident;

/** Two neighbouring model sections with bodies of their own (`features`, `train`, `stage`,
 * `meta_block`) are always a blank line apart; elsewhere in a model the user's blank lines decide. */
const isSection = (n: Node) => n.kind === 'Features' || n.kind === 'Train' || n.kind === 'Stage' || n.kind === 'MetaBlock';
const sectionsApart = (a: Node, b: Node) => isSection(a) && isSection(b);

export function printItem(path: AstPath<Node>, options: Options, print: Print, n: ItemNode): Doc {
  const p = (key: string) => path.call(print as never, key as never) as Doc;
  const all = (key: string) => path.map(print as never, key as never) as Doc[];
  switch (n.kind) {
    case 'File': {
      if (n.items.length === 0) {
        const cs = dangling(path, 'items');
        return cs.length ? [commentLines(cs), hardline] : '';
      }
      const out: Doc[] = [];
      path.each((item, i) => {
        out.push(print(item as AstPath<Node>));
        const next = n.items[i + 1];
        // One blank line between items; consecutive `use` lines stay together unless the user
        // separated them.
        if (next) {
          const together = n.items[i]!.kind === 'Use' && next.kind === 'Use' && !util.isNextLineEmpty(options.originalText, endOf(n.items[i]));
          out.push(hardline, together ? '' : hardline);
        }
      }, 'items');
      return [out, hardline];
    }
    case 'Use': {
      // A file path is printed as written, like every string: re-encoding its decoded value could
      // spell an escape the lexer does not know (`\u0008` as `\b`) or drop one the user chose.
      const path = n.path.kind === 'dotted' ? n.path.parts.map((x) => x.name).join('.') : options.originalText.slice(startOf(n.path), endOf(n.path));
      return ['use ', path, n.alias ? ` as ${n.alias.name}` : ''];
    }
    case 'Block': {
      const params = all('params');
      // Documented parameters get a line each, so that their `///` lines stand above them.
      const list = n.params.some((q) => q.doc)
        ? ['(', indent([hardline, join([',', hardline], params), ',']), hardline, ')']
        : delimited(path, '(', ')', params, 'params');
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
      const elseIf = n.else.length === 1 && n.else[0]!.kind === 'If' && !hasElseComments(n);
      return [head, ' else ', elseIf ? path.call(print as never, 'else' as never, 0 as never) : body(path, print, 'else', options)];
    }
    case 'Model':
      return [...docLines(n.doc), 'model ', n.name.name, ' ', body(path, print, 'items', options, sectionsApart)];
    case 'Features':
      return ['features ', body(path, print, 'features', options)];
    case 'Feature':
      return [...docLines(n.doc), n.name.name, ': ', p('value')];
    case 'Pc':
      return [...docLines(n.doc), 'pc ', n.name.name, ' = ', p('value')];
    case 'Task': {
      const fields = all('fields');
      const marked = dangling(path, 'fields');
      const braces = fields.length
        ? [' ', delimited(path, '{', '}', fields, 'fields', true)]
        : marked.length
          ? [' {', indent([hardline, commentLines(marked)]), hardline, '}']
          : '';
      return [...docLines(n.doc), 'task ', n.name.name, ' : ', p('head'), braces];
    }
    case 'Train':
      return ['train ', body(path, print, 'fields', options)];
    case 'Support':
      return [...docLines(n.doc), 'support ', n.name.name, ' by ', n.key.name, ': ', p('value')];
    case 'MetaBlock': {
      const innerFields = all('inner');
      const innerComments = innerFields.length ? [] : dangling(path, 'inner');
      const beforeInner = dangling(path, BEFORE_INNER).map((c) => commentDoc(c.text));
      // after `inner { … }`, a line comment is followed by the body's first statement: no stray `///` there
      const afterInner = dangling(path, AFTER_INNER).map((c) => ({ ...c, text: asPlainComment(c.text) }));
      const after = afterInner.map((c) => (c.text.startsWith('/*') ? [' ', commentDoc(c.text)] : [lineSuffix(` ${c.text}`), breakParent]));
      const inner: Doc[] = innerFields.length
        ? ['inner ', delimited(path, '{', '}', innerFields, 'inner', true), ...after]
        : innerComments.length
          ? ['inner {', indent([hardline, commentLines(innerComments)]), hardline, '}', ...after]
          : afterInner.length
            ? [commentLines(afterInner)]
            : [];
      const stmts = n.body.length ? lines(path, print, 'body', options) : dangling(path, 'body').map((c) => commentDoc(c.text));
      const parts = [...beforeInner, ...(inner.length ? [inner] : []), ...(stmts.length ? [n.body.length ? stmts : join(hardline, stmts)] : [])];
      const head = [...docLines(n.doc), 'meta_block ', n.name.name, ' by ', n.key.name, ' '];
      return parts.length ? [head, '{', indent([hardline, join(hardline, parts)]), hardline, '}'] : [head, '{}'];
    }
    case 'Stage':
      return ['stage ', n.name.name, ' ', stageBody(path, options, print)];
    case 'Ident':
      return n.name;
  }
}

/** A comment before an `else if`'s `if` is printed in `else { … }` braces (the same tree) so that it has a line. */
function hasElseComments(n: A.IfStmt): boolean {
  const nested = n.else?.[0] as { comments?: { leading?: boolean }[] } | undefined;
  return (nested?.comments ?? []).some((c) => c.leading);
}

/** A stage's fields and tasks, in the order written, with the user's blank lines kept. */
function stageBody(path: AstPath<Node>, options: Options, print: Print): Doc {
  const printed = [
    ...path.map((f) => ({ node: f.node as Node, doc: print(f as AstPath<Node>) }), 'fields' as never),
    ...path.map((t) => ({ node: t.node as Node, doc: print(t as AstPath<Node>) }), 'tasks' as never),
  ].sort((a, b) => startOf(a.node) - startOf(b.node));
  if (printed.length === 0) {
    const cs = dangling(path, 'items');
    return cs.length ? ['{', indent([hardline, commentLines(cs)]), hardline, '}'] : '{}';
  }
  const out: Doc[] = [];
  printed.forEach((it, i) => {
    out.push(it.doc);
    if (i < printed.length - 1) out.push(hardline, util.isNextLineEmpty(options.originalText, endOf(it.node)) ? hardline : '');
  });
  return ['{', indent([hardline, out]), hardline, '}'];
}

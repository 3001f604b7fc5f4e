// The Prettier plugin for `.rec` (`prettier --plugin recc/prettier`): the language, a parser that
// reuses the compiler's front end, and the printer (print.ts). Comments are attached by Prettier
// from `SourceFile.comments`; doc comments (`///`) are part of the nodes they document.
import type { AstPath, Doc, Parser, Plugin, Printer } from 'prettier';
import { hasErrors } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import { parse } from '../syntax/parse.js';
import { printRec } from './print.js';

type Node = A.SourceFile | A.Comment | { kind: string; span: A.Ident['span'] };

const locStart = (n: Node) => n.span.start.offset;
const locEnd = (n: Node) => n.span.end.offset;

/** A syntax error stops formatting, with its position (Prettier prints it as it prints its own). */
class RecSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number } },
  ) {
    super(message);
  }
}

const parser: Parser<Node> = {
  astFormat: 'rec-ast',
  locStart,
  locEnd,
  parse(text, options) {
    const { file, diagnostics } = parse(text, options.filepath ?? 'input.rec');
    const first = diagnostics.find((d) => d.severity === 'error');
    if (hasErrors(diagnostics) && first) {
      throw new RecSyntaxError(`${first.message} (${first.span.start.line}:${first.span.start.column})`, { start: { line: first.span.start.line, column: first.span.start.column } });
    }
    return file as Node;
  },
};

const SKIP = new Set(['span', 'comments', 'kind', 'doc', 'raw', 'value', 'name', 'op', 'isInt']);

/** Child nodes of a node: every property holding a node or a list of nodes. */
function visitorKeys(node: Record<string, unknown>): string[] {
  return Object.keys(node).filter((k) => {
    if (SKIP.has(k) && !(k === 'value' && typeof node[k] === 'object')) return false;
    const v = node[k];
    if (Array.isArray(v)) return v.length > 0 && typeof v[0] === 'object' && v[0] !== null && 'kind' in v[0];
    return typeof v === 'object' && v !== null && 'kind' in v;
  });
}

const printer: Printer<Node> = {
  print: (path, options, print) => printRec(path as never, options as never, print as never),
  getVisitorKeys: (node) => visitorKeys(node as unknown as Record<string, unknown>),
  canAttachComment: (node) => 'kind' in node && node.kind !== 'Comment' && node.kind !== 'Ident' && node.kind !== 'Type',
  isBlockComment: (c) => (c as A.Comment).text.startsWith('/*'),
  printComment: (path: AstPath<Node>): Doc => (path.node as A.Comment).text,
};

export const languages: Plugin['languages'] = [{ name: 'rec', parsers: ['rec'], extensions: ['.rec'], vscodeLanguageIds: ['rec'] }];
export const parsers = { rec: parser };
export const printers = { 'rec-ast': printer };

const plugin: Plugin<Node> = { languages, parsers, printers };
export default plugin;

// The Prettier plugin for `.rec` (`prettier --plugin recc/prettier`): the language, a parser that
// reuses the compiler's front end, and a printer built from Prettier's doc builders.
//
// The style (one style, no options but printWidth):
// - 2-space indent; one declaration, statement, feature or field per line in a body or section.
// - One blank line between top-level items (consecutive `use` lines stay together unless the
//   user separated them) and between two neighbouring model sections with bodies (`features`,
//   `train`, `stage`, `meta_block`); elsewhere the user's blank lines are kept, several collapsing
//   to one, none at the start or end of a body.
// - Calls, lists, records and parameter lists stay on one line when they fit in printWidth
//   (default 100), else one item per line with a trailing comma. A block whose parameters carry
//   `///` docs always has one parameter per line.
// - A chain of binary operators of one precedence breaks after each operator, operands one
//   indent in. Parentheses are the user's; numbers and strings are printed as written.
// - `///` doc comments come from the nodes' `doc` fields, one `/// ` line each, above the node.
// - `//` and `/* */` comments stay where they were: before a node on their own line, after it on
//   the same line, or inside an empty body or empty brackets (see comments.ts). One printed at the
//   end of a line goes where the next run reads it the same way (line-end-comments.ts): one just
//   before a body's `{` goes to the first line inside it, as one just after the `{` does.
// - A `///` that documents nothing stays a comment: printed as `//` where it would document the
//   declaration after it (stray-docs.ts).
// - `:` in sections is not aligned: alignment reflows neighbouring lines on every rename, which
//   makes diffs noisy, and the stdlib and examples are written without it.
import type { AstPath, Doc, Parser, Plugin, Printer } from 'prettier';
import type * as A from '../syntax/ast.js';
import { parse } from '../syntax/parse.js';
import { handleComments } from './comments.js';
import { printRec } from './print.js';
import { commentDoc, endOf, startOf, type AttachedComment, type Node } from './print-util.js';
import { attachedCommentText } from './stray-docs.js';
import { visitorKeys } from './visitor-keys.js';

/**
 * A syntax error stops formatting: Prettier prints `loc` with a code frame, like its own errors.
 * Columns in `loc` are 1-based, as Prettier expects.
 */
export class RecSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } },
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

const parser: Parser<Node> = {
  astFormat: 'rec-ast',
  locStart: (n) => startOf(n),
  locEnd: (n) => endOf(n),
  parse(text, options) {
    const { file, diagnostics } = parse(text, options.filepath ?? 'input.rec');
    const first = diagnostics.find((d) => d.severity === 'error');
    if (first) {
      const { start, end } = first.span;
      throw new RecSyntaxError(`${first.message} (${start.line}:${start.column})`, {
        start: { line: start.line, column: start.column },
        end: { line: end.line, column: end.column },
      });
    }
    return file;
  },
};

const printer: Printer<Node> = {
  print: (path, options, print) => printRec(path, options, print as (p: AstPath<Node>) => Doc),
  getVisitorKeys: (node) => visitorKeys(node),
  // Names and types are leaves inside a declaration's head: a comment there goes to the declaration.
  canAttachComment: (node) => 'kind' in node && node.kind !== 'Ident' && node.kind !== 'Type',
  isBlockComment: (c) => (c as unknown as A.Comment).text.startsWith('/*'),
  printComment: (path) => {
    const text = attachedCommentText(path.node as unknown as AttachedComment, path.parent, path.grandparent);
    return commentDoc(text);
  },
  handleComments,
};

export const languages: Plugin['languages'] = [{ name: 'rec', parsers: ['rec'], extensions: ['.rec'], vscodeLanguageIds: ['rec'] }];
export const parsers = { rec: parser };
export const printers = { 'rec-ast': printer };

const plugin: Plugin<Node> = { languages, parsers, printers };
export default plugin;

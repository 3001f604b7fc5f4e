// Doc comments (`///`) belong to the declaration that follows them: every `///` line before a
// declaration's first token (with only comments and blank lines in between) becomes its `doc`.
// The lexer keeps them out of the token stream, so the grammar need not mention them.
import type { IToken } from 'chevrotain';
import { lineStart } from './line-index.js';

export class DocComments {
  /** Doc lines, grouped by the offset of the first significant token after them. */
  private readonly byNext = new Map<number, IToken[]>();
  private readonly used = new Set<IToken>();

  /** `docs` and `tokens` are in text order, as the lexer returns them. */
  constructor(
    private readonly docs: IToken[],
    tokens: IToken[],
  ) {
    let t = 0;
    for (const d of docs) {
      while (t < tokens.length && tokens[t]!.startOffset < d.startOffset) t++;
      // a doc after the last token documents nothing; it stays a plain comment
      if (t === tokens.length) continue;
      const key = tokens[t]!.startOffset;
      const group = this.byNext.get(key);
      if (group) group.push(d);
      else this.byNext.set(key, [d]);
    }
  }

  /**
   * The doc text of the declaration starting at `offset`: each line without `///`, one space after
   * it, and its trailing whitespace (which the formatter drops).
   */
  take(offset: number): string | undefined {
    const group = this.byNext.get(offset);
    if (!group) return undefined;
    this.byNext.delete(offset);
    for (const d of group) this.used.add(d);
    return group.map((d) => d.image.replace(/^\/\/\/ ?/, '').trimEnd()).join('\n');
  }

  /** Doc lines that document nothing (before a field, a `return`, …): kept as plain comments. */
  unused(): IToken[] {
    return this.docs.filter((d) => !this.used.has(d));
  }
}

/**
 * Where the text of the declaration whose first token is at `offset` begins, as the rule above
 * gives it its doc: the start of its first `///` line (comments and blank lines between them and
 * it included), else the start of its own line. Undefined when other text comes before it on its
 * line. For edits that move a declaration or put one before it (the language server's
 * refactorings), so that its doc comment goes with it. Read line by line: a block comment between
 * the doc and the declaration ends the search (the doc is then not found).
 */
export function declarationStart(text: string, offset: number): number | undefined {
  const own = lineStart(text, offset);
  if (text.slice(own, offset).trim() !== '') return undefined;
  let start = own;
  for (let at = own; at > 0; ) {
    const from = lineStart(text, at - 1);
    const line = text.slice(from, at).trim();
    if (line !== '' && !line.startsWith('//')) break;
    if (line.startsWith('///')) start = from;
    at = from;
  }
  return start;
}

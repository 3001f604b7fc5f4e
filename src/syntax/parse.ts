// Text → AST with syntax diagnostics. Never throws: garbage in, diagnostics out.
import type { IRecognitionException, IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { positionAt, type Span } from '../diagnostics/span.js';
import type { Comment, SourceFile } from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import { parser } from './parser.js';
import { BadNumber, RecLexer, UnterminatedComment, UnterminatedString } from './tokens.js';

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

export function parse(text: string, fileName: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const at = (start: number, end: number): Span => ({ file: fileName, start: positionAt(text, start), end: positionAt(text, end) });
  const lexed = RecLexer.tokenize(text);

  for (const e of lexed.errors) {
    const ch = text.slice(e.offset, e.offset + (e.length || 1));
    diagnostics.push(
      diag('REC1001', at(e.offset, e.offset + (e.length || 1)), `unexpected character \`${ch}\``, {
        hint: ch === "'" ? 'strings use double quotes: "…"' : ch === '#' ? 'comments start with `//`' : ch === ';' ? 'statements need no `;`: remove it' : 'remove it',
      }),
    );
  }
  const broken = [...((lexed.groups.errors ?? []) as IToken[]), ...lexed.tokens.filter((t) => t.tokenType === UnterminatedString || t.tokenType === BadNumber)];
  for (const t of broken) {
    const span = at(t.startOffset, t.startOffset + t.image.length);
    if (t.tokenType === UnterminatedString) diagnostics.push(diag('REC1004', span, 'this string is not closed', { hint: 'add the closing `"` on the same line' }));
    else if (t.tokenType === UnterminatedComment) diagnostics.push(diag('REC1006', at(t.startOffset, t.startOffset + 2), 'this block comment is not closed', { hint: 'close it with `*/`' }));
    else if (t.tokenType === BadNumber) diagnostics.push(diag('REC1005', span, `malformed number \`${t.image}\``, { hint: 'write numbers like 16, 200_000, 0.05 or 1e-3 (one `_` between digits)' }));
  }

  parser.input = lexed.tokens;
  const cst = parser.file();
  const seen = new Set<number>();
  const explained = cascadeLines(lexed.errors.map((e) => e.line ?? 0).concat(broken.map((t) => t.startLine ?? 0)), lexed.tokens);
  for (const e of parser.errors) {
    const d = parseErrorDiagnostic(e, text, at);
    if (seen.has(d.span.start.offset) || explained.has(d.span.start.line)) continue;
    seen.add(d.span.start.offset);
    diagnostics.push(d);
  }

  const comments: Comment[] = ((lexed.groups.comments ?? []) as IToken[]).map((t) => ({
    kind: 'Comment',
    text: t.image,
    span: at(t.startOffset, t.startOffset + t.image.length),
  }));
  const docs = [...((lexed.groups.docs ?? []) as IToken[])];
  const file = new CstToAst(fileName, docs).file(cst, comments, text);
  return { file, diagnostics };
}

/**
 * Lines whose parse errors a lexical error already explains: its own line and the next line
 * holding a token (an unclosed string swallows the rest of its line and confuses the next).
 */
function cascadeLines(errorLines: number[], tokens: IToken[]): Set<number> {
  const lines = new Set<number>();
  for (const line of errorLines) {
    lines.add(line);
    const next = tokens.find((t) => (t.startLine ?? 0) > line);
    if (next?.startLine) lines.add(next.startLine);
  }
  return lines;
}

function parseErrorDiagnostic(e: IRecognitionException, text: string, at: (s: number, e: number) => Span): Diagnostic {
  const tok = e.token;
  const tokStart = Number.isFinite(tok.startOffset) ? tok.startOffset : text.length;
  const tokEnd = Number.isFinite(tok.startOffset) ? tok.startOffset + tok.image.length : text.length;
  if (e.name === 'MismatchedTokenException') {
    // Point where the missing token belongs: right after the previous token.
    const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    const pos = prev && Number.isFinite(prev.startOffset) ? prev.startOffset + prev.image.length : tokStart;
    const expected = /expected (`[^`]+`|a \w+)/.exec(e.message)?.[1];
    return diag('REC1003', at(pos, pos), e.message, { hint: expected ? `add ${expected}` : undefined });
  }
  return diag('REC1002', at(tokStart, Math.max(tokEnd, tokStart)), e.message);
}

// Text → AST with syntax diagnostics. Never throws: garbage in, diagnostics out.
import type { IRecognitionException, IToken } from 'chevrotain';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Pos, Span } from '../diagnostics/span.js';
import type { Comment, SourceFile, TopItem } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import { commentNode } from './comment-node.js';
import { DocComments } from './doc-comments.js';
import { lineIndex } from './line-index.js';
import { decodeString, tooLarge } from './literals.js';
import { MAX_NESTING, MAX_TREE_DEPTH, tooDeepAt } from './nesting.js';
import { parser } from './parser.js';
import { syntaxDiagnostic } from './syntax-errors.js';
import * as T from './tokens.js';

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

/** Parse one `.rec` file. Never throws; the tree is as complete as error recovery allows. */
export function parse(text: string, fileName: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const position = lineIndex(text);
  const at = (start: number, end: number): Span => ({ file: fileName, start: position(start), end: position(end) });
  const lexed = T.RecLexer.tokenize(text);
  let tokens = lexed.tokens;

  // ── lexical errors ──────────────────────────────────────────────────────────
  const lexLines: number[] = [];
  for (const e of lexed.errors) {
    const run = text.slice(e.offset, e.offset + (e.length || 1));
    lexLines.push(position(e.offset).line);
    diagnostics.push(diag('REC1001', at(e.offset, e.offset + run.length), unexpectedCharacters(run), { hint: characterHint(run) }));
  }
  for (const t of (lexed.groups.errors ?? []) as IToken[]) {
    // the only token in the `errors` group: a `/*` that is never closed
    lexLines.push(position(t.startOffset).line);
    diagnostics.push(diag('REC1006', at(t.startOffset, t.startOffset + 2), 'this block comment is not closed', { hint: 'close it with `*/`' }));
  }
  for (const t of tokens) {
    if (t.tokenType === T.UnterminatedString) {
      lexLines.push(position(t.startOffset).line);
      diagnostics.push(diag('REC1004', at(t.startOffset, t.startOffset + t.image.length), 'this string is not closed', { hint: 'add the closing `"` on the same line' }));
    } else if (t.tokenType === T.BadNumber) {
      lexLines.push(position(t.startOffset).line);
      diagnostics.push(
        diag('REC1005', at(t.startOffset, t.startOffset + t.image.length), `malformed number \`${t.image}\``, {
          hint: 'write numbers like 16, 200_000, 0.05 or 1e-3 (one `_` between digits)',
        }),
      );
    }
    const large = t.tokenType === T.NumberLit ? tooLarge(t.image) : undefined;
    if (large) {
      diagnostics.push(
        diag('REC1005', at(t.startOffset, t.startOffset + t.image.length), `${large} \`${t.image}\` is too large`, {
          hint: large === 'integer' ? 'integers go up to 9_007_199_254_740_991 (2^53 - 1)' : 'numbers go up to about 1.8e308',
        }),
      );
    }
    if (t.tokenType === T.StringLit || t.tokenType === T.UnterminatedString) {
      for (const b of decodeString(t.image).bad) {
        const s = t.startOffset + b.offset;
        diagnostics.push(
          diag('REC1007', at(s, s + b.length), b.message, {
            hint: 'escapes are \\" \\\\ \\n \\t \\r \\0 and \\u{…}; write \\\\ for a backslash',
          }),
        );
      }
    }
  }

  // ── nesting guard: the parser recurses, and must not overflow the stack ─────
  const tooDeep = tooDeepAt(tokens);
  const deep = tooDeep?.index ?? -1;
  if (tooDeep) {
    const t = tokens[deep]!;
    const span = at(t.startOffset, t.startOffset + t.image.length);
    diagnostics.push(
      tooDeep.why === 'nesting'
        ? diag('REC1008', span, `nesting deeper than ${MAX_NESTING} levels; the rest of the file is not read`, { hint: 'name the inner parts with `let`' })
        : diag('REC1009', span, `this expression chains more than ${MAX_TREE_DEPTH} operators, calls or \`else if\`s; the rest of the file is not read`, {
            hint: 'name parts of it with `let`, e.g. `let s1 = a + b + c`',
          }),
    );
    tokens = tokens.slice(0, deep);
  }

  // ── parse: when the top level stops early, resume at the next `use`, `block` or `model` ──
  const docs = new DocComments((lexed.groups.docs ?? []) as IToken[], tokens);
  const found: Diagnostic[] = [];
  const builder = new AstBuilder(fileName, docs, found, position, parser.at);
  const items: TopItem[] = [];
  const errors: IRecognitionException[] = [];
  const insertions: (typeof parser.insertions)[number][] = [];
  let start = 0;
  while (start <= tokens.length) {
    const rest = start === 0 ? tokens : tokens.slice(start);
    items.push(...parser.run<TopItem[]>(() => parser.file(), rest, text, builder));
    errors.push(...parser.errors);
    insertions.push(...parser.insertions);
    const stuck = parser.errors.find((e) => e.name === 'NotAllInputParsedException');
    if (!stuck) break;
    const from = rest.indexOf(stuck.token);
    const next = rest.findIndex((t, i) => i > from && T.TOP_LEVEL.has(t.tokenType));
    if (from < 0 || next < 0) break;
    start += next;
  }

  // One diagnostic per position, and none on a line a lexical error already explains (an
  // unclosed string swallows the rest of its line and confuses the next one).
  const explained = cascadeLines(lexLines, tokens, position);
  const seen = new Set<number>();
  let index: Map<IToken, number> | undefined;
  const indexOf = (t: IToken) => (index ??= new Map(tokens.map((tok, i) => [tok, i]))).get(t) ?? -1;
  const cx = { text, tokens, indexOf, insertions, at };
  for (const e of errors) {
    // past a nesting cut, the missing closers are not news
    if (deep >= 0 && !Number.isFinite(e.token.startOffset)) continue;
    const d = syntaxDiagnostic(e, cx);
    if (seen.has(d.span.start.offset) || explained.has(d.span.start.line)) continue;
    seen.add(d.span.start.offset);
    diagnostics.push(d);
  }

  // ── tree ────────────────────────────────────────────────────────────────────
  for (const d of found) {
    if (d.code.startsWith('REC1') && (seen.has(d.span.start.offset) || explained.has(d.span.start.line))) continue;
    diagnostics.push(d);
  }
  // Doc comments that document nothing stay in the file as plain comments, so the formatter keeps them.
  const comments: Comment[] = [...((lexed.groups.comments ?? []) as IToken[]), ...docs.unused()]
    .sort((a, b) => a.startOffset - b.startOffset)
    .map((t) => commentNode(t, fileName, position));
  const file: SourceFile = { kind: 'File', items, comments, span: at(0, text.length) };
  // in text order (a stable sort: at one position, lexical errors stay first)
  return { file, diagnostics: diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset) };
}

/** Unprintable characters are named by their code point, the rest shown as written. */
function unexpectedCharacters(run: string): string {
  const shown = [...run].map((c) => (/[\p{L}\p{N}\p{P}\p{S}]/u.test(c) ? c : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`));
  const sep = shown.some((c) => c.startsWith('U+') && c.length > 1) ? ' ' : '';
  const text = shown.length > 12 ? `${shown.slice(0, 12).join(sep)}…` : shown.join(sep);
  return shown.length === 1 ? `unexpected character \`${text}\`` : `unexpected characters \`${text}\``;
}

function characterHint(run: string): string {
  const c = run[0];
  if (c === "'") return 'strings use double quotes: "…"';
  if (c === '#') return 'comments start with `//`';
  if (c === ';') return 'statements need no `;`: remove it';
  if (c === '!') return 'negate with `not`; `!=` compares';
  if (c === '&' || c === '|') return 'combine conditions with `and` and `or`';
  return run.length === 1 ? 'remove it' : 'remove them';
}

/**
 * Lines whose parse errors a lexical error already explains: its own line and the next line
 * holding a token.
 */
function cascadeLines(errorLines: number[], tokens: IToken[], position: (offset: number) => Pos): Set<number> {
  const lines = new Set<number>();
  for (const line of errorLines) {
    lines.add(line);
    // first token on a later line (tokens are in text order): binary search
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (position(tokens[mid]!.startOffset).line > line) hi = mid;
      else lo = mid + 1;
    }
    if (lo < tokens.length) lines.add(position(tokens[lo]!.startOffset).line);
  }
  return lines;
}

// Source positions. Lines and columns are 1-based (what editors and compilers print);
// offsets are 0-based UTF-16 indices into the text.

export interface Pos {
  offset: number;
  line: number;
  column: number;
}

export interface Span {
  file: string;
  start: Pos;
  end: Pos; // exclusive
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: a.start.offset <= b.start.offset ? a.start : b.start, end: a.end.offset >= b.end.offset ? a.end : b.end };
}

/** Whether the character at `i` ends a line: `\n`, or a `\r` that no `\n` follows (as LSP counts lines). */
export function endsLine(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10);
}

/** Position of `offset` in `text` (1-based line and column). */
export function positionAt(text: string, offset: number): Pos {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (endsLine(text, i)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** A span from offsets; used by fixtures and tests. */
export function spanOf(file: string, text: string, start: number, end: number): Span {
  return { file, start: positionAt(text, start), end: positionAt(text, end) };
}

export function containsOffset(span: Span, offset: number): boolean {
  return span.start.offset <= offset && offset <= span.end.offset;
}

// Offsets → 1-based line and column, for one text. The lexer and the parser track offsets only
// (lines in every token cost time and memory, while only the spans actually built need them):
// they are looked up here.
//
// A line ends at `\n`, `\r\n` or a lone `\r`, as LSP counts lines (and Python, and most editors):
// a spec saved with old Mac line ends reads as the lines its editor shows.
import { endsLine, type Pos } from '../diagnostics/span.js';

/** Where the line holding `offset` starts. Before a line start, `lineStart(text, start - 1)` is the line before's. */
export function lineStart(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) if (endsLine(text, i)) return i + 1;
  return 0;
}

/** Where the line holding `offset` ends: the offset of its line break (`\r` of a `\r\n`), or the end of the text. */
export function lineEnd(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/** Where the line after the one holding `offset` starts, or the end of the text. */
export function nextLineStart(text: string, offset: number): number {
  const end = lineEnd(text, offset);
  return text.startsWith('\r\n', end) ? end + 2 : Math.min(end + 1, text.length);
}

/** The lines of a text, without their line breaks. */
export const splitLines = (text: string): string[] => text.split(/\r\n|\r|\n/);

/** A function giving the position of an offset of `text`. */
export function lineIndex(text: string): (offset: number) => Pos {
  const starts = [0];
  if (text.indexOf('\r') < 0) for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  else for (let i = 0; i < text.length; i++) if (endsLine(text, i)) starts.push(i + 1);
  let last = 0; // spans are mostly built in text order: try the line of the previous lookup first
  return (offset) => {
    let lo: number;
    if (starts[last]! <= offset && (last + 1 >= starts.length || starts[last + 1]! > offset)) lo = last;
    else {
      lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      last = lo;
    }
    return { offset, line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

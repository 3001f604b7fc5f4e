// Offsets → 1-based line and column, for one text. The lexer and the parser track offsets only
// (lines in every token cost time and memory, while only the spans actually built need them):
// they are looked up here.
import type { Pos } from '../diagnostics/span.js';

/** A function giving the position of an offset of `text`; only `\n` ends a line, as in span.ts. */
export function lineIndex(text: string): (offset: number) => Pos {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
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

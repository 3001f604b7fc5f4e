// Selection ranges ("expand selection"): from the name or literal at the cursor out through each
// enclosing part of the tree (an argument, the call, the expression, the `let`, the block or the
// model, the file), each range holding the one before.
import type { Position, SelectionRange } from 'vscode-languageserver/node.js';
import type { Span } from '../diagnostics/span.js';
import type { SourceFile } from '../syntax/ast.js';

const holds = (s: Span, offset: number) => s.start.offset <= offset && offset <= s.end.offset;

/**
 * The spans of the syntax nodes around `offset`, outermost first. Every field of every node is
 * walked, so a new kind of node needs nothing here; a node whose span does not hold the offset is
 * not entered, so only the path to the cursor is.
 */
function around(v: unknown, offset: number, out: Span[]): Span[] {
  if (typeof v !== 'object' || v === null) return out;
  if (Array.isArray(v)) {
    for (const x of v) around(x, offset, out);
    return out;
  }
  const node = v as Record<string, unknown>;
  const span = node.span as Span | undefined;
  if (span) {
    if (!holds(span, offset)) return out;
    out.push(span);
  }
  for (const key in node) if (key !== 'span') around(node[key], offset, out);
  return out;
}

/** The ranges around each offset; `position` is the document's (LSP lines: a lone `\r` ends one too). */
export function selectionRanges(file: SourceFile, offsets: number[], position: (offset: number) => Position): SelectionRange[] {
  return offsets.map((offset) => {
    // From the outermost in, each span kept inside the one kept before it: where a comment
    // touches code (`b// c`), both hold the offset between them, and the comment (walked after
    // the file's items) is no part of the code. A span equal to the one before adds no step.
    let range: SelectionRange | undefined;
    let outer: Span | undefined;
    for (const s of around(file, offset, [])) {
      if (outer && (s.start.offset < outer.start.offset || s.end.offset > outer.end.offset)) continue;
      if (outer && s.start.offset === outer.start.offset && s.end.offset === outer.end.offset) continue;
      range = { range: { start: position(s.start.offset), end: position(s.end.offset) }, ...(range ? { parent: range } : {}) };
      outer = s;
    }
    // the file's span holds every offset of its text: this is for a tree that lost its span
    return range ?? { range: { start: position(offset), end: position(offset) } };
  });
}

// Document highlight: where the cursor rests on a name, its definition (a write) and its uses
// (reads) in this file, as find references gives them (the selectors of a `freeze:` or `graft`
// and the named arguments of a parameter included).
import { DocumentHighlightKind, type DocumentHighlight } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { toRange } from './documents.js';
import { occurrences, symbolAt } from './queries.js';

export function highlights(a: Analysis, offset: number): DocumentHighlight[] {
  const hit = symbolAt(a, offset);
  if (!hit) return [];
  const decl = hit.def.span;
  const isDecl = (s: { file: string; start: { offset: number } }) => !!decl && s.file === decl.file && s.start.offset === decl.start.offset;
  return occurrences(a, hit.def)
    .filter((s) => s.file === a.file)
    .map((s) => ({ range: toRange(s), kind: isDecl(s) ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}

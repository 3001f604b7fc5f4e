// Find references: every use of the symbol under the cursor that this file's analysis saw
// (uses inside stdlib files are not listed: the analysis links names of the open file only).
import type { Location } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { toRange, uriIn } from './documents.js';
import { occurrences, symbolAt } from './queries.js';

/** `uri`: the document's. */
export function references(a: Analysis, offset: number, includeDeclaration: boolean, uri: string): Location[] {
  const hit = symbolAt(a, offset);
  if (!hit) return [];
  const decl = hit.def.span;
  return occurrences(a, hit.def)
    .filter((s) => includeDeclaration || !decl || s.file !== decl.file || s.start.offset !== decl.start.offset)
    .map((s) => ({ uri: uriIn(a, uri)(s.file), range: toRange(s) }));
}

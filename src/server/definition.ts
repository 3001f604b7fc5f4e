// Go to definition (into stdlib files too) and find references.
import type { Location } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { pathToUri, toRange } from './documents.js';
import { occurrences, symbolAt } from './queries.js';

export function definition(a: Analysis, offset: number): Location | null {
  const hit = symbolAt(a, offset);
  const span = hit?.def.span;
  return span ? { uri: pathToUri(span.file), range: toRange(span) } : null;
}

export function references(a: Analysis, offset: number, includeDeclaration: boolean): Location[] {
  const hit = symbolAt(a, offset);
  if (!hit) return [];
  return occurrences(a, hit.def)
    .filter((s) => includeDeclaration || s !== hit.def.span)
    .map((s) => ({ uri: pathToUri(s.file), range: toRange(s) }));
}

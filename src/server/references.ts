// Find references: every use of the symbol under the cursor that this file's analysis saw (uses
// inside stdlib files are not listed: the analysis links names of the open file only), and for a
// block of a used file or one of its parameters, the calls and named arguments in the specs that
// use the file (open, or on disk in the workspace), as rename.ts renames them.
import type { Location } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { toRange, uriIn } from './documents.js';
import { occurrences, occurrencesInUsers, sharedKind, symbolAt, type Users } from './queries.js';

/** `uri`: the document's. `users`: the specs that use this file, read only for a block or a parameter. */
export function references(a: Analysis, offset: number, includeDeclaration: boolean, uri: string, users: Users = () => []): Location[] {
  const hit = symbolAt(a, offset);
  if (!hit) return [];
  const decl = hit.def.span;
  const notDecl = (s: { file: string; start: { offset: number } }) => includeDeclaration || !decl || s.file !== decl.file || s.start.offset !== decl.start.offset;
  const here = occurrences(a, hit.def)
    .filter(notDecl)
    .map((s) => ({ uri: uriIn(a, uri)(s.file), range: toRange(s) }));
  if (!sharedKind(hit.def) || decl?.file !== a.file) return here;
  return [...here, ...occurrencesInUsers(hit.def, users).flatMap((u) => u.spans.map((s) => ({ uri: u.uri, range: toRange(s) })))];
}

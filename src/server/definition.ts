// Go to definition: a name's definition (into stdlib files too), and a named argument's
// parameter in the called block.
import type { Location } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { toRange, uriIn } from './documents.js';
import { namedArgAt, symbolAt } from './queries.js';

/** `uri`: the document's. */
export function definition(a: Analysis, offset: number, uri: string): Location | null {
  const uriOf = uriIn(a, uri);
  const arg = namedArgAt(a, offset);
  if (arg) return { uri: uriOf(arg.owner.path), range: toRange(arg.param.name.span) };
  const span = symbolAt(a, offset)?.def.span;
  return span ? { uri: uriOf(span.file), range: toRange(span) } : null;
}

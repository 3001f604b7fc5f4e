// Go to definition: a name's definition (into stdlib files too), and a named argument's
// parameter in the called block.
import type { Location } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { pathToUri, toRange } from './documents.js';
import { namedArgAt, symbolAt } from './queries.js';

export function definition(a: Analysis, offset: number): Location | null {
  const arg = namedArgAt(a, offset);
  if (arg) return { uri: pathToUri(arg.owner.path), range: toRange(arg.param.name.span) };
  const span = symbolAt(a, offset)?.def.span;
  return span ? { uri: pathToUri(span.file), range: toRange(span) } : null;
}

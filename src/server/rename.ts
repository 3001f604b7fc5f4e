// Rename a symbol in the current file; stdlib names and builtins are refused.
import { ResponseError, type WorkspaceEdit } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { isStdFile } from '../semantics/elaborate.js';
import { KEYWORDS } from '../syntax/tokens.js';
import { pathToUri, toRange } from './documents.js';
import { occurrences, symbolAt } from './queries.js';

export function rename(a: Analysis, offset: number, newName: string): WorkspaceEdit | ResponseError<void> {
  const hit = symbolAt(a, offset);
  if (!hit) return new ResponseError(-32602, 'nothing to rename here');
  const { def } = hit;
  if (def.kind === 'builtin' || !def.span) return new ResponseError(-32602, `\`${def.name}\` is a builtin and cannot be renamed`);
  if (isStdFile(def.span.file)) return new ResponseError(-32602, `\`${def.name}\` is defined in the stdlib and cannot be renamed`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || KEYWORDS.includes(newName)) return new ResponseError(-32602, `\`${newName}\` is not a valid name`);
  const edits = occurrences(a, def)
    .filter((s) => s.file === a.file)
    .map((s) => ({ range: toRange(s), newText: newName }));
  return { changes: { [pathToUri(a.file)]: edits } };
}

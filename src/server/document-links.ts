// Document links: the files a spec names (`use "./common.rec"`, `vocab: "items.txt"`,
// `data: "train.csv"`) open from the string that names them. Only strings the analysis read as a
// file, and could read, become links: a label column "stars" names no file, and a path the file
// policy refused or that does not exist links to nothing.
import { dirname, resolve } from 'node:path';
import type { DocumentLink, Position } from 'vscode-languageserver/node.js';
import type { Span } from '../diagnostics/span.js';
import type { Analysis } from '../semantics/analyze.js';
import { forEachExpr } from './ast-walk.js';
import { pathToUri } from './documents.js';

/** `position` is the document's (LSP lines and UTF-16 characters). */
export function documentLinks(a: Analysis, position: (offset: number) => Position): DocumentLink[] {
  const read = new Set(a.modules.map((m) => m.path));
  for (const [path, r] of a.reads ?? []) if (r.text !== undefined) read.add(path);
  const links: DocumentLink[] = [];
  // The link covers the path, inside the quotes.
  const link = (value: string, span: Span) => {
    const path = resolve(dirname(a.file), value);
    if (read.has(path)) links.push({ range: { start: position(span.start.offset + 1), end: position(span.end.offset - 1) }, target: pathToUri(path) });
  };
  for (const item of a.ast.items) if (item.kind === 'Use' && item.path.kind === 'file') link(item.path.value, item.path.span);
  forEachExpr(a.ast, (e) => {
    if (e.kind === 'String') link(e.value, e.span);
  });
  return links;
}

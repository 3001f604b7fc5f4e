// Workspace symbols ("go to symbol in workspace"): the blocks of every stdlib module, used or not,
// and the blocks and models of the open specs, the files they use and the other specs in the
// workspace's folders (Workspace.searchedFiles), with a model's features,
// personalization codes, `let`s and tasks. A query matches a name holding its characters in
// order, ignoring case (`gnu` finds `gate_nu`); names that start with the query come first.
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver/node.js';
import type { Ident } from '../syntax/ast.js';
import { toRange, type SearchedFile } from './documents.js';


/** At most this many answers: a one-letter query matches most names. */
const LIMIT = 256;

/** Whether `name` holds the characters of `query` in order (both lower case). */
function matches(name: string, query: string): boolean {
  let i = 0;
  for (let k = 0; k < name.length && i < query.length; k++) if (name[k] === query[i]) i++;
  return i === query.length;
}

export function workspaceSymbols(query: string, files: SearchedFile[]): SymbolInformation[] {
  const q = query.toLowerCase();
  const found: SymbolInformation[] = [];
  const add = (id: Ident | undefined, kind: SymbolKind, f: SearchedFile, container = f.container) => {
    if (!id?.name || !matches(id.name.toLowerCase(), q)) return;
    found.push({ name: id.name, kind, location: { uri: f.uri, range: toRange(id.span) }, containerName: container });
  };
  for (const f of files) {
    for (const item of f.ast.items ?? []) {
      if (item.kind === 'Block') add(item.name, SymbolKind.Function, f);
      if (item.kind !== 'Model') continue;
      add(item.name, SymbolKind.Class, f);
      const inModel = `${f.container} › ${item.name?.name ?? ''}`;
      for (const m of item.items ?? []) {
        if (m.kind === 'Features') for (const feature of m.features ?? []) add(feature.name, SymbolKind.Field, f, inModel);
        else if (m.kind === 'Pc' || m.kind === 'Let') add(m.name, SymbolKind.Variable, f, inModel);
        else if (m.kind === 'Task') add(m.name, SymbolKind.Event, f, inModel);
        else if (m.kind === 'Stage') for (const t of m.tasks ?? []) add(t.name, SymbolKind.Event, f, inModel);
      }
    }
  }
  const starts = (s: SymbolInformation) => (s.name.toLowerCase().startsWith(q) ? 0 : 1);
  return found.sort((a, b) => starts(a) - starts(b) || a.name.length - b.name.length || a.name.localeCompare(b.name)).slice(0, LIMIT);
}

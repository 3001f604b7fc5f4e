// The outline: uses, blocks with their parameters, the model with its features, pcs, lets,
// tasks and train section.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node.js';
import type { Span } from '../diagnostics/span.js';
import type { SourceFile } from '../syntax/ast.js';
import { toRange } from './documents.js';

function sym(name: string, kind: SymbolKind, span: Span, sel: Span, children: DocumentSymbol[] = [], detail?: string): DocumentSymbol {
  return { name, kind, range: toRange(span), selectionRange: toRange(sel), children, ...(detail ? { detail } : {}) };
}

export function documentSymbols(file: SourceFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const item of file.items) {
    if (item.kind === 'Use') {
      const name = item.path.kind === 'dotted' ? item.path.parts.map((p) => p.name).join('.') : item.path.value;
      out.push(sym(name, SymbolKind.Module, item.span, item.span));
    } else if (item.kind === 'Block') {
      out.push(sym(item.name.name, SymbolKind.Function, item.span, item.name.span, item.params.map((p) => sym(p.name.name, SymbolKind.Variable, p.span, p.name.span))));
    } else {
      const children: DocumentSymbol[] = [];
      for (const m of item.items) {
        if (m.kind === 'Features') for (const f of m.features) children.push(sym(f.name.name, SymbolKind.Field, f.span, f.name.span, [], 'feature'));
        else if (m.kind === 'Pc' || m.kind === 'Let') children.push(sym(m.name.name, SymbolKind.Variable, m.span, m.name.span, [], m.kind === 'Pc' ? 'pc' : 'let'));
        else if (m.kind === 'Task') children.push(sym(m.name.name, SymbolKind.Event, m.span, m.name.span, [], 'task'));
        else if (m.kind === 'Train') children.push(sym('train', SymbolKind.Object, m.span, m.span));
        else if (m.kind === 'Support' || m.kind === 'MetaBlock' || m.kind === 'Stage') children.push(sym(m.name.name, SymbolKind.Object, m.span, m.name.span));
      }
      out.push(sym(item.name.name, SymbolKind.Class, item.span, item.name.span, children, 'model'));
    }
  }
  return out;
}

// The outline: uses, blocks with their parameters, the model with its features, pcs, lets,
// tasks, support sets, meta blocks, stages (with their tasks) and train section. Parser
// recovery can leave a declaration without its name: such nodes are left out, never guessed.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node.js';
import type { Span } from '../diagnostics/span.js';
import type { Ident, SourceFile, TaskDecl } from '../syntax/ast.js';
import { typeExprText } from '../semantics/types.js';
import { toRange } from './documents.js';

function sym(name: string, kind: SymbolKind, span: Span, sel: Span, children: DocumentSymbol[] = [], detail?: string): DocumentSymbol {
  // The selection must lie inside the range; a recovered node may have a shorter span.
  const inside = sel.start.offset >= span.start.offset && sel.end.offset <= span.end.offset;
  return { name, kind, range: toRange(span), selectionRange: toRange(inside ? sel : span), children, ...(detail ? { detail } : {}) };
}

const named = (id: Ident | undefined): id is Ident => !!id?.name;

function task(t: TaskDecl): DocumentSymbol | undefined {
  return named(t.name) ? sym(t.name.name, SymbolKind.Event, t.span, t.name.span, [], 'task') : undefined;
}

export function documentSymbols(file: SourceFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const push = (list: DocumentSymbol[], s: DocumentSymbol | undefined) => s && list.push(s);
  for (const item of file.items ?? []) {
    if (item.kind === 'Use') {
      const name = item.path.kind === 'dotted' ? item.path.parts.map((p) => p.name).join('.') : item.path.value;
      if (name) out.push(sym(item.alias?.name ? `${name} as ${item.alias.name}` : name, SymbolKind.Module, item.span, item.alias?.span ?? item.span));
    } else if (item.kind === 'Block') {
      if (!named(item.name)) continue;
      const params = (item.params ?? []).filter((p) => named(p.name)).map((p) => sym(p.name.name, SymbolKind.Variable, p.span, p.name.span, [], p.type && typeExprText(p.type)));
      out.push(sym(item.name.name, SymbolKind.Function, item.span, item.name.span, params, 'block'));
    } else if (item.kind === 'Model') {
      if (!named(item.name)) continue;
      const children: DocumentSymbol[] = [];
      for (const m of item.items ?? []) {
        if (m.kind === 'Features') for (const f of m.features ?? []) named(f.name) && children.push(sym(f.name.name, SymbolKind.Field, f.span, f.name.span, [], 'feature'));
        else if (m.kind === 'Pc' || m.kind === 'Let') named(m.name) && children.push(sym(m.name.name, SymbolKind.Variable, m.span, m.name.span, [], m.kind === 'Pc' ? 'pc' : 'let'));
        else if (m.kind === 'Task') push(children, task(m));
        else if (m.kind === 'Train') children.push(sym('train', SymbolKind.Object, m.span, m.span));
        else if (m.kind === 'Stage') named(m.name) && children.push(sym(m.name.name, SymbolKind.Namespace, m.span, m.name.span, (m.tasks ?? []).map(task).filter((t): t is DocumentSymbol => !!t), 'stage'));
        else if (m.kind === 'Support' || m.kind === 'MetaBlock') named(m.name) && children.push(sym(m.name.name, SymbolKind.Object, m.span, m.name.span, [], m.kind === 'Support' ? 'support' : 'meta_block'));
      }
      out.push(sym(item.name.name, SymbolKind.Class, item.span, item.name.span, children, 'model'));
    }
  }
  return out;
}

// The names visible at a position, from the syntax tree: a block sees its parameters and the
// `let`s and loop variables above the cursor; a model sees its features and the pcs and lets
// above the cursor; both see the file's blocks, its `use`d modules, the prelude and builtins.
// Details and docs come from the resolver's symbol index where it has the name.
import type { Analysis } from '../semantics/analyze.js';
import { builtins } from '../semantics/builtins/index.js';
import { PRELUDE } from '../semantics/modules.js';
import type { SymbolDef } from '../semantics/resolve.js';
import type { FeatureDecl, Ident, Stmt, TopItem } from '../syntax/ast.js';

/** The top-level item the cursor is in: the last one starting before it (recovery may cut spans short). */
export function itemAt(a: Analysis, offset: number): TopItem | undefined {
  let found: TopItem | undefined;
  for (const item of a.ast.items ?? []) if (item.span.start.offset <= offset) found = item;
  return found;
}

/** The features the file's model declares, in order. */
export function featureDecls(a: Analysis): FeatureDecl[] {
  const model = a.ast.items.find((i) => i.kind === 'Model');
  return model ? model.items.flatMap((i) => (i.kind === 'Features' ? i.features : [])) : [];
}

export function namesInScope(a: Analysis, offset: number): SymbolDef[] {
  const byStart = new Map<number, SymbolDef>();
  for (const d of a.symbols.defs) if (d.span && d.span.file === a.file) byStart.set(d.span.start.offset, d);
  const out = new Map<string, SymbolDef>();
  // Inner names shadow outer ones: add inner first and never overwrite.
  const add = (d: SymbolDef) => {
    if (d.name && !out.has(d.name)) out.set(d.name, d);
  };
  const local = (id: Ident | undefined, kind: SymbolDef['kind']) => {
    if (id?.name) add(byStart.get(id.span.start.offset) ?? { name: id.name, kind, span: id.span });
  };
  // A binding is visible after its own name and value, not while its value is being typed.
  const before = (s: { span: { end: { offset: number } } }) => s.span.end.offset < offset;

  const item = itemAt(a, offset);
  if (item?.kind === 'Block') {
    const visitInner = (ss: Stmt[] | undefined): void => {
      const lets: Ident[] = [];
      for (const s of ss ?? []) {
        if (s.span.start.offset > offset) break;
        if (s.kind === 'Let' && before(s)) lets.push(s.name);
        else if ((s.kind === 'For' || s.kind === 'If') && s.span.end.offset >= offset) {
          if (s.kind === 'For') {
            visitInner(s.body);
            local(s.variable, 'loop');
          } else {
            visitInner(s.then);
            visitInner(s.else);
          }
        }
      }
      for (const l of lets.reverse()) local(l, 'let');
    };
    visitInner(item.body);
    for (const p of item.params ?? []) local(p.name, 'param');
  } else if (item?.kind === 'Model') {
    for (const m of [...(item.items ?? [])].reverse()) {
      if (m.kind === 'Features') for (const f of m.features ?? []) local(f.name, 'feature');
      else if ((m.kind === 'Pc' || m.kind === 'Let') && before(m)) local(m.name, m.kind === 'Pc' ? 'pc' : 'let');
      else if ((m.kind === 'Support' || m.kind === 'MetaBlock') && before(m)) local(m.name, 'let');
    }
  }
  if (item?.kind === 'Block' || item?.kind === 'Model') for (const d of globalNames(a)) add(d);
  return [...out.values()];
}

/** The names every block and model of the file sees, the file's own first: its blocks and modules, the prelude's blocks, the builtins. */
export function globalNames(a: Analysis): SymbolDef[] {
  const out: SymbolDef[] = a.symbols.defs.filter((d) => d.span?.file === a.file && (d.kind === 'block' || d.kind === 'module'));
  const root = a.modules[0];
  for (const m of a.modules) {
    if (m === root || !m.isStd || !PRELUDE.includes(m.name)) continue;
    for (const [name, b] of m.blocks) out.push({ name, kind: 'block', span: b.name.span, doc: b.doc, detail: `block ${name} (std.${m.name})`, owner: m });
  }
  for (const b of builtins().values()) out.push({ name: b.name, kind: 'builtin', doc: b.doc, detail: 'builtin' });
  return out;
}

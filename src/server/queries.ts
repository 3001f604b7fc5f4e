// What is at a position: the symbol (definition or reference) under the cursor.
import type { Analysis } from '../semantics/analyze.js';
import type { SymbolDef } from '../semantics/resolve.js';
import { contains } from './documents.js';

export function symbolAt(a: Analysis, offset: number): { def: SymbolDef; at: SymbolDef['span'] } | undefined {
  for (const r of a.symbols.refs) if (contains(r.span, a.file, offset)) return { def: r.def, at: r.span };
  for (const d of a.symbols.defs) if (d.span && contains(d.span, a.file, offset)) return { def: d, at: d.span };
  return undefined;
}

/** The definition and every reference of a symbol (same definition span). */
export function occurrences(a: Analysis, def: SymbolDef): NonNullable<SymbolDef['span']>[] {
  const same = (d: SymbolDef) => d === def || (!!d.span && !!def.span && d.span.file === def.span.file && d.span.start.offset === def.span.start.offset);
  const out = a.symbols.refs.filter((r) => same(r.def)).map((r) => r.span);
  if (def.span) out.unshift(def.span);
  return out;
}

// What is at a position: the symbol (definition or reference) under the cursor, or the named
// argument of a block call (`units:` in `poso.mlp(x, units: [8])`), which the resolver does not
// index because arguments are bound later, by the elaborator.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import type { Analysis } from '../semantics/analyze.js';
import type { Module } from '../semantics/modules.js';
import type { SymbolDef } from '../semantics/resolve.js';
import { globToRegExp } from '../semantics/selectors.js';
import type { BlockDecl, Param } from '../syntax/ast.js';
import { forEachExpr } from './ast-walk.js';
import { contains } from './documents.js';

export function symbolAt(a: Analysis, offset: number): { def: SymbolDef; at: Span } | undefined {
  for (const r of a.symbols.refs) if (contains(r.span, a.file, offset)) return { def: r.def, at: r.span };
  for (const d of a.symbols.defs) if (d.span && contains(d.span, a.file, offset)) return { def: d, at: d.span };
  // A named argument stands for its parameter (so references and rename work from a call site).
  const arg = namedArgAt(a, offset);
  const ps = arg?.param.name.span;
  const def = ps && a.symbols.defs.find((d) => d.kind === 'param' && d.span?.file === ps.file && d.span.start.offset === ps.start.offset);
  return def && arg ? { def, at: arg.at } : undefined;
}

/**
 * The error after which the parser stopped reading the analysed file (REC1008, REC1009: "the rest
 * of the file is not read"), if one did: the names written after it are in no index, so a
 * refactoring would miss them.
 */
export function readingStopped(a: Analysis): Diagnostic | undefined {
  return a.diagnostics.find((d) => (d.code === 'REC1008' || d.code === 'REC1009') && d.span.file === a.file);
}

/**
 * A parameter selector with a `*` (`freeze: ["tr*"]`: SymbolIndex.globs), as written, that has a
 * segment with a `*` matching one of `x` and `y` and not the other: a name in parameters' paths
 * (`trunk.dense0.kernel`, `features.item.table`) changed from one to the other would change what
 * it selects.
 */
export function globTelling(a: Analysis, x: string, y: string): string | undefined {
  return a.symbols.globs.find((segments) => segments.some((g) => g.includes('*') && globToRegExp(g).test(x) !== globToRegExp(g).test(y)))?.join('.');
}

/** Whether a parameter selector with a `*` may select parameters named under one of `names` (its first segment matches one). */
export function globUnder(a: Analysis, names: string[]): boolean {
  return a.symbols.globs.some((segments) => names.some((n) => globToRegExp(segments[0]!).test(n)));
}

/** A block or a block's parameter: the interface of its file, renamed and found in the specs that use the file too. */
export const sharedKind = (def: SymbolDef) => def.kind === 'block' || def.kind === 'param';

/** The specs that use a file, with their URIs and analyses (Workspace.usersOf), asked for only when the symbol is of a sharedKind. */
export type Users = () => ReadonlyArray<{ uri: string; a: Analysis }>;

/** Where each user writes the symbol `def` of the file it uses (its calls, its named arguments): users that do not, left out. */
export function occurrencesInUsers(def: SymbolDef, users: Users): Array<{ uri: string; spans: Span[] }> {
  return users().flatMap((u) => {
    const spans = occurrences(u.a, def).filter((s) => s.file === u.a.file);
    return spans.length > 0 ? [{ uri: u.uri, spans }] : [];
  });
}

/** The definition and every reference of a symbol (same definition span), for a parameter
 *  also the named arguments that give it, in text order. */
export function occurrences(a: Analysis, def: SymbolDef): Span[] {
  const same = (d: SymbolDef) => d === def || (!!d.span && !!def.span && d.span.file === def.span.file && d.span.start.offset === def.span.start.offset);
  const out = [...a.symbols.refs.filter((r) => same(r.def)).map((r) => r.span), ...namedArgSites(a, def)];
  out.sort((x, y) => (x.file === y.file ? x.start.offset - y.start.offset : x.file < y.file ? -1 : 1));
  if (def.span) out.unshift(def.span);
  return out;
}

export interface ArgHit {
  /** The argument's name as written at the call. */
  at: Span;
  param: Param;
  block: BlockDecl;
  owner: Module;
}

/** Every named argument of a block call in the file, with the parameter it names. */
function namedArgs(a: Analysis, visit: (hit: ArgHit) => void): void {
  forEachExpr(a.ast, (e) => {
    if (e.kind !== 'Call' || !(e.args ?? []).some((x) => x.name)) return;
    const calleeSpan = e.callee.kind === 'Member' ? e.callee.property.span : e.callee.kind === 'Name' ? e.callee.span : undefined;
    const ref = calleeSpan && a.symbols.refs.find((r) => r.span.file === a.file && r.span.start.offset === calleeSpan.start.offset);
    const owner = ref?.def.kind === 'block' ? ref.def.owner : undefined;
    const block = owner?.blocks.get(ref!.def.name);
    if (!owner || !block) return;
    for (const arg of e.args ?? []) {
      const param = arg.name && block.params.find((p) => p.name.name === arg.name!.name);
      if (param) visit({ at: arg.name!.span, param, block, owner });
    }
  });
}

/** The block parameter named by the argument name under the cursor, if any. */
export function namedArgAt(a: Analysis, offset: number): ArgHit | undefined {
  let hit: ArgHit | undefined;
  namedArgs(a, (h) => {
    if (!hit && contains(h.at, a.file, offset)) hit = h;
  });
  return hit;
}

/** The call sites of this file that name a parameter (`n:` in `widen(x, n: 4)`). */
export function namedArgSites(a: Analysis, param: SymbolDef): Span[] {
  const out: Span[] = [];
  if (param.kind !== 'param' || !param.span) return out;
  const at = param.span;
  namedArgs(a, (h) => {
    const s = h.param.name.span;
    if (s.file === at.file && s.start.offset === at.start.offset) out.push(h.at);
  });
  return out;
}

/** The block a callee names (`poso.mlp`, `mlp`, a block of this file), with its module. */
export function calledBlock(a: Analysis, callee: string, scope: SymbolDef[]): { block: BlockDecl; owner?: Module } | undefined {
  const parts = callee.split('.');
  if (parts.length === 2) {
    const mod = a.modules[0]?.imports.get(parts[0]!)?.module;
    const block = mod?.blocks.get(parts[1]!);
    return block ? { block, owner: mod } : undefined;
  }
  const def = scope.find((d) => d.name === callee && d.kind === 'block');
  const block = def?.owner?.blocks.get(callee);
  return block ? { block, owner: def!.owner } : undefined;
}

// Semantic tokens: each name of the file coloured by what it names, which the TextMate grammar
// (grammar/rec.tmLanguage.json) cannot know: a feature, a personalization code, a `let`, a
// block's parameter, a block of the file or of the stdlib, a builtin, a module, a task. Keywords,
// literals and comments stay the grammar's. The names are the resolver's (its definitions and
// uses in this file), and the names of named arguments (`dim:` in `id(hash: 100, dim: 8)`).
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import type { SymbolDef, SymbolKind } from '../semantics/resolve.js';
import { forEachExpr } from './ast-walk.js';

const TYPES = ['namespace', 'class', 'function', 'parameter', 'variable', 'property', 'event'] as const;
const MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
type TokenType = (typeof TYPES)[number];
type Modifier = (typeof MODIFIERS)[number];

/** What the server tells the client, once, at initialization. */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

/** How each kind of name is shown; a feature and a personalization code are set once, never assigned. */
const BY_KIND: Record<SymbolKind, { type: TokenType; modifiers: Modifier[] }> = {
  module: { type: 'namespace', modifiers: [] },
  model: { type: 'class', modifiers: [] },
  block: { type: 'function', modifiers: [] },
  builtin: { type: 'function', modifiers: ['defaultLibrary'] },
  param: { type: 'parameter', modifiers: [] },
  let: { type: 'variable', modifiers: [] },
  loop: { type: 'variable', modifiers: [] },
  feature: { type: 'property', modifiers: ['readonly'] },
  pc: { type: 'variable', modifiers: ['readonly'] },
  task: { type: 'event', modifiers: [] },
};

interface Token {
  offset: number;
  length: number;
  type: TokenType;
  modifiers: Modifier[];
}

/** A name's token: a block of a stdlib module (the prelude's `dense`, `poso.mlp`) is library code. */
function tokenOf(def: SymbolDef, offset: number, length: number, declaration: boolean): Token {
  const { type, modifiers } = BY_KIND[def.kind];
  const extra: Modifier[] = [...(declaration ? (['declaration'] as const) : []), ...(def.kind === 'block' && def.owner?.isStd ? (['defaultLibrary'] as const) : [])];
  return { offset, length, type, modifiers: [...modifiers, ...extra] };
}

/** The file's semantic tokens, in text order; `position` is the document's (LSP lines and UTF-16 characters). */
export function semanticTokens(a: Analysis, position: (offset: number) => { line: number; character: number }): SemanticTokens {
  // Names do not overlap, so neither do their tokens (the tests check it on every example and on
  // broken text); a name that recovery left empty has none.
  const tokens: Token[] = [];
  const add = (t: Token) => {
    if (t.length > 0) tokens.push(t);
  };
  for (const d of a.symbols.defs) if (d.span?.file === a.file) add(tokenOf(d, d.span.start.offset, d.span.end.offset - d.span.start.offset, true));
  for (const r of a.symbols.refs) if (r.span.file === a.file) add(tokenOf(r.def, r.span.start.offset, r.span.end.offset - r.span.start.offset, false));
  forEachExpr(a.ast, (e) => {
    if (e.kind !== 'Call') return;
    for (const arg of e.args) if (arg.name?.name) add({ offset: arg.name.span.start.offset, length: arg.name.name.length, type: 'parameter', modifiers: [] });
  });
  const builder = new SemanticTokensBuilder();
  for (const t of tokens.sort((x, y) => x.offset - y.offset)) {
    const at = position(t.offset);
    const bits = t.modifiers.reduce((m, x) => m | (1 << MODIFIERS.indexOf(x)), 0);
    builder.push(at.line, at.character, t.length, TYPES.indexOf(t.type), bits);
  }
  return builder.build();
}

// Completion by context: stdlib modules after `use`, a module's blocks after `poso.`, a block's
// parameters inside its call, feature kinds in `features {}`, settings in `train {}`, and
// otherwise keywords and the names in scope.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { builtins } from '../semantics/builtins/index.js';
import { FEATURE_KINDS } from '../semantics/features.js';
import { stdModuleNames } from '../semantics/modules.js';
import { TRAIN_FIELDS } from '../semantics/train-section.js';
import type { BlockDecl } from '../syntax/ast.js';
import { KEYWORDS } from '../syntax/tokens.js';

function paramItems(b: BlockDecl): CompletionItem[] {
  return b.params.map((p) => ({
    label: `${p.name.name}:`,
    kind: CompletionItemKind.Property,
    detail: `${p.type ? (p.type.name === 'list' ? `[${p.type.elem?.name}]` : p.type.name) : 'any'}${p.default ? ' (has a default)' : ''}`,
    ...(p.doc ? { documentation: p.doc } : {}),
    insertText: `${p.name.name}: `,
  }));
}

/** The section (`features`, `train`) whose braces enclose the offset, if any. */
function enclosingSection(text: string, offset: number): string | undefined {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{') {
      if (depth === 0) return /(\w+)\s*$/.exec(text.slice(Math.max(0, i - 40), i))?.[1];
      depth--;
    }
  }
  return undefined;
}

/** The callee of the innermost unclosed `(` before the offset, e.g. `poso.mlp`. */
function enclosingCall(text: string, offset: number): string | undefined {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) return /([A-Za-z_][\w.]*)\s*$/.exec(text.slice(Math.max(0, i - 60), i))?.[1];
      depth--;
    } else if (c === '{' || c === '}') return undefined;
  }
  return undefined;
}

export function complete(a: Analysis, text: string, offset: number): CompletionItem[] {
  const before = text.slice(Math.max(0, text.lastIndexOf('\n', offset - 1) + 1), offset);
  if (/^\s*use\s+(std\.)?\w*$/.test(before)) {
    return stdModuleNames().map((m) => ({ label: `std.${m}`, kind: CompletionItemKind.Module, insertText: before.includes('std.') ? m : `std.${m}` }));
  }
  const member = /([A-Za-z_]\w*)\.\w*$/.exec(before);
  if (member) {
    const mod = a.modules[0]?.imports.get(member[1]!)?.module;
    if (!mod) return [];
    return [...mod.blocks.values()].map((b) => ({ label: b.name.name, kind: CompletionItemKind.Function, detail: `block ${member[1]}.${b.name.name}`, ...(b.doc ? { documentation: b.doc } : {}) }));
  }
  const section = enclosingSection(text, offset);
  const call = enclosingCall(text, offset);
  if (call) {
    const [m, name] = call.includes('.') ? call.split('.') : [undefined, call];
    const mod = m ? a.modules[0]?.imports.get(m)?.module : a.modules.find((x) => x.blocks.has(name!));
    const b = mod?.blocks.get(name!);
    if (b) return paramItems(b);
    const builtin = builtins().get(name!);
    if (builtin) return builtin.sig.params.map((p) => ({ label: `${p.name}:`, kind: CompletionItemKind.Property, insertText: `${p.name}: ` }));
  }
  if (section === 'features' && /^\s*\w+\s*:\s*\w*$/.test(before)) {
    return FEATURE_KINDS.map((k) => ({ label: k, kind: CompletionItemKind.Constructor }));
  }
  if (section === 'train' && /^\s*\w*$/.test(before)) {
    return TRAIN_FIELDS.map((f) => ({ label: f, kind: CompletionItemKind.Property, insertText: `${f}: ` }));
  }
  const items: CompletionItem[] = KEYWORDS.map((k) => ({ label: k, kind: CompletionItemKind.Keyword }));
  const seen = new Set<string>();
  for (const d of a.symbols.defs) {
    if (seen.has(d.name) || !d.span || d.span.file !== a.file) continue;
    seen.add(d.name);
    items.push({ label: d.name, kind: d.kind === 'block' ? CompletionItemKind.Function : CompletionItemKind.Variable, ...(d.detail ? { detail: d.detail } : {}), ...(d.doc ? { documentation: d.doc } : {}) });
  }
  for (const [alias] of a.modules[0]?.imports ?? []) items.push({ label: alias, kind: CompletionItemKind.Module });
  for (const b of builtins().values()) items.push({ label: b.name, kind: CompletionItemKind.Function, detail: 'builtin', documentation: b.doc });
  for (const m of a.modules) if (m.isStd && m.name === 'layers') for (const b of m.blocks.values()) items.push({ label: b.name.name, kind: CompletionItemKind.Function, detail: `block ${b.name.name} (std.layers)`, ...(b.doc ? { documentation: b.doc } : {}) });
  return items;
}

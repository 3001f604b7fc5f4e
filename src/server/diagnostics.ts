// Diagnostics for the editor: every checker diagnostic of the file with its code, severity,
// hint and related locations (which may point into stdlib files). Fixes are code actions.
//
// A diagnostic in a file the spec uses (a syntax error in `common.rec`, a `use` cycle, a shape
// error inside one of its blocks) fails `recc check` of the spec as well: it is shown on the
// spec's `use` through which that file is reached, saying where it is, with its place as related
// information. The file's own diagnostics, when it is open, are its own analysis's.
import { basename } from 'node:path';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import type { Module } from '../semantics/modules.js';
import { pathToUri, toRange } from './documents.js';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/**
 * The editor's diagnostics of `file` (its analysis's `modules`, the root first, place those of
 * the files it uses); `uriOf` gives the URI of a path (the document's own for `file`).
 */
export function toLspDiagnostics(diags: Diagnostic[], file: string, modules: readonly Module[] = [], uriOf: (path: string) => string = pathToUri): LspDiagnostic[] {
  const via = useOf(modules, file);
  const out: LspDiagnostic[] = [];
  for (const d of diags) {
    const related = d.related.map((r) => ({ location: { uri: uriOf(r.span.file), range: toRange(r.span) }, message: r.message }));
    const text = d.hint ? `${d.message}\n${d.hint}` : d.message;
    const lsp = { severity: SEVERITY[d.severity], code: d.code, source: 'recc' };
    if (d.span.file === file) {
      // Editors fade unused bindings (REC2003) instead of underlining them.
      const tags = d.code === 'REC2003' ? { tags: [DiagnosticTag.Unnecessary] } : {};
      out.push({ range: toRange(d.span), ...lsp, ...tags, message: text, relatedInformation: related });
      continue;
    }
    const use = via.get(d.span.file);
    if (!use) continue;
    const where = `${basename(d.span.file)}:${d.span.start.line}:${d.span.start.column}`;
    out.push({ range: toRange(use), ...lsp, message: `in ${where}: ${text}`, relatedInformation: [{ location: { uri: uriOf(d.span.file), range: toRange(d.span) }, message: d.message }, ...related] });
  }
  return out;
}

/** For each file reached through `use`s from `file` (the first of `modules`), the span of the first `use` of `file` that reaches it. */
function useOf(modules: readonly Module[], file: string): Map<string, Span> {
  const via = new Map<string, Span>();
  const root = modules[0];
  if (root?.path !== file) return via;
  const uses = [...root.imports.values()].sort((x, y) => x.use.span.start.offset - y.use.span.start.offset);
  for (const { module, use } of uses) {
    const todo = [module];
    while (todo.length > 0) {
      const m = todo.pop()!;
      if (m.path === file || via.has(m.path)) continue;
      via.set(m.path, use.span);
      for (const i of m.imports.values()) todo.push(i.module);
    }
  }
  return via;
}

// Diagnostics for the editor: every checker diagnostic with its code, related locations and
// fixes (the fixes come back as code actions).
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { pathToUri, toRange } from './documents.js';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLspDiagnostics(diags: Diagnostic[], file: string): LspDiagnostic[] {
  return diags
    .filter((d) => d.span.file === file)
    .map((d) => ({
      range: toRange(d.span),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: 'recc',
      message: d.hint ? `${d.message}\n${d.hint}` : d.message,
      relatedInformation: d.related.map((r) => ({ location: { uri: pathToUri(r.span.file), range: toRange(r.span) }, message: r.message })),
      data: d.suggestions,
    }));
}

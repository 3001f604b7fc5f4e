// Diagnostics for the editor: every checker diagnostic of the file with its code, severity,
// hint and related locations (which may point into stdlib files). Fixes are code actions.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node.js';
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
      // Editors fade unused bindings (REC2003) instead of underlining them.
      ...(d.code === 'REC2003' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
      message: d.hint ? `${d.message}\n${d.hint}` : d.message,
      relatedInformation: d.related.map((r) => ({ location: { uri: pathToUri(r.span.file), range: toRange(r.span) }, message: r.message })),
    }));
}

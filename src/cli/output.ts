// How the CLI prints diagnostics: rendered for people, JSON for machines.
import { relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderDiagnostic } from '../diagnostics/render.js';

export type Format = 'text' | 'json';

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function printDiagnostics(diags: Diagnostic[], texts: Map<string, string>): void {
  const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
  // Only texts the analysis read (under the file policy) are shown; nothing is read again here.
  const sources = (file: string) => texts.get(file);
  for (const d of diags) process.stderr.write(`${renderDiagnostic(d, { color, sources, displayPath })}\n\n`);
}

/** JSON diagnostics with paths relative to the working directory. */
export function jsonDiagnostics(diags: Diagnostic[]): unknown[] {
  return diags.map((d) => ({
    ...d,
    span: { ...d.span, file: displayPath(d.span.file) },
    related: d.related.map((r) => ({ ...r, span: { ...r.span, file: displayPath(r.span.file) } })),
    suggestions: d.suggestions.map((s) => ({ ...s, span: { ...s.span, file: displayPath(s.span.file) } })),
  }));
}

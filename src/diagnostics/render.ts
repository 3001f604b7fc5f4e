// Diagnostics as a person reads them: `file:line:col: error[REC2001]: message`, the source line,
// carets under the span, related locations and the hint. JSON for machines.
import stringWidth from 'string-width';
import type { Diagnostic } from './diagnostic.js';

export interface RenderOptions {
  color: boolean;
  /** Source text by file name, to show the offending line. */
  sources: (file: string) => string | undefined;
  /** How to print a file name (e.g. relative to the working directory). */
  displayPath?: (file: string) => string;
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' };

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions): string {
  const c = (k: keyof typeof COLORS, s: string) => (opts.color ? `${COLORS[k]}${s}${COLORS.reset}` : s);
  const show = opts.displayPath ?? ((f: string) => f);
  const out: string[] = [];
  const where = `${show(d.span.file)}:${d.span.start.line}:${d.span.start.column}`;
  out.push(`${c('bold', where)}: ${c(d.severity, `${d.severity}[${d.code}]`)}: ${c('bold', d.message)}`);
  out.push(...snippet(d.span, opts, c));
  for (const r of d.related) {
    out.push(`  ${c('dim', '=')} note: ${r.message} (${show(r.span.file)}:${r.span.start.line}:${r.span.start.column})`);
    out.push(...snippet(r.span, opts, c).map((l) => `  ${l}`));
  }
  for (const s of d.suggestions) out.push(`  ${c('dim', '=')} fix: ${s.message}`);
  if (d.hint) out.push(`  ${c('dim', '=')} hint: ${d.hint}`);
  return out.join('\n');
}

function snippet(
  span: Diagnostic['span'],
  opts: RenderOptions,
  c: (k: keyof typeof COLORS, s: string) => string,
): string[] {
  const text = opts.sources(span.file);
  if (text === undefined) return [];
  const lines = text.split(/\r\n|\r|\n/); // as syntax/line-index.ts counts lines
  const lineText = lines[span.start.line - 1];
  if (lineText === undefined) return [];
  const gutter = String(span.start.line);
  const pad = ' '.repeat(gutter.length);
  const startCol = span.start.column;
  const endCol = span.end.line === span.start.line ? Math.max(span.end.column, startCol + 1) : lineText.length + 1;
  // Columns count UTF-16 units (as LSP positions do); a terminal shows a CJK character or an
  // emoji two cells wide and a combining mark in none: the carets go by cells (string-width).
  const shown = lineText.replace(/\t/g, ' ');
  const before = stringWidth(shown.slice(0, Math.max(0, startCol - 1)));
  const under = stringWidth(shown.slice(Math.max(0, startCol - 1), Math.max(startCol - 1, endCol - 1)));
  const carets = ' '.repeat(before) + '^'.repeat(Math.max(1, under));
  return [`${pad} |`, `${gutter} | ${shown}`, `${pad} | ${c('error', carets)}`];
}

/** One-line summary: `2 errors, 1 warning`. */
export function summarize(diags: readonly Diagnostic[]): string {
  const e = diags.filter((d) => d.severity === 'error').length;
  const w = diags.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, s: string) => `${n} ${s}${n === 1 ? '' : 's'}`;
  return `${plural(e, 'error')}, ${plural(w, 'warning')}`;
}

/** Machine-readable form: stable keys, 1-based lines and columns. */
export function diagnosticsToJson(diags: readonly Diagnostic[]): string {
  return JSON.stringify(diags, null, 2);
}

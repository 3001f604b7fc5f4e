// A diagnostic is a value: user errors are collected, never thrown.
import type { Span } from './span.js';
import { CODES, type DiagnosticCode } from './codes.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Related {
  span: Span;
  message: string;
}

/** A machine-applicable fix: replace the text under `span` with `text`. */
export interface Suggestion {
  message: string;
  span: Span;
  text: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  span: Span;
  message: string;
  related: Related[];
  suggestions: Suggestion[];
  /** A one-line hint on how to fix it, printed under the carets. */
  hint?: string;
}

/** Build a diagnostic; the severity comes from the code table. */
export function diag(
  code: DiagnosticCode,
  span: Span,
  message: string,
  extra: { related?: Related[]; suggestions?: Suggestion[]; hint?: string } = {},
): Diagnostic {
  return {
    code,
    severity: CODES[code].severity,
    span,
    message,
    related: extra.related ?? [],
    suggestions: extra.suggestions ?? [],
    ...(extra.hint ? { hint: extra.hint } : {}),
  };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Sort by file, then position, then code; stable output for the CLI and tests. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.start.offset - b.span.start.offset ||
      a.code.localeCompare(b.code),
  );
}

// How the CLI prints diagnostics: rendered for people, JSON for machines.
import { writeSync } from 'node:fs';
import { relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderDiagnostic } from '../diagnostics/render.js';

export type Format = 'text' | 'json';

/**
 * Write to standard output without process.stdout. That stream is made on first use, and making
 * it loads net or tty: ~3 ms of a ~110 ms `recc check` (measured over pipes, bench/frontend.mjs).
 * Synchronous, as process.stdout is on Linux for files, pipes and terminals; a descriptor left
 * non-blocking and full (EAGAIN) gets the rest through the stream.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process.stdout.write(bytes.subarray(at));
  }
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function printDiagnostics(diags: Diagnostic[], texts: Map<string, string>): void {
  // process.stderr, too, is made on first use: a clean `recc check` prints nothing there
  if (diags.length === 0) return;
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

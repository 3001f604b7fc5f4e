// Quick fixes: the machine-applicable suggestions the checker attached to its diagnostics
// ("did you mean `user_id`?" → replace). They are read from the current analysis, not from the
// diagnostics the client sends back, so clients that drop a diagnostic's `data` still get them.
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { toLspDiagnostics } from './diagnostics.js';
import { toRange, uriIn } from './documents.js';

const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const overlaps = (x: Range, y: Range) => before(x.start, y.end) && before(y.start, x.end);
const sameRange = (x: Range, y: Range) => x.start.line === y.start.line && x.start.character === y.start.character && x.end.line === y.end.line && x.end.character === y.end.character;

export function quickFixes(a: Analysis, uri: string, range: Range, fromClient: LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of a.diagnostics) {
    if (d.span.file !== a.file || d.suggestions.length === 0) continue;
    const r = toRange(d.span);
    if (!overlaps(r, range)) continue;
    const lsp = fromClient.find((c) => c.code === d.code && sameRange(c.range, r)) ?? toLspDiagnostics([d], a.file, a.modules, uriIn(a, uri))[0]!;
    for (const s of d.suggestions) {
      if (s.span.file !== a.file) continue;
      out.push({ title: s.message, kind: CodeActionKind.QuickFix, diagnostics: [lsp], isPreferred: d.suggestions.length === 1, edit: { changes: { [uri]: [{ range: toRange(s.span), newText: s.text }] } } });
    }
  }
  return out;
}

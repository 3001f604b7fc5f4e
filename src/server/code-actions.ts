// Quick fixes: the machine-applicable suggestions the checker attached to its diagnostics
// ("did you mean `user_id`?" → replace).
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node.js';
import type { Suggestion } from '../diagnostics/diagnostic.js';
import { toRange } from './documents.js';

export function quickFixes(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    for (const s of (d.data as Suggestion[] | undefined) ?? []) {
      out.push({ title: s.message, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [uri]: [{ range: toRange(s.span), newText: s.text }] } } });
    }
  }
  return out;
}

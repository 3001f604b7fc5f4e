// Formatting through the Prettier plugin (formatRec). A spec with a syntax error gets no edits:
// the diagnostics already say where, and reprinting a recovered tree could drop the user's text.
// The formatter is imported on the first request, not with the server: requiring Prettier starts
// the import of its ES module at once (index.cjs), ~50 ms of compiling that would otherwise run
// beside the analysis of the first document opened. Line breaks are the document's own (formatRec).
import type { TextEdit } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../semantics/analyze.js';

export async function formatDocument(doc: TextDocument, a: Analysis | undefined, filepath: string): Promise<TextEdit[]> {
  if (a?.diagnostics.some((d) => d.code.startsWith('REC1') && d.span.file === a.file)) return [];
  const text = doc.getText();
  let out: string;
  try {
    const { formatRec } = await import('../format/format.js');
    out = await formatRec(text, { filepath });
  } catch {
    return [];
  }
  if (out === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: out }];
}

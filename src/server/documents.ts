// The document lifecycle (Langium's Changed → Parsed → Analyzed): each open document is analysed
// when it changes; other files are read through the open buffers first, so a `use` of an unsaved
// file sees the editor's text.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../semantics/analyze.js';
import { readFileOrUndefined } from '../semantics/modules.js';
import type { Span } from '../diagnostics/span.js';

export const uriToPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
export const pathToUri = (p: string) => pathToFileURL(p).href;

export class Workspace {
  private readonly open = new Map<string, TextDocument>();
  private readonly analyses = new Map<string, { version: number; analysis: Analysis }>();

  update(doc: TextDocument): void {
    this.open.set(uriToPath(doc.uri), doc);
    this.analyses.delete(doc.uri);
  }

  close(uri: string): void {
    this.open.delete(uriToPath(uri));
    this.analyses.delete(uri);
  }

  document(uri: string): TextDocument | undefined {
    return this.open.get(uriToPath(uri));
  }

  readFile = (path: string): string | undefined => this.open.get(path)?.getText() ?? readFileOrUndefined(path);

  /** The analysis of an open document, recomputed only when its version changed. */
  analysis(uri: string): Analysis | undefined {
    const doc = this.document(uri);
    if (!doc) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    const analysis = analyze(doc.getText(), uriToPath(uri), { readFile: this.readFile });
    this.analyses.set(uri, { version: doc.version, analysis });
    return analysis;
  }
}

export function toRange(span: Span) {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

export function contains(span: Span | undefined, file: string, offset: number): boolean {
  return !!span && span.file === file && span.start.offset <= offset && offset <= span.end.offset;
}

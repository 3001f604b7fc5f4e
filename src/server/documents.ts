// The document lifecycle (Langium's Changed → Parsed → Analyzed): each open document is analysed
// when it changes; other files are read through the open buffers first, so a `use` of an unsaved
// file sees the editor's text.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { filePolicy, type FilePolicy } from '../io/file-policy.js';
import { analyze, type Analysis } from '../semantics/analyze.js';
import { ParseCache } from '../syntax/parse-cache.js';
import type { Span } from '../diagnostics/span.js';

/** A file URI's path; other URIs (`untitled:`, a file URL with a host) are used as they are. */
export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
export const pathToUri = (p: string) => pathToFileURL(p).href;

export class Workspace {
  private readonly open = new Map<string, TextDocument>();
  private readonly analyses = new Map<string, { version: number; analysis: Analysis }>();
  /** The last analysis of each document, whatever its version (for completion while typing). */
  private readonly last = new Map<string, Analysis>();
  /**
   * The last analysis of each document that elaborated its model: the next one resumes from it.
   * Typing passes through texts that do not parse; the text after them resumes from the one before.
   */
  private readonly elaborated = new Map<string, Analysis>();
  /** What the analyses of these documents parsed: an edit parses what it changed only. */
  private readonly parses = new ParseCache();
  /** Documents (URIs) whose copy here is out of sync: an edit was refused (see positions.ts). */
  readonly outOfSync = new Set<string>();

  /** Take a new version of a document; returns the other open documents that `use` it (now stale). */
  update(doc: TextDocument): string[] {
    const path = uriToPath(doc.uri);
    this.open.set(path, doc);
    this.analyses.delete(doc.uri);
    const stale: string[] = [];
    for (const [uri, { analysis }] of this.analyses) {
      if (analysis.modules.some((m) => m.path === path)) {
        this.analyses.delete(uri);
        stale.push(uri);
      }
    }
    return stale;
  }

  close(uri: string): void {
    this.outOfSync.delete(uri);
    this.open.delete(uriToPath(uri));
    this.analyses.delete(uri);
    this.last.delete(uri);
    this.elaborated.delete(uri);
  }

  /**
   * The analysis of the current version if it is ready, else the last one made. Completion reads
   * its context from the live text and only names in scope from the tree, so a slightly stale
   * tree beats making the user wait for a full analysis of a large spec on every keystroke.
   */
  recentAnalysis(uri: string): Analysis | undefined {
    const doc = this.document(uri);
    const cached = this.analyses.get(uri);
    if (doc && cached && cached.version === doc.version) return cached.analysis;
    return this.last.get(uri) ?? this.analysis(uri);
  }

  document(uri: string): TextDocument | undefined {
    return this.open.get(uriToPath(uri));
  }

  /** What specs may read besides their own trees: the client's `allowPaths` setting. */
  files: FilePolicy = filePolicy();

  /** Open buffers are read before the disk; the disk is read under `files` (src/io/file-policy.ts). */
  readFile = (path: string): string | undefined => this.open.get(path)?.getText();

  /** New `allowPaths`: every analysis is made again, since a file may now be read or refused. */
  setFilePolicy(files: FilePolicy): string[] {
    this.files = files;
    this.analyses.clear();
    this.elaborated.clear();
    return [...this.open.values()].map((d) => d.uri);
  }

  /** The analysis of an open document, recomputed only when its version changed. */
  analysis(uri: string): Analysis | undefined {
    const doc = this.document(uri);
    if (!doc) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    // The last elaboration lets an edit elaborate only the model items it changed.
    const analysis = analyze(doc.getText(), uriToPath(uri), { readFile: this.readFile, files: this.files, deferPasses: true, previous: this.elaborated.get(uri), parses: this.parses });
    this.analyses.set(uri, { version: doc.version, analysis });
    this.last.set(uri, analysis);
    if (analysis.model) this.elaborated.set(uri, analysis);
    return analysis;
  }
}

/** The `allowPaths` list of a settings object (`{ allowPaths: ["/data", …] }`), if it has a valid one. */
export function allowPathsSetting(settings: unknown): string[] | undefined {
  if (typeof settings !== 'object' || settings === null) return undefined;
  const allow = (settings as { allowPaths?: unknown }).allowPaths;
  return Array.isArray(allow) && allow.every((a) => typeof a === 'string') ? allow : undefined;
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

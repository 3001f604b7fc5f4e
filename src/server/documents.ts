// The document lifecycle: each version of an open document is analysed in stages (changed →
// parsed → resolved → elaborated, semantics/analyze.ts's StagedAnalysis), one per step() the
// server runs on its event loop. A new version replaces the analysis of the last one wherever it
// stands, so the rest of a stale analysis is never run. Other files are read through the open
// buffers first, so a `use` of an unsaved file sees the editor's text.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { filePolicy, type FilePolicy } from '../io/file-policy.js';
import { analyze, StagedAnalysis, type Analysis, type Stage } from '../semantics/analyze.js';
import type { DataColumns } from '../semantics/data-columns.js';
import { bufferRead, STDLIB_DIR, stdModuleNames } from '../semantics/modules.js';
import type { ColumnsCache } from '../data/file-columns.js';
import { ParseCache } from '../syntax/parse-cache.js';
import type { Span } from '../diagnostics/span.js';
import type { SourceFile } from '../syntax/ast.js';
import { DiskSpecs, type DiskSpec } from './disk-specs.js';

/** A file URI's path; other URIs (`untitled:`, a file URL with a host) are used as they are. */
export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
export const pathToUri = (p: string) => pathToFileURL(p).href;
/**
 * The URIs of the paths an analysis of the document at `uri` names: the document's own for its
 * file (an `untitled:` document has no file URL), a file URL for any other.
 */
export const uriIn = (a: { file: string }, uri: string) => (p: string) => (p === a.file ? uri : pathToUri(p));

/** A file to search (each once: Workspace.searchedFiles): its path and URI, its tree, and what its names are qualified with (`std.poso`, `common.rec`). */
export interface SearchedFile {
  path: string;
  uri: string;
  ast: SourceFile;
  container: string;
}

export class Workspace {
  private readonly open = new Map<string, TextDocument>();
  /** The analysis of each document's current version, as far as it has gone. */
  private readonly analyses = new Map<string, { version: number; staged: StagedAnalysis }>();
  /**
   * The last analysis of each document elaborated, whatever its version (for completion while
   * typing), and the parse cache's moves() of its file then: its tree describes its text while they
   * are the same.
   */
  private readonly last = new Map<string, { analysis: Analysis; moves: number }>();
  /**
   * The last analysis of each document that elaborated its model: the next one resumes from it.
   * Typing passes through texts that do not parse; the text after them resumes from the one before.
   */
  private readonly elaborated = new Map<string, Analysis>();
  /** What the analyses of these documents parsed: an edit parses what it changed only. */
  private readonly parses = new ParseCache();
  /** The specs on disk in the workspace's folders, read again when they change. */
  private readonly disk = new DiskSpecs();
  /** The columns they found in data files, kept while a file's size and time stay. */
  private readonly columns: ColumnsCache = new Map();
  /** Documents (URIs) whose copy here is out of sync: an edit was refused (see positions.ts). */
  readonly outOfSync = new Set<string>();

  /**
   * Take a new version of a document; returns the other open documents that `use` it and read
   * another text of it (now stale). Opening a file with the text its users read from disk changes
   * nothing for them.
   */
  update(doc: TextDocument): string[] {
    const path = uriToPath(doc.uri);
    this.open.set(path, doc);
    this.analyses.delete(doc.uri);
    return this.dropUsers(path, doc.getText());
  }

  /** Close a document; returns the open documents that `use` it: they now read it from disk. */
  close(uri: string): string[] {
    this.outOfSync.delete(uri);
    const path = uriToPath(uri);
    const wasOpen = this.open.delete(path);
    this.analyses.delete(uri);
    this.last.delete(uri);
    this.elaborated.delete(uri);
    return wasOpen ? this.dropUsers(path) : [];
  }

  /**
   * Files changed on disk (the client's file watcher): returns the open documents whose analyses
   * read one of them, now stale. A file open in the editor is read from its buffer, not the disk.
   */
  changedOnDisk(paths: string[]): string[] {
    const stale = new Set<string>();
    for (const path of paths) if (!this.open.has(path)) for (const uri of this.dropUsers(path)) stale.add(uri);
    return [...stale];
  }

  /**
   * Drop the analyses that read `path` (a module, a vocabulary) and got another text than `text`,
   * or tried to and could not; any read of it when `text` is undefined (the disk's text changed).
   * Returns their URIs.
   */
  private dropUsers(path: string, text?: string): string[] {
    const stale: string[] = [];
    for (const [uri, { staged }] of this.analyses) {
      const read = staged.readOf(path);
      if (read && (text === undefined || read.text !== bufferRead(path, text, read.kind ?? 'spec'))) {
        this.analyses.delete(uri);
        stale.push(uri);
      }
    }
    return stale;
  }

  /**
   * The analysis of the file at `path` that `via` uses, and its URI: its open document's, or, when
   * it is not open, of the text `via` read (names resolved; no model is elaborated).
   */
  fileAnalysis(path: string, via: Analysis): { uri: string; a: Analysis } | undefined {
    const doc = this.open.get(path);
    if (doc) {
      const a = this.analysis(doc.uri);
      return a && { uri: doc.uri, a };
    }
    const text = via.modules.find((m) => m.path === path)?.text;
    return text === undefined ? undefined : { uri: pathToUri(path), a: analyze(text, path, { readFile: this.readFile, files: this.files, resolveOnly: true }) };
  }

  /**
   * The specs that `use` the file at `path`, but the document `except`, with their analyses: the
   * open documents (each run to the end), and the specs on disk under the workspace's folders
   * that are not open (names resolved; no model is elaborated), whose URIs are file URLs.
   */
  usersOf(path: string, except: string): Array<{ uri: string; a: Analysis }> {
    const out: Array<{ uri: string; a: Analysis }> = [];
    for (const doc of this.open.values()) {
      if (doc.uri === except || this.outOfSync.has(doc.uri)) continue;
      const a = this.analysis(doc.uri);
      if (a && a.file !== path && a.modules.some((m) => m.path === path)) out.push({ uri: doc.uri, a });
    }
    // A spec names a file it uses by its file name (`use "./shapes.rec"`): one whose text does
    // not hold that name is not analysed.
    const name = basename(path, '.rec');
    const exceptPath = uriToPath(except);
    for (const { path: file, text } of this.specsOnDisk(dirname(path))) {
      if (file === path || file === exceptPath || this.open.has(file)) continue;
      if (text === undefined || !text.includes(name)) continue;
      const a = analyze(text, file, { readFile: this.readFile, files: this.files, resolveOnly: true });
      if (a.modules.some((m) => m.path === path)) out.push({ uri: pathToUri(file), a });
    }
    return out;
  }

  /**
   * The workspace's folders (the client's `workspaceFolders`, or its `rootUri`): where the specs
   * on disk that may use a file are looked for. Without one, the file's own folder.
   */
  roots: string[] = [];

  /** The specs on disk under the roots (without any, under `fallback`), with their texts. */
  private specsOnDisk(fallback?: string): DiskSpec[] {
    return this.disk.under(this.roots.length > 0 ? this.roots : fallback ? [fallback] : [], this.files);
  }

  /**
   * For completion, without waiting for an elaboration: the current version's analysis once it is
   * resolved, else the last one elaborated while its tree is still that of its text; otherwise the
   * current version is parsed and resolved here. Completion reads its context from the live text
   * and only names in scope from the tree, so a slightly stale tree beats making the user wait for
   * a full analysis of a large spec. But once a newer text is parsed, the edit has moved the nodes
   * after it in the older tree too (syntax/reparse.ts): read where the cursor was in the older
   * text, that tree lost names in scope and showed defaults cut from the wrong place.
   */
  recentAnalysis(uri: string): Analysis | undefined {
    const staged = this.staged(uri);
    if (!staged) return undefined;
    if (staged.stage === 'resolved' || staged.stage === 'elaborated') return staged.analysis;
    const last = this.last.get(uri);
    return last && last.moves === this.parses.moves(last.analysis.file) ? last.analysis : staged.runTo('resolved');
  }

  /**
   * The current version's tree and names, without waiting for an elaboration: what folding,
   * selection ranges and semantic tokens read. Unlike recentAnalysis(), never an older version's,
   * whose positions may not be the text's.
   */
  resolved(uri: string): Analysis | undefined {
    return this.staged(uri)?.runTo('resolved');
  }

  /**
   * The files workspace symbols search: the open specs and the files they use, as last analysed
   * (without waiting for an elaboration), the other specs on disk under the workspace's folders,
   * and every stdlib module, used or not. Each is named as a spec names it: `std.poso`, or its
   * file name. `uri`: an open document's own (an unsaved one has no file URL).
   */
  searchedFiles(): SearchedFile[] {
    const files = new Map<string, SearchedFile>();
    for (const doc of this.open.values()) {
      const a = this.recentAnalysis(doc.uri);
      const uriOf = uriIn(a ?? { file: '' }, doc.uri);
      for (const m of a?.modules ?? []) files.set(m.path, { path: m.path, uri: uriOf(m.path), ast: m.ast, container: m.isStd ? `std.${m.name}` : basename(m.path) });
    }
    for (const { path, text } of this.specsOnDisk()) {
      if (files.has(path) || this.open.has(path) || text === undefined) continue;
      files.set(path, { path, uri: pathToUri(path), ast: this.parses.unchanged(text, path).file, container: basename(path) });
    }
    for (const name of stdModuleNames()) {
      const path = join(STDLIB_DIR, `${name}.rec`);
      if (files.has(path)) continue;
      try {
        files.set(path, { path, uri: pathToUri(path), ast: this.parses.unchanged(readFileSync(path, 'utf8'), path).file, container: `std.${name}` });
      } catch {
        // a stdlib file that cannot be read: nothing of it to find
      }
    }
    return [...files.values()];
  }

  /** The columns of a document's data as the last elaboration of its model knew them (for completion while typing). */
  dataColumns(uri: string): DataColumns | undefined {
    return this.elaborated.get(uri)?.model?.dataColumns;
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
    this.disk.clear();
    this.analyses.clear();
    this.elaborated.clear();
    return [...this.open.values()].map((d) => d.uri);
  }

  /** The full analysis of an open document's current version: the stages not run yet are run now. */
  analysis(uri: string): Analysis | undefined {
    const staged = this.staged(uri);
    if (!staged) return undefined;
    while (staged.stage !== 'elaborated') this.step(uri);
    return staged.analysis;
  }

  /** Run the next stage of the current version's analysis; returns the stage reached (undefined: not open). */
  step(uri: string): Stage | undefined {
    const staged = this.staged(uri);
    if (!staged || staged.stage === 'elaborated') return staged?.stage;
    if (staged.next() === 'elaborated') {
      const analysis = staged.analysis!;
      this.last.set(uri, { analysis, moves: this.parses.moves(analysis.file) });
      if (analysis.model) this.elaborated.set(uri, analysis);
    }
    return staged.stage;
  }

  /** The analysis of the current version, begun (at 'changed') when the version is new. */
  private staged(uri: string): StagedAnalysis | undefined {
    const doc = this.document(uri);
    if (!doc) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && cached.version === doc.version) return cached.staged;
    // The last elaboration lets an edit elaborate only the model items it changed.
    const staged = new StagedAnalysis(doc.getText(), uriToPath(uri), { readFile: this.readFile, files: this.files, deferPasses: true, previous: this.elaborated.get(uri), parses: this.parses, columns: this.columns });
    this.analyses.set(uri, { version: doc.version, staged });
    return staged;
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

// The language server (`recc lsp --stdio`), one feature per file, all on the compiler's front end.
// Every handler is wrapped so that any text, however broken, gets an answer and never a crash.
import { CodeActionKind, createConnection, DidChangeWatchedFilesNotification, MessageType, ProposedFeatures, ResponseError, ShowMessageNotification, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { filePolicy, type FilePolicy } from '../io/file-policy.js';
import type { Analysis } from '../semantics/analyze.js';
import { quickFixes } from './code-actions.js';
import { extractLet } from './extract-let.js';
import { inlineLet } from './inline-let.js';
import { complete } from './completion.js';
import { definition } from './definition.js';
import { documentLinks } from './document-links.js';
import { toLspDiagnostics } from './diagnostics.js';
import { allowPathsSetting, uriIn, uriToPath, Workspace } from './documents.js';
import { foldingRanges } from './folding.js';
import { formatDocument } from './formatting.js';
import { highlights } from './highlights.js';
import { hover } from './hover.js';
import { inlayHints } from './inlay-hints.js';
import { badPosition, badRange, checkedUpdate, invalidParams, offsetBefore, outOfSyncError } from './positions.js';
import { references } from './references.js';
import { definedElsewhere, prepareRename, rename } from './rename.js';
import { selectionRanges } from './selection-ranges.js';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './semantic-tokens.js';
import { signatureHelp } from './signature-help.js';
import { documentSymbols } from './symbols.js';
import { workspaceSymbols } from './workspace-symbols.js';

/** The paths of the `file:` folders among these (the other schemes have no files to read). */
function folderPaths(folders: ReadonlyArray<{ uri?: unknown } | null | undefined>): string[] {
  return folders.flatMap((f) => (typeof f?.uri === 'string' && f.uri.startsWith('file:') ? [uriToPath(f.uri)] : []));
}

function safe<A extends unknown[], R>(conn: Connection, fallback: R, f: (...a: A) => R): (...a: A) => R {
  return (...a: A) => {
    try {
      return f(...a);
    } catch (e) {
      conn.console.error(`recc lsp: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all), files: FilePolicy = filePolicy()): Connection {
  const ws = new Workspace();
  const documents = new TextDocuments({
    create: TextDocument.create,
    update: checkedUpdate(ws.outOfSync, (uri, why) => {
      // a notification has no response: the user is told, and the document's requests fail until it is sent whole
      const message = `recc: an edit of ${uri} was refused (${why}); the server's copy is out of sync: close and reopen the file`;
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message });
    }),
  });
  ws.setFilePolicy(files);

  // `allowPaths`: directories specs may read besides their own (`--allow-path` of the CLI), from
  // the initialization options or the `recc.allowPaths` workspace setting.
  let watchFiles = false;
  let folderChanges = false;
  connection.onInitialize((p) => {
    const allow = allowPathsSetting(p.initializationOptions);
    if (allow) ws.setFilePolicy(filePolicy(allow));
    watchFiles = p.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    // where rename, references and workspace symbols look for the specs on disk that are not open
    ws.roots = folderPaths(Array.isArray(p.workspaceFolders) ? p.workspaceFolders : [{ uri: p.rootUri }]);
    folderChanges = p.capabilities.workspace?.workspaceFolders === true;
    return {
      capabilities: {
        // Edits arrive as ranges (TextDocuments applies them); the analysis diffs texts itself.
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['.', '(', ' '] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorExtract, CodeActionKind.RefactorInline] },
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
        inlayHintProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        documentLinkProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'recc' },
    };
  });
  // Files that specs `use` or read a vocabulary from change on disk too (a save from another
  // editor, a checkout): the client watches them, and the open specs that read one are checked
  // again. Every file of the workspace, since a vocabulary may have any name; an event costs a
  // lookup in the few open analyses.
  connection.onInitialized(() => {
    // folders added to the workspace or removed from it (a client that sends no such change keeps its first)
    if (folderChanges) {
      connection.workspace.onDidChangeWorkspaceFolders(safe(connection, undefined, (e) => {
        const removed = new Set(folderPaths(e.removed));
        ws.roots = [...new Set([...ws.roots.filter((r) => !removed.has(r)), ...folderPaths(e.added)])];
      }));
    }
    // A client that refuses it only misses these re-checks: no error to raise.
    if (watchFiles) connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).catch(() => undefined);
  });
  connection.onDidChangeWatchedFiles(safe(connection, undefined, (p) => {
    const changes: unknown[] = Array.isArray(p?.changes) ? p.changes : [];
    const paths = changes.flatMap((c) => (typeof (c as { uri?: unknown })?.uri === 'string' ? [uriToPath((c as { uri: string }).uri)] : []));
    for (const uri of ws.changedOnDisk(paths)) schedule(uri);
  }));
  connection.onDidChangeConfiguration((p) => {
    // a client may send no params at all (null): nothing changes
    const settings = (p as { settings?: unknown } | null)?.settings as { recc?: unknown } | undefined;
    const allow = allowPathsSetting(settings?.recc);
    if (allow) for (const uri of ws.setFilePolicy(filePolicy(allow))) schedule(uri);
  });

  const publish = safe(connection, undefined, (uri: string) => {
    const a = ws.analysis(uri);
    const version = ws.document(uri)?.version;
    if (a) void connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics(a.diagnostics, a.file, a.modules, uriIn(a, uri)) });
  });
  // A document's analysis runs one stage per turn of the event loop (documents.ts), for the newest
  // text: a change that arrives between two stages drops the rest of the stale analysis, and a
  // completion request is answered between them. The diagnostics go out once it is elaborated.
  const scheduled = new Set<string>();
  const schedule = (uri: string) => {
    if (scheduled.has(uri)) return;
    scheduled.add(uri);
    setImmediate(advance, uri);
  };
  // The protocol library writes an answer on a turn after its handler ran (its write queue runs on
  // setImmediate): after a completion, the next stage waits a turn, so that the answer goes out
  // before the elaboration of a large spec, not after it.
  const answered = new Set<string>();
  const advance = safe(connection, undefined, (uri: string) => {
    scheduled.delete(uri);
    if (answered.delete(uri)) return schedule(uri);
    const stage = ws.step(uri);
    if (stage === 'elaborated') publish(uri);
    else if (stage) schedule(uri);
  });
  documents.onDidChangeContent((e) => {
    // a didOpen without a text: there is no document to check
    if (typeof e.document.getText() !== 'string') return;
    if (ws.outOfSync.has(e.document.uri)) {
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      return;
    }
    const stale = ws.update(e.document);
    schedule(e.document.uri);
    // Open specs that `use` this file see its unsaved text: check them again.
    for (const uri of stale) schedule(uri);
  });
  documents.onDidOpen((e) => ws.outOfSync.delete(e.document.uri));
  documents.onDidClose((e) => {
    const stale = ws.close(e.document.uri);
    scheduled.delete(e.document.uri);
    answered.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    // Specs that `use` it read it from disk again, without the editor's unsaved changes.
    for (const uri of stale) schedule(uri);
  });

  /** The open document; an error response when its copy is out of sync, undefined when it is not open. */
  const opened = (uri: string) => {
    const doc = ws.document(uri);
    return doc && ws.outOfSync.has(uri) ? outOfSyncError() : doc;
  };
  /** A request about a document: one whose params name none is refused as invalid, not logged as the server's failure. */
  const forDocument = <P, R>(fallback: R, f: (p: P) => R) =>
    safe(connection, fallback, (p: P): R | ResponseError<void> => {
      const uri = (p as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
      return typeof uri === 'string' ? f(p) : invalidParams(`textDocument.uri is a string, found ${JSON.stringify(uri) ?? 'nothing'}`);
    });
  /**
   * The document, its analysis and the offset of a request's position; an error response when the
   * position is not one of the document. `typing`: a request made while typing (completion,
   * signature help), answered from the recent analysis (documents.ts: a resolved one, without
   * waiting for an elaboration).
   */
  const at = (uri: string, pos: unknown, typing = false) => {
    const doc = opened(uri);
    if (!doc || doc instanceof ResponseError) return doc;
    const why = badPosition(doc, pos);
    if (why) return invalidParams(why);
    const a = typing ? ws.recentAnalysis(uri) : ws.analysis(uri);
    if (typing && scheduled.has(uri)) answered.add(uri);
    if (!a) return undefined;
    const offset = doc.offsetAt(pos as { line: number; character: number });
    // a recent analysis may be of the text before the latest edit: its tree is read where the cursor was then
    const analysed = a.modules[0]?.text;
    return { doc, a, offset, treeOffset: analysed === undefined ? offset : offsetBefore(analysed, doc.getText(), offset) };
  };
  /**
   * Where rename and references answer about the symbol at `c`: a used file's block or parameter
   * from the analysis of its file (its open document, or the text the spec read), anything else
   * from `c` itself; with the specs that use that file, read only when asked.
   */
  const fromHome = (c: { a: Analysis; offset: number }, uri: string) => {
    const home = definedElsewhere(c.a, c.offset);
    const there = home && ws.fileAnalysis(home.path, c.a);
    if (home && there) return { a: there.a, offset: home.offset, uri: there.uri, users: () => ws.usersOf(home.path, there.uri) };
    return { a: c.a, offset: c.offset, uri, users: () => ws.usersOf(c.a.file, uri) };
  };
  connection.onCompletion(forDocument([], (p) => {
    const c = at(p.textDocument.uri, p.position, true);
    return !c || c instanceof ResponseError ? (c ?? []) : complete(c.a, c.doc.getText(), c.offset, ws.dataColumns(p.textDocument.uri), c.treeOffset);
  }));
  connection.onSignatureHelp(forDocument(null, (p) => {
    const c = at(p.textDocument.uri, p.position, true);
    return !c || c instanceof ResponseError ? (c ?? null) : signatureHelp(c.a, c.doc.getText(), c.offset, c.treeOffset);
  }));
  /** The document and its analysis for a request over a range; an error response when the range is not one of the document. */
  const over = (uri: string, range: unknown) => {
    const doc = opened(uri);
    if (!doc || doc instanceof ResponseError) return doc;
    const why = badRange(doc, range);
    if (why) return invalidParams(why);
    const a = ws.analysis(uri);
    return a ? { doc, a } : undefined;
  };
  connection.languages.inlayHint.on(forDocument([], (p) => {
    const c = over(p.textDocument.uri, p.range);
    return !c || c instanceof ResponseError ? (c ?? []) : inlayHints(c.a, c.doc.offsetAt(p.range.start), c.doc.offsetAt(p.range.end));
  }));
  connection.onHover(forDocument(null, (p) => {
    const c = at(p.textDocument.uri, p.position);
    return !c || c instanceof ResponseError ? (c ?? null) : hover(c.a, c.offset);
  }));
  connection.onDefinition(forDocument(null, (p) => {
    const c = at(p.textDocument.uri, p.position);
    return !c || c instanceof ResponseError ? (c ?? null) : definition(c.a, c.offset, p.textDocument.uri);
  }));
  connection.onReferences(forDocument([], (p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c || c instanceof ResponseError) return c ?? [];
    const h = fromHome(c, p.textDocument.uri);
    return references(h.a, h.offset, p.context?.includeDeclaration === true, h.uri, h.users);
  }));
  connection.onDocumentHighlight(forDocument([], (p) => {
    const c = at(p.textDocument.uri, p.position);
    return !c || c instanceof ResponseError ? (c ?? []) : highlights(c.a, c.offset);
  }));
  connection.onPrepareRename(forDocument(null, (p) => {
    const c = at(p.textDocument.uri, p.position);
    return !c || c instanceof ResponseError ? (c ?? null) : prepareRename(c.a, c.offset);
  }));
  connection.onRenameRequest(forDocument(null, (p) => {
    if (typeof p.newName !== 'string') return invalidParams(`newName is a string, found ${JSON.stringify(p.newName) ?? 'nothing'}`);
    const c = at(p.textDocument.uri, p.position);
    if (!c || c instanceof ResponseError) return c ?? null;
    const h = fromHome(c, p.textDocument.uri);
    return rename(h.a, h.offset, p.newName, h.uri, h.users);
  }));
  connection.onDocumentSymbol(forDocument([], (p) => {
    const doc = opened(p.textDocument.uri);
    if (!doc || doc instanceof ResponseError) return doc ?? [];
    const a = ws.analysis(p.textDocument.uri);
    return a ? documentSymbols(a.ast) : [];
  }));
  // Folding, selection ranges and semantic tokens read the current text's tree and names only, so
  // they are answered before the elaboration of an edit, as completion is (an editor asks for
  // semantic tokens after each change).
  const current = (uri: string) => {
    const doc = opened(uri);
    if (!doc || doc instanceof ResponseError) return doc;
    const a = ws.resolved(uri);
    if (scheduled.has(uri)) answered.add(uri);
    return a ? { doc, a } : undefined;
  };
  connection.onFoldingRanges(forDocument([], (p) => {
    const c = current(p.textDocument.uri);
    return !c || c instanceof ResponseError ? (c ?? []) : foldingRanges(c.a.ast, c.doc.getText(), (o) => c.doc.positionAt(o));
  }));
  connection.onSelectionRanges(forDocument([], (p) => {
    const c = current(p.textDocument.uri);
    if (!c || c instanceof ResponseError) return c ?? [];
    if (!Array.isArray(p.positions)) return invalidParams(`positions is a list, found ${JSON.stringify(p.positions)}`);
    for (const q of p.positions as unknown[]) {
      const why = badPosition(c.doc, q);
      if (why) return invalidParams(why);
    }
    return selectionRanges(c.a.ast, p.positions.map((q) => c.doc.offsetAt(q)), (o) => c.doc.positionAt(o));
  }));
  connection.languages.semanticTokens.on(forDocument({ data: [] }, (p) => {
    const c = current(p.textDocument.uri);
    return !c || c instanceof ResponseError ? (c ?? { data: [] }) : semanticTokens(c.a, (o) => c.doc.positionAt(o));
  }));
  connection.onWorkspaceSymbol(safe(connection, [], (p) => workspaceSymbols(typeof p.query === 'string' ? p.query : '', ws.searchedFiles())));
  // The files a spec names are known once it is elaborated (what it read).
  connection.onDocumentLinks(forDocument([], (p) => {
    const doc = opened(p.textDocument.uri);
    if (!doc || doc instanceof ResponseError) return doc ?? [];
    const a = ws.analysis(p.textDocument.uri);
    return a ? documentLinks(a, (o) => doc.positionAt(o)) : [];
  }));
  connection.onCodeAction(forDocument([], (p) => {
    const c = over(p.textDocument.uri, p.range);
    if (!c || c instanceof ResponseError) return c ?? [];
    // A client may ask for some kinds only (`refactor` takes in `refactor.extract`).
    const only = Array.isArray(p.context?.only) ? p.context.only : undefined;
    // the client's diagnostics only help match a fix to the one it shows: malformed ones are dropped
    const sent: typeof p.context.diagnostics = Array.isArray(p.context?.diagnostics) ? p.context.diagnostics : [];
    const wanted = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const text = c.doc.getText();
    return [
      ...(wanted(CodeActionKind.QuickFix) ? quickFixes(c.a, p.textDocument.uri, p.range, sent.filter((d) => !badRange(c.doc, d?.range))) : []),
      ...(wanted(CodeActionKind.RefactorExtract) ? extractLet(c.a, text, p.textDocument.uri, c.doc.offsetAt(p.range.start), c.doc.offsetAt(p.range.end), (o) => c.doc.positionAt(o)) : []),
      ...(wanted(CodeActionKind.RefactorInline) ? inlineLet(c.a, text, p.textDocument.uri, c.doc.offsetAt(p.range.start), (o) => c.doc.positionAt(o)) : []),
    ];
  }));
  connection.onDocumentFormatting(async (p) => {
    if (typeof p?.textDocument?.uri !== 'string') return invalidParams('textDocument.uri is a string');
    const doc = opened(p.textDocument.uri);
    if (!doc || doc instanceof ResponseError) return doc ?? [];
    try {
      return await formatDocument(doc, ws.analysis(p.textDocument.uri), uriToPath(p.textDocument.uri));
    } catch (e) {
      connection.console.error(`recc lsp: ${(e as Error).stack ?? e}`);
      return [];
    }
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

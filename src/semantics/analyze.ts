// The front end in one call: parse a spec and what it uses, resolve names, elaborate its model
// to IR and verify it. The CLI, the language server and the tests all enter here. Nothing here
// imports TensorFlow.js or onnxruntime.
import { resolve as resolvePath } from 'node:path';
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { IRGraph } from '../ir/types.js';
import { runPasses } from '../ir/passes/index.js';
import type { BlockDecl, SourceFile } from '../syntax/ast.js';
import type { ParseCache } from '../syntax/parse-cache.js';
import type { ColumnsCache } from '../data/file-columns.js';
import type { Elaborator } from './elaborate.js';
import { elaborateModel, type ModelResult, type Resume } from './model.js';
import { filePolicy, isRefusal, readChecked, type FilePolicy } from '../io/file-policy.js';
import { checkedReader, ModuleLoader, type Module, type ReadChecked, type ReadFile, type ReadKind } from './modules.js';
import { reportKey } from './report.js';
import { Resolver, type SymbolIndex } from './resolve.js';

export interface Analysis {
  /** Absolute path of the analysed file. */
  file: string;
  ast: SourceFile;
  diagnostics: Diagnostic[];
  /** The IR of the file's model, when it has one and it elaborated without errors. */
  graph?: IRGraph;
  /** The IR even when there were errors (partial), for hover and stats in the editor. */
  partialGraph?: IRGraph;
  symbols: SymbolIndex;
  /** Every module loaded (the root first), for go-to-definition into stdlib. */
  modules: Module[];
  model?: ModelResult;
  /** The files elaboration read (vocabularies) and what they held: a later analysis may reuse it only if they still do. */
  reads?: Map<string, { kind: ReadKind; text: string | undefined }>;
}

export interface AnalyzeOptions {
  /**
   * Texts to read before the disk (the language server's open buffers). Every file a spec names
   * is read under `files` either way.
   */
  readFile?: ReadFile;
  /** Which files a spec may read besides its own tree (src/io/file-policy.ts); by default none. */
  files?: FilePolicy;
  /** Stop after name resolution (no IR): fast path for keystroke diagnostics. */
  resolveOnly?: boolean;
  /**
   * Run the IR passes when `graph` is first read, not before returning. They report nothing (a
   * failure is a compiler bug), so the diagnostics are the same; the language server publishes
   * them without waiting for an IR that only hover may want.
   */
  deferPasses?: boolean;
  /**
   * An analysis of the file's earlier text that elaborated its model: the model's items that did
   * not change, or only moved, are not elaborated again when they would build the same (see
   * Elaborator.resume). The result is the same as without it.
   */
  previous?: Analysis;
  /**
   * What earlier analyses parsed (syntax/parse-cache.ts): the language server passes the one it
   * owns, so an edit parses what it changed only. Without it (the CLI) every file is parsed.
   */
  parses?: ParseCache;
  /** The columns earlier analyses found in data files (data/file-columns.ts): the language server passes the one it owns. */
  columns?: ColumnsCache;
  /** Replay block calls seen before with the same arguments (semantics/block-memo.ts); on unless a test compares. */
  memoise?: boolean;
}

/** Analyse a spec given its text. Never throws on user input. */
export function analyze(text: string, file: string, opts: AnalyzeOptions = {}): Analysis {
  return new StagedAnalysis(text, file, opts).runTo(opts.resolveOnly ? 'resolved' : 'elaborated');
}

/** How far a staged analysis has gone, in order. */
export const STAGES = ['changed', 'parsed', 'resolved', 'elaborated'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * One analysis of a text, made a stage at a time: parse (the file; modules it uses are parsed as
 * the resolver reaches them), resolve names, elaborate the model to IR. analyze() runs every
 * stage at once; the language server runs one per turn of its event loop, so that an edit that
 * arrives in between drops the rest of a stale analysis, and completion can answer from a
 * resolved one without waiting for its elaboration.
 */
export class StagedAnalysis {
  stage: Stage = 'changed';
  private readonly path: string;
  private readonly readFile: ReadChecked;
  private readonly loader: ModuleLoader;
  private root: Module | undefined;
  /** The analysis so far, from 'resolved' on: elaboration completes the same object. */
  private result: Analysis | undefined;
  /** The parse's and the resolver's diagnostics, before elaboration adds its own. */
  private found: Diagnostic[] = [];
  private syntaxBroken = false;

  constructor(
    private readonly text: string,
    file: string,
    private readonly opts: AnalyzeOptions = {},
  ) {
    this.path = resolvePath(file);
    this.readFile = checkedReader(opts.files ?? filePolicy(), this.path, opts.readFile, opts.columns);
    this.loader = new ModuleLoader(this.readFile, opts.parses);
  }

  /** The analysis as far as it has gone: from 'resolved' on, the tree, its symbols and the diagnostics found so far. */
  get analysis(): Analysis | undefined {
    return this.result;
  }

  /**
   * What this analysis has read of `path` so far (a module, a vocabulary, a data file's columns)
   * and how: its text, or undefined text when it tried and could not; undefined when it has not
   * tried. It is stale once that changes.
   */
  readOf(path: string): { text: string | undefined; kind?: ReadKind } | undefined {
    return this.loader.readOf(path) ?? this.result?.reads?.get(path);
  }

  /** Run the next stage (none once elaborated); returns the stage reached. */
  next(): Stage {
    if (this.stage === 'changed') this.parse();
    else if (this.stage === 'parsed') this.resolve();
    else if (this.stage === 'resolved') this.elaborate();
    return this.stage;
  }

  /** Run the stages up to `stage` (those done already are not run again); returns the analysis so far. */
  runTo(stage: 'resolved' | 'elaborated'): Analysis {
    while (STAGES.indexOf(this.stage) < STAGES.indexOf(stage)) this.next();
    return this.result!;
  }

  private parse(): void {
    this.root = this.loader.loadRoot(this.path, this.text);
    this.stage = 'parsed';
  }

  private resolve(): void {
    const root = this.root!;
    const resolver = new Resolver(this.loader);
    resolver.resolveModule(root);
    // After a syntax error, name errors are mostly its echoes (a dropped `let`): show syntax first.
    this.syntaxBroken = hasErrors(this.loader.diagnostics);
    const found = [...this.loader.diagnostics, ...(this.syntaxBroken ? [] : resolver.diagnostics)];
    const models = root.ast.items.filter((i) => i.kind === 'Model');
    for (const m of models.slice(1)) found.push(diag('REC2002', m.name.span, 'a spec holds one model', { hint: 'put each model in its own file' }));
    this.found = found;
    const modules = [root, ...this.loader.modules().filter((m) => m !== root)];
    this.result = { file: this.path, ast: root.ast, diagnostics: dedupe(sortDiagnostics([...found])), symbols: resolver.index, modules };
    this.stage = 'resolved';
  }

  private elaborate(): void {
    const result = this.result!;
    const model = result.ast.items.find((i) => i.kind === 'Model');
    this.stage = 'elaborated';
    if (!model || this.syntaxBroken) return;
    const reads = new Map<string, { kind: ReadKind; text: string | undefined }>();
    const tracked: ReadChecked = (p, kind) => {
      const t = this.readFile(p, kind);
      reads.set(p, { kind, text: isRefusal(t) ? undefined : t.text });
      return t;
    };
    const elaborated = elaborateModel(model, this.root!, this.loader, tracked, resumable(this.opts.previous, result, this.readFile), this.opts.memoise);
    elaborated.elaborator.endResume();
    result.reads = reads;
    result.model = elaborated;
    result.partialGraph = elaborated.graph;
    const diagnostics = [...this.found, ...elaborated.elaborator.diagnostics];
    if (!hasErrors(diagnostics)) {
      if (this.opts.deferPasses) {
        let graph: IRGraph | undefined;
        Object.defineProperty(result, 'graph', { enumerable: true, configurable: true, get: () => (graph ??= runPasses(elaborated.graph)) });
      } else result.graph = runPasses(elaborated.graph);
    }
    result.diagnostics = dedupe(sortDiagnostics(diagnostics));
  }
}

/**
 * What elaborateModel() may resume from: the previous analysis of the same file when everything
 * a model sees besides its own items is unchanged, or changed only inside blocks: the file's
 * other items (the same nodes, as incremental parsing keeps them, or blocks of the same names in
 * the same order), every module loaded (the same parsed trees) and every file the elaboration
 * read. `stale`: the blocks edited since, whose expansions must not be reused.
 */
function resumable(previous: Analysis | undefined, now: Analysis, readFile: ReadChecked): Resume | undefined {
  if (!previous?.model || !previous.reads || previous.file !== now.file) return undefined;
  const model = previous.ast.items.find((i) => i.kind === 'Model');
  const others = (a: Analysis) => a.ast.items.filter((i) => i.kind !== 'Model');
  const [was, is] = [others(previous), others(now)];
  if (!model || was.length !== is.length) return undefined;
  const stale = new Set<BlockDecl>();
  for (let i = 0; i < was.length; i++) {
    const [a, b] = [was[i]!, is[i]!];
    if (a === b) continue;
    if (a.kind !== 'Block' || b.kind !== 'Block' || a.name.name !== b.name.name) return undefined;
    stale.add(a);
  }
  if (previous.modules.length !== now.modules.length) return undefined;
  const before = new Map(previous.modules.map((m) => [m.path, m.ast]));
  if (now.modules.some((m) => m.path !== now.file && before.get(m.path) !== m.ast)) return undefined;
  for (const [path, { kind, text }] of previous.reads) {
    const r = readFile(path, kind);
    if ((isRefusal(r) ? undefined : r.text) !== text) return undefined;
  }
  return { elaborator: previous.model.elaborator, model, stale };
}

/**
 * The resolver and the elaborator may both see one unknown name: report it once. An error is one
 * to a place (a second of its code there follows from the first: a check reading a value whose
 * error is reported), but two warnings with their own messages are two findings (a feature's
 * column missing from the data of two stages).
 */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = reportKey(d.code, d.span, d.severity === 'error' ? '' : d.message);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Analyse a file on disk; a file that cannot be read is a diagnostic. The user named it, so it
 * may be anywhere, but it must be a regular file within the size limit of a spec.
 */
export function analyzeFile(file: string, opts: AnalyzeOptions = {}): Analysis {
  const path = resolvePath(file);
  const overlay = opts.readFile?.(path);
  const r = overlay !== undefined ? { text: overlay } : readChecked(opts.files ?? filePolicy(), path, 'spec');
  if (isRefusal(r)) {
    const pos = { offset: 0, line: 1, column: 1 };
    const span = { file: path, start: pos, end: pos };
    const a = analyze('', file, { ...opts, resolveOnly: true });
    a.diagnostics = [diag(r.code, span, r.error, r.code === 'REC2009' ? { hint: 'check the path' } : {})];
    return a;
  }
  return analyze(r.text, file, opts);
}

// Loads a spec and everything it `use`s: stdlib modules by dotted name, other `.rec` files by
// relative path. Each file is parsed once; a cycle of `use`s is a diagnostic, not a hang.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import { columnsInText, headOf, readFileColumns, type ColumnsCache } from '../data/file-columns.js';
import { formatOf } from '../data/file-format.js';
import { filePolicy, isRefusal, outside, readChecked, reachOf, type FilePolicy, type Refusal } from '../io/file-policy.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { parse } from '../syntax/parse.js';
import type { ParseCache } from '../syntax/parse-cache.js';
import type { BlockDecl, SourceFile, UseDecl } from '../syntax/ast.js';

/** The stdlib folder of this package. */
export const STDLIB_DIR = resolve(PACKAGE_ROOT, 'stdlib');

/** Modules every file sees without a `use`: their blocks are in scope unqualified. */
export const PRELUDE = ['layers'];

export interface Module {
  /** Absolute path of the file. */
  path: string;
  /** The name a `use` binds by default: `poso` for std.poso, the file's base name otherwise. */
  name: string;
  isStd: boolean;
  text: string;
  ast: SourceFile;
  blocks: Map<string, BlockDecl>;
  /** Modules bound by this file's `use` declarations (alias → module). */
  imports: Map<string, { module: Module; use: UseDecl }>;
}

/** A file's text by absolute path, or undefined (the language server's open buffers). */
export type ReadFile = (path: string) => string | undefined;

/** A spec file on disk, regular and within the size limit (src/io/file-policy.ts), or undefined. */
export const readFileOrUndefined: ReadFile = (path) => {
  const r = readChecked(filePolicy(), path, 'spec');
  return isRefusal(r) ? undefined : r.text;
};

/**
 * What the front end reads: a spec or a vocabulary whole, or the columns a data file names (as
 * JSON: a list of names, or null when they cannot be known before training; data/file-columns.ts).
 */
export type ReadKind = 'spec' | 'vocabulary' | 'data-columns';
/** What the front end reads through: the text a read of that kind gives, or why it is not read. */
export type ReadChecked = (path: string, kind: ReadKind) => { text: string } | Refusal;

/**
 * Reads for the analysis of `specFile` under `policy`: files in its directory tree, the allowed
 * trees and the stdlib. `overlay` (the editor's unsaved buffers) is read before the disk, under
 * the same rule of place.
 */
export function checkedReader(policy: FilePolicy, specFile: string, overlay?: ReadFile, columns?: ColumnsCache): ReadChecked {
  const reach = reachOf(policy, specFile, [STDLIB_DIR]);
  return (path, kind) => {
    const text = overlay?.(path);
    if (text !== undefined) return outside(path, reach) ?? { text: bufferRead(path, text, kind) };
    if (kind !== 'data-columns') return readChecked(policy, path, kind, reach);
    const r = readFileColumns(policy, path, reach, columns);
    return isRefusal(r) ? r : { text: JSON.stringify(r.columns ?? null) };
  };
}

/**
 * What a read of `kind` gives for an editor's buffer of `path` holding `text`: the text, or the
 * columns a data file's text names (a text format by its name; a buffer is never Parquet).
 */
export function bufferRead(path: string, text: string, kind: ReadKind): string {
  if (kind !== 'data-columns') return text;
  const format = formatOf(path);
  return JSON.stringify((format && format !== 'parquet' && columnsInText(headOf(text), format)) || null);
}

export function stdModuleNames(): string[] {
  try {
    return ['layers', 'poso', 'pepnet', 'cmml', 'multitask', 'peterrec'].filter((n) => existsSync(join(STDLIB_DIR, `${n}.rec`)));
  } catch {
    return [];
  }
}

export class ModuleLoader {
  private readonly cache = new Map<string, Module>();
  private readonly loading: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** The files a `use` named that could not be read (missing, outside the allowed trees): one may appear. */
  private readonly unread = new Set<string>();

  constructor(
    private readonly read: ReadChecked,
    /** What the parses of earlier analyses left (the language server's); without it every file is parsed. */
    private readonly parses?: ParseCache,
  ) {}

  /** What was read of `path` so far: its text, or undefined text when a `use` of it could not read it; undefined when nothing tried. */
  readOf(path: string): { text: string | undefined } | undefined {
    const m = this.cache.get(path);
    if (m) return { text: m.text };
    return this.unread.has(path) ? { text: undefined } : undefined;
  }

  /** All modules loaded so far (for the language server: go to definition into stdlib). */
  modules(): Module[] {
    return [...this.cache.values()];
  }

  /** Load the root file from its text (the editor's buffer may differ from disk). */
  loadRoot(path: string, text: string): Module {
    return this.loadText(resolve(path), text, false);
  }

  /** The prelude modules (std.layers), loaded once. */
  prelude(): Module[] {
    const mods: Module[] = [];
    for (const name of PRELUDE) {
      const path = join(STDLIB_DIR, `${name}.rec`);
      const cached = this.cache.get(path);
      if (cached) {
        mods.push(cached);
        continue;
      }
      const r = this.read(path, 'spec');
      if (!isRefusal(r)) mods.push(this.loadText(path, r.text, true));
    }
    return mods;
  }

  private loadText(path: string, text: string, isStd: boolean): Module {
    const cached = this.cache.get(path);
    if (cached) return cached;
    // The files of the user may be being edited: an edit inside one model item parses that item only.
    const { file, diagnostics } = !this.parses ? parse(text, path) : isStd ? this.parses.unchanged(text, path) : this.parses.edited(text, path);
    this.diagnostics.push(...diagnostics);
    const blocks = new Map<string, BlockDecl>();
    for (const item of file.items) if (item.kind === 'Block' && !blocks.has(item.name.name)) blocks.set(item.name.name, item);
    const base = path.replace(/\\/g, '/').split('/').pop()!.replace(/\.rec$/, '');
    const mod: Module = { path, name: base, isStd, text, ast: file, blocks, imports: new Map() };
    this.cache.set(path, mod);
    this.loading.push(path);
    for (const item of file.items) if (item.kind === 'Use') this.loadUse(mod, item);
    this.loading.pop();
    return mod;
  }

  private loadUse(from: Module, use: UseDecl): void {
    let path: string;
    let defaultName: string;
    let isStd = false;
    if (use.path.kind === 'dotted') {
      const parts = use.path.parts.map((p) => p.name);
      const span = { ...use.path.parts[0]!.span, end: use.path.parts[use.path.parts.length - 1]!.span.end };
      if (parts[0] !== 'std' || parts.length !== 2) {
        this.diagnostics.push(
          diag('REC2004', span, `unknown module \`${parts.join('.')}\``, {
            hint: `stdlib modules are written \`std.NAME\` (${stdModuleNames().map((n) => `std.${n}`).join(', ')}); other files as \`use "./file.rec" as name\``,
          }),
        );
        return;
      }
      const name = parts[1]!;
      path = join(STDLIB_DIR, `${name}.rec`);
      defaultName = name;
      isStd = true;
      if (!stdModuleNames().includes(name)) {
        const alts = suggestNames(name, stdModuleNames()).map((n) => `std.${n}`);
        this.diagnostics.push(
          diag('REC2004', span, `there is no stdlib module \`std.${name}\``, {
            hint: didYouMean(alts) ?? `the stdlib has ${stdModuleNames().map((n) => `std.${n}`).join(', ')}`,
            suggestions: fixWith(alts, span, 'use'),
          }),
        );
        return;
      }
    } else {
      path = resolve(dirname(from.path), use.path.value);
      defaultName = path.replace(/\\/g, '/').split('/').pop()!.replace(/\.rec$/, '');
    }
    const alias = use.alias?.name ?? defaultName;
    const spanOfPath = use.path.kind === 'file' ? use.path.span : use.span;
    if (this.loading.includes(path)) {
      const chain = [...this.loading.slice(this.loading.indexOf(path)), path].map((p) => p.split('/').pop()).join(' → ');
      this.diagnostics.push(
        diag('REC2005', spanOfPath, `cyclic use: ${chain}`, { hint: 'move the shared blocks into a third file that both use' }),
      );
      return;
    }
    // Anything but a spec would be parsed line by line into errors that quote it: refused unread.
    if (!isStd && !path.endsWith('.rec')) {
      this.diagnostics.push(diag('REC2011', spanOfPath, `\`${use.path.kind === 'file' ? use.path.value : path}\` is not a spec: \`use\` reads \`.rec\` files only`, { hint: 'vocabularies are read by `id(vocab: "file.txt", …)`, data by `data:` in the train section' }));
      return;
    }
    const cached = this.cache.get(path)?.text;
    const r = cached !== undefined ? { text: cached } : this.read(path, 'spec');
    if (isRefusal(r)) {
      this.unread.add(path);
      const hint = r.code === 'REC2010' ? 'or copy the file into the spec\'s directory' : r.code === 'REC2009' ? 'paths in `use` are relative to the file that uses them' : undefined;
      this.diagnostics.push(diag(r.code, spanOfPath, r.error, hint ? { hint } : {}));
      return;
    }
    const mod = this.loadText(path, r.text, isStd);
    if (from.imports.has(alias)) {
      this.diagnostics.push(diag('REC2002', use.alias?.span ?? use.span, `\`${alias}\` is already imported`, { hint: 'give one of them another name with `as`' }));
      return;
    }
    from.imports.set(alias, { module: mod, use });
  }
}

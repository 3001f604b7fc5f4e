// What a spec may make recc read. A spec is data that may come from anyone, so the files it names
// (`use "…"`, `vocab: "…"`, `data: "…"`) are read only when all of these hold:
//   1. inside: after symlinks are resolved, the file lies in the spec's own directory tree or in
//      a tree the user allowed (`--allow-path DIR`, the language server's `allowPaths`); a link
//      in the tree that points out of it is outside;
//   2. regular: a regular file, not a device (/dev/zero, /dev/stdin), FIFO, socket or directory,
//      and not on a kernel file system (/proc, /sys: their files claim a size of 0 and hold
//      anything, the environment included);
//   3. small enough for its kind (LIMITS; data files are streamed and have no limit).
// Weights files (`--weights`, `--init`) are named by the user: they follow rules 2 and 3
// (openChecked, then read a tensor at a time), so `--weights /dev/zero` is refused, not read forever.
// A refusal names the path and the rule, never what the file holds. The checks and the read go
// through one file descriptor, opened without blocking (a FIFO would block the open), so the file
// checked is the file read. Files the user names on the command line skip rule 1 only.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statfsSync, type Stats } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { DiagnosticCode } from '../diagnostics/codes.js';

export type FileKind = 'spec' | 'vocabulary' | 'data' | 'weights';

export interface FilePolicy {
  /** Absolute directories whose trees every spec may read, besides its own. */
  readonly allow: readonly string[];
  /** The largest file of each kind, in bytes. */
  readonly limits: Readonly<Record<FileKind, number>>;
}

/**
 * A spec (and each file it uses) ≤ 4 MiB, a vocabulary ≤ 64 MiB (about 5 million values); data
 * unlimited; weights ≤ 7 GiB: a checkpoint of the largest model (2 GiB of float32 parameters,
 * REC5013: the serving ONNX file is a protobuf, which stops at 2 GiB) with Adam's two slots of
 * each, and its header. Of a checkpoint, only the parameters are read (src/io/safetensors-file.ts).
 */
export const LIMITS: Readonly<Record<FileKind, number>> = { spec: 4 * 2 ** 20, vocabulary: 64 * 2 ** 20, data: Infinity, weights: 7 * 2 ** 30 };

export function filePolicy(allow: readonly string[] = [], limits: Partial<Record<FileKind, number>> = {}): FilePolicy {
  return { allow: allow.map((d) => resolve(d)), limits: { ...LIMITS, ...limits } };
}

/** Why a file is not read: REC2009 it cannot be, REC2010 it is outside, REC2011 it is not a usable file. */
export interface Refusal {
  error: string;
  code: Extract<DiagnosticCode, 'REC2009' | 'REC2010' | 'REC2011'>;
}

export const isRefusal = (r: object): r is Refusal => 'error' in r;

/** The directories a spec may read: its own, the policy's, and `extra` (the stdlib). */
export function reachOf(policy: FilePolicy, specFile: string, extra: readonly string[] = []): string[] {
  return [dirname(resolve(specFile)), ...policy.allow, ...extra];
}

// Magic numbers of kernel file systems (statfs(2) f_type): proc, sysfs, debugfs, tracefs,
// securityfs, cgroup, cgroup2, bpf, configfs, efivarfs, pstore.
const KERNEL_FS = new Set([0x9fa0, 0x62656572, 0x64626720, 0x74726163, 0x73636673, 0x27e0eb, 0x63677270, 0xcafe4a11, 0x62656570, 0xde5e81e4, 0x6165676c]);

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function inside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** Why a file could not be opened or read, in words (the code when it has none). */
export function readCause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENAMETOOLONG') return 'the name is too long';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  // Node's own refusal of a path it cannot pass to the system (a NUL character in it)
  if (code === 'ERR_INVALID_ARG_VALUE') return 'a path cannot hold a NUL character';
  return code ?? (e as Error).message;
}

const human = (bytes: number) => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 ? 1 : 0)} MiB` : `${bytes} bytes`);

/**
 * Rule 1 for `path`: undefined when it lies in one of the `reach` trees. Symlinks are resolved
 * (of the file, or of its directory when the file does not exist yet, e.g. an editor's unsaved
 * buffer), in the path and in the trees.
 */
export function outside(path: string, reach: readonly string[]): Refusal | undefined {
  const abs = resolve(path);
  const parent = realOrUndefined(dirname(abs));
  const real = realOrUndefined(abs) ?? (parent !== undefined ? resolve(parent, basename(abs)) : abs);
  const roots = reach.map((d) => realOrUndefined(resolve(d)) ?? resolve(d));
  if (roots.some((d) => inside(real, d))) return undefined;
  const link = real !== abs ? ` (it resolves to ${real})` : '';
  return {
    code: 'REC2010',
    error: `\`${path}\`${link} is outside the spec's directory ${roots[0] ?? '(none)'}: a spec reads files only under its own directory (allow another with --allow-path DIR)`,
  };
}

/**
 * Open `path` for reading under the rules above; `reach` undefined skips rule 1 (a path the user
 * named). The caller closes the descriptor.
 */
export function openChecked(policy: FilePolicy, path: string, kind: FileKind, reach?: readonly string[]): { fd: number; real: string; stats: Stats } | Refusal {
  const abs = resolve(path);
  const real = realOrUndefined(abs);
  if (real === undefined) {
    let why = 'no such file';
    try {
      realpathSync(abs);
    } catch (e) {
      why = readCause(e);
    }
    return { code: 'REC2009', error: `cannot read \`${path}\`: ${why}` };
  }
  const out = reach ? outside(path, reach) : undefined;
  if (out) return out;
  let kernel = real === '/proc' || real === '/sys' || real.startsWith('/proc/') || real.startsWith('/sys/');
  try {
    kernel ||= KERNEL_FS.has(statfsSync(real).type);
  } catch {
    // statfs is missing on some platforms; the path test above stands
  }
  if (kernel) return { code: 'REC2011', error: `\`${path}\` is on a kernel file system (${real}): only regular files are read` };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; regular files ignore it.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    return { code: 'REC2009', error: `cannot read \`${path}\`: ${readCause(e)}` };
  }
  const stats = fstatSync(fd);
  const what = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : stats.isSocket() ? 'a socket' : undefined;
  if (what || !stats.isFile()) {
    closeSync(fd);
    return { code: 'REC2011', error: `\`${path}\` is ${what ?? 'not a regular file'}: only regular files are read` };
  }
  const limit = policy.limits[kind];
  if (stats.size > limit) {
    closeSync(fd);
    return { code: 'REC2011', error: `\`${path}\` is ${human(stats.size)}, over the ${human(limit)} limit of a ${kind} file` };
  }
  return { fd, real, stats };
}

/** The bytes of a file under the rules above, whole (`reach`: see openChecked). */
export function readBytesChecked(policy: FilePolicy, path: string, kind: FileKind, reach?: readonly string[]): { bytes: Buffer } | Refusal {
  const opened = openChecked(policy, path, kind, reach);
  if (isRefusal(opened)) return opened;
  const limit = policy.limits[kind];
  try {
    // Read to the end, but never past the limit: a file may grow after fstat.
    const chunks: Buffer[] = [];
    let total = 0;
    // The first read asks for the whole file as fstat sizes it, and one byte more (a file that
    // grew): a large weights file is then one buffer, not chunks copied again into one.
    let want = Math.min(limit + 1, opened.stats.size + 1);
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(want, Math.max(1, limit - total + 1)));
      want = 1 << 20;
      const n = readSync(opened.fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) return { code: 'REC2011', error: `\`${path}\` grew past the ${human(limit)} limit of a ${kind} file while it was read` };
    }
    return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
  } catch (e) {
    return { code: 'REC2009', error: `cannot read \`${path}\`: ${readCause(e)}` };
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * The UTF-8 text of a spec or vocabulary file under the rules above (`reach`: see openChecked).
 * A leading byte-order mark is dropped, unless `keepBom` (the formatter writes the file back).
 */
export function readChecked(policy: FilePolicy, path: string, kind: FileKind, reach?: readonly string[], keepBom = false): { text: string } | Refusal {
  const read = readBytesChecked(policy, path, kind, reach);
  if (isRefusal(read)) return read;
  const { bytes } = read;
  if (bytes.includes(0)) return { code: 'REC2011', error: `\`${path}\` is not a text file (it holds NUL bytes)` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes) };
  } catch {
    return { code: 'REC2011', error: `\`${path}\` is not UTF-8 text` };
  }
}

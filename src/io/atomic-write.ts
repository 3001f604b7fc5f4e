// Write a file so that a crash or a failed write never leaves it half-written: write a temporary
// file beside it (same directory, so the same file system), flush it to disk, then rename over the
// target (atomic on POSIX file systems), then flush the directory so the rename itself survives a
// power cut. On any failure the temporary file is removed and the old file is left as it was, and
// the error is a WriteError naming the file and the cause (a full disk, a read-only directory).
// A process killed mid-write leaves its temporary file: the next run removes it (removeStaleTemps).
// Scratch directories made beside an output (makeTempDir) are named the same way, for the same sweep.
// A directory (a Triton model) is written the same way: whole into a temporary directory beside
// it, then renamed into place. Outputs that belong together are staged all first and renamed into
// place only once all are written (StagedWrites), so a failure leaves none of them changed.
// A file that exists is replaced as the user had it (see replaced): a symlink stays a link and the
// file it names is the one rewritten, and the new file gets the old one's permissions.
// A target that is not a file but a stream (a character device such as /dev/null, a FIFO, the
// terminal behind /dev/stdout) is written into, as `cp` or `sort -o` do: renaming over it would
// put a regular file in the device's place. A block device (a disk) is refused.
import { randomInt } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { makeDirs } from './make-dirs.js';

/** `.<name>.<pid>.<time>.<random>.<kind>` beside the target (removeStaleTemps reads the pid). */
const tmpName = (path: string, kind: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${randomInt(2 ** 31)}.${kind}`);

/** Links followed before giving up, as Linux does (its MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * What a write to `path` replaces: the file at the end of its chain of symlinks (renaming over the
 * link itself would turn it into a regular file and leave the file it names as it was), and that
 * file's stats when it exists (undefined for a new file). Only the last component is followed: a
 * link among the directories is followed by the rename itself.
 */
function replaced(path: string): { file: string; old?: Stats } {
  let file = path;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let st: Stats;
    try {
      st = lstatSync(file);
    } catch {
      return { file }; // a new file (or a link to one not made yet: made where the link points)
    }
    if (!st.isSymbolicLink()) return { file, old: st };
    file = resolve(dirname(file), readlinkSync(file));
  }
  throw Object.assign(new Error(`too many symbolic links: ${path}`), { code: 'ELOOP' });
}

/**
 * What a write to `path` replaces (replaced), after sweeping the temporary files killed writes left
 * beside that file when a link leads into another directory: the callers sweep the output's own
 * directory only. Or, when `path` leads to a stream (intoStream), nothing: it is written into.
 */
function writeTarget(path: string): { file: string; old?: Stats; stream?: true } {
  if (intoStream(path)) return { file: path, stream: true };
  const target = replaced(path);
  if (dirname(target.file) !== dirname(resolve(path))) removeStaleTemps(dirname(target.file));
  return target;
}

/**
 * Give the new file (still temporary, nothing written yet) the replaced file's permission bits,
 * so that a private file stays private, even while it is being written, and its owner where the
 * process may (root): a plain open would give the umask's default and the writer as owner.
 */
function keepAccess(fd: number, old: Stats | undefined): void {
  if (!old) return;
  try {
    if (process.getuid?.() !== old.uid || process.getgid?.() !== old.gid) fchownSync(fd, old.uid, old.gid);
  } catch {
    // only root may give a file away: the file is the writer's, as after an editor's save
  }
  fchmodSync(fd, old.mode & 0o7777);
}

/**
 * Whether `path` (through its links: /dev/stdout's lead to a pipe or a terminal) is a stream to
 * write into rather than a file to replace: a character device, a FIFO or a socket. A block
 * device is refused (BlockDeviceError).
 */
function intoStream(path: string): boolean {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return false; // absent, or a dangling link: a new file (replaced says where)
  }
  if (st.isBlockDevice()) throw new BlockDeviceError(path);
  return st.isCharacterDevice() || st.isFIFO() || st.isSocket();
}

/** Write `data` into the stream `path` (intoStream): opened as it is, nothing created, renamed or flushed (a device or a pipe has no file to flush). */
function writeIntoStream(path: string, data: FileData): void {
  const fd = openSync(path, constants.O_WRONLY);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

function writeSynced(path: string, data: FileData, old?: Stats): void {
  const fd = openSync(path, 'wx');
  try {
    keepAccess(fd, old);
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * What a file is written from: text (UTF-8), bytes, or parts written one after another (a large
 * safetensors file: its header and each tensor's bytes, never joined in one buffer).
 */
export type FileData = Uint8Array | string | readonly Uint8Array[];

/** Bytes per write: Node refuses more than 2 GiB in one writeSync (ERR_OUT_OF_RANGE). */
const CHUNK = 2 ** 30;

/** Write `data` whole at the file's position, a chunk at a time. */
function writeAll(fd: number, data: FileData): void {
  const parts = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data;
  for (const bytes of parts) {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
  }
}

/** A write that failed, with the file it was for and why, in one line. */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    what = 'write',
  ) {
    super(`cannot ${what} ${path}: ${ioCause(code)}`);
  }
}

/** An output directory that exists as something else (a file): named as the user gave it (`-o x`), since the write that would fail names a temporary file in it. */
export class NotADirectoryError extends WriteError {
  constructor(path: string, shown: string, isFile: boolean) {
    super(path, 'ENOTDIR');
    this.message = isFile ? `${shown} is a file, not a directory` : `${shown} is not a directory`;
  }
}

/** An output that is a block device (a disk): written over, it would be destroyed, which nobody means by `-o`. */
export class BlockDeviceError extends WriteError {
  constructor(path: string) {
    super(path, undefined);
    this.message = `cannot write ${path}: it is a block device (a disk), which recc never writes over`;
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EIO: 'an input/output error',
  EFBIG: 'the file is too large for the file system',
  EMFILE: 'too many open files',
  ELOOP: 'too many levels of symbolic links',
  ENXIO: 'nothing reads the socket or device',
};

/** The cause of an I/O error code in words, with the code. */
export function ioCause(code: string | undefined): string {
  return code && Object.hasOwn(CAUSES, code) ? `${CAUSES[code]} (${code})` : (code ?? 'unknown error');
}

export function writeFileAtomic(path: string, data: FileData): void {
  const staged = new StagedWrites();
  staged.file(path, data);
  staged.commit();
}

/**
 * Several outputs that go in place together (a LiMAML model's global.onnx and meta.onnx, an ONNX
 * file and its Triton repository): each is written whole and flushed beside its target first, and
 * only when every one is written are they renamed into place, one after another. A failed write
 * (a disk that fills on the second file) removes what was staged and leaves every target as it
 * was: never a new global.onnx beside an old meta.onnx. Renames within a directory do not run out
 * of space; one that fails all the same puts the directories already swapped back (a file already
 * renamed over stays the new one) and names its target.
 */
export class StagedWrites {
  private readonly staged: Array<{ shown: string; tmp: string; target: string; kind: 'file' | 'directory' }> = [];
  /** Streams (intoStream) to write into at commit, before any rename: one that fails then changes no file. */
  private readonly streams: Array<{ shown: string; target: string; data: FileData }> = [];

  // A failed write below removes everything staged, so a caller only lets the WriteError through.

  /** Stage the file `path` (through its symlinks: see replaced), written and flushed now. */
  file(path: string, data: FileData): void {
    let tmp: string | undefined;
    try {
      const { file, old, stream } = writeTarget(path);
      if (stream) return void this.streams.push({ shown: path, target: file, data });
      tmp = tmpName(file, 'tmp');
      writeSynced(tmp, data, old);
      this.staged.push({ shown: path, tmp, target: file, kind: 'file' });
    } catch (e) {
      if (tmp) rmSync(tmp, { force: true });
      this.abort();
      throw this.failed(path, e);
    }
  }

  /**
   * Stage the directory `path` holding exactly `files` (paths relative to it, `/`-separated), in
   * place of what is there: written and flushed in a temporary directory beside it now.
   */
  directory(path: string, files: Record<string, Uint8Array | string>): void {
    let tmp: string | undefined;
    try {
      makeDirs(dirname(path));
      tmp = tmpName(path, 'tmp');
      mkdirSync(tmp);
      const dirs = new Set<string>([tmp]);
      for (const [rel, data] of Object.entries(files)) {
        const clean = normalize(rel);
        if (isAbsolute(clean) || clean.split(sep).includes('..')) throw new Error(`internal: ${rel} is outside the directory`);
        const file = join(tmp, clean);
        makeDirs(dirname(file));
        dirs.add(dirname(file));
        writeSynced(file, data);
      }
      for (const d of dirs) syncDirectory(d);
      this.staged.push({ shown: path, tmp, target: path, kind: 'directory' });
    } catch (e) {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      this.abort();
      throw this.failed(path, e);
    }
  }

  /**
   * Put everything staged in place. A file is renamed over its target. A directory cannot be
   * swapped atomically on POSIX: an existing one is renamed aside first and removed once the new
   * one is in place (for that instant it is absent, never half-written).
   */
  commit(): void {
    for (const s of this.streams) {
      try {
        writeIntoStream(s.target, s.data);
      } catch (e) {
        this.abort();
        throw this.failed(s.shown, e);
      }
    }
    const swapped: Array<{ target: string; old: string }> = [];
    for (let i = 0; i < this.staged.length; i++) {
      const s = this.staged[i]!;
      let old: string | undefined;
      try {
        if (s.kind === 'directory' && existsSync(s.target)) {
          old = tmpName(s.target, 'old');
          renameSync(s.target, old);
        }
        renameSync(s.tmp, s.target);
        if (old) swapped.push({ target: s.target, old });
      } catch (e) {
        if (old) renameSync(old, s.target);
        for (const d of swapped.reverse()) {
          rmSync(d.target, { recursive: true, force: true });
          renameSync(d.old, d.target);
        }
        this.abort();
        throw this.failed(s.shown, e);
      }
    }
    for (const d of swapped) rmSync(d.old, { recursive: true, force: true });
    for (const dir of new Set(this.staged.map((s) => dirname(s.target)))) syncDirectory(dir);
    this.staged.length = 0;
  }

  /** Remove what was staged; every target is left as it was. */
  abort(): void {
    for (const s of this.staged) rmSync(s.tmp, { recursive: true, force: true });
    this.staged.length = 0;
    this.streams.length = 0;
  }

  private failed(path: string, e: unknown): unknown {
    const code = (e as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? new WriteError(path, code) : e;
  }
}

/**
 * A file written piece by piece (a table streamed in chunks) with the same guarantee: the pieces
 * go to a temporary file beside `path`, which `commit` flushes and renames into place; `abort`
 * (or a failed write) removes it and leaves `path` as it was. Failures are WriteErrors. A stream
 * (intoStream: /dev/stdout, a FIFO) is written into as the pieces come.
 */
export class AtomicFile {
  /** The temporary file, or '' when writing into a stream. */
  private readonly tmp: string = '';
  /** The file renamed over: `path`, or the file its symlinks lead to. */
  private readonly file: string = '';
  private fd: number | undefined;

  constructor(readonly path: string) {
    try {
      const { file, old, stream } = writeTarget(path);
      this.file = file;
      if (stream) {
        this.fd = openSync(file, constants.O_WRONLY);
        return;
      }
      this.tmp = tmpName(file, 'tmp');
      this.fd = openSync(this.tmp, 'wx');
      keepAccess(this.fd, old);
    } catch (e) {
      throw this.failed(e);
    }
  }

  write(data: FileData): void {
    if (this.fd === undefined) throw new Error(`internal: ${this.path} is closed`);
    try {
      writeAll(this.fd, data);
    } catch (e) {
      throw this.failed(e);
    }
  }

  commit(): void {
    if (this.fd === undefined) throw new Error(`internal: ${this.path} is closed`);
    try {
      if (this.tmp) fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      if (this.tmp) renameSync(this.tmp, this.file);
    } catch (e) {
      throw this.failed(e);
    }
    if (this.tmp) syncDirectory(dirname(this.file));
  }

  /** Remove the temporary file; `path` is left as it was. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.tmp) rmSync(this.tmp, { force: true });
  }

  private failed(e: unknown): unknown {
    this.abort();
    const code = (e as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? new WriteError(this.path, code) : e;
  }
}

/** Write the directory `path` holding exactly `files`, in place of what was there (StagedWrites.directory). */
export function writeDirectoryAtomic(path: string, files: Record<string, Uint8Array | string>): void {
  const staged = new StagedWrites();
  staged.directory(path, files);
  staged.commit();
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is done either way.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Create `dir` (and its parents) and check that it can be written, or throw a WriteError with the
 * real cause: a recursive mkdir under a read-only directory reports ENOENT, so the nearest
 * existing ancestor is asked instead. `shown`: how the user named it (e.g. `-o runs/x`), for the
 * error of a `dir` that is a file.
 */
export function ensureWritableDir(dir: string, shown = dir): void {
  // A file in its place passes the checks below (it exists and is writable); the first write into
  // it would fail, after a whole run, naming a temporary file the user never gave.
  let kind: Stats | undefined;
  try {
    kind = statSync(dir);
  } catch {
    // absent (made below) or unreadable (the checks below say why)
  }
  if (kind && !kind.isDirectory()) throw new NotADirectoryError(dir, shown, kind.isFile());
  try {
    makeDirs(dir);
  } catch (e) {
    let above = dirname(dir);
    while (!existsSync(above) && dirname(above) !== above) above = dirname(above);
    let code = (e as NodeJS.ErrnoException).code;
    try {
      accessSync(above, constants.W_OK);
    } catch (a) {
      code = (a as NodeJS.ErrnoException).code ?? code;
    }
    throw new WriteError(dir, code, 'create the directory');
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new WriteError(dir, (e as NodeJS.ErrnoException).code, 'write in');
  }
}

/**
 * A new empty scratch directory beside `path` (same file system as the output, rather than
 * os.tmpdir(), which may be memory). Its owner removes it; if the owner is killed first, the next
 * removeStaleTemps of that directory does.
 */
export function makeTempDir(path: string): string {
  const dir = tmpName(path, 'tmp');
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // named after `path`: what fails is its directory (absent, read-only, full), as for the file itself
    throw typeof code === 'string' ? new WriteError(path, code) : e;
  }
  return dir;
}

const TEMP = /^\..+\.(\d+)\.\d+\.\d+\.tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the temporary files and directories in `dir` that killed writers left (their process is gone); returns them. */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

// Write a file so that a crash or a failed write never leaves it half-written: write a temporary
// file beside it (same directory, so the same file system), flush it to disk, then rename over the
// target (atomic on POSIX file systems), then flush the directory so the rename itself survives a
// power cut. On any failure the temporary file is removed and the old file is left as it was.
// A directory (a Triton model) is written the same way: whole into a temporary directory beside
// it, then renamed into place.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';

let counter = 0;

const tmpName = (path: string, kind: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${counter++}.${kind}`);

function writeSynced(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'wx');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = tmpName(path, 'tmp');
  try {
    writeSynced(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectory(dir);
}

/**
 * Write the directory `path` holding exactly `files` (paths relative to it, `/`-separated), in
 * place of what was there. Everything is written and flushed in a temporary directory beside it,
 * which is then renamed into place; an existing `path` is first renamed aside and removed only
 * after the new one is in place (POSIX has no atomic exchange of directories: for that instant
 * `path` is absent, never half-written). On a failure the temporary directory is removed and the
 * old `path` is back as it was.
 */
export function writeDirectoryAtomic(path: string, files: Record<string, Uint8Array | string>): void {
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true });
  const tmp = tmpName(path, 'tmp');
  const old = tmpName(path, 'old');
  try {
    mkdirSync(tmp);
    const dirs = new Set<string>([tmp]);
    for (const [rel, data] of Object.entries(files)) {
      const clean = normalize(rel);
      if (isAbsolute(clean) || clean.split(sep).includes('..')) throw new Error(`internal: ${rel} is outside the directory`);
      const file = join(tmp, clean);
      mkdirSync(dirname(file), { recursive: true });
      dirs.add(dirname(file));
      writeSynced(file, data);
    }
    for (const d of dirs) syncDirectory(d);
    const hadOld = existsSync(path);
    if (hadOld) renameSync(path, old);
    try {
      renameSync(tmp, path);
    } catch (e) {
      if (hadOld) renameSync(old, path);
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  syncDirectory(parent);
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

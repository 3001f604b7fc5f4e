// The `.rec` files under a directory, as `recc fmt DIR` and `recc check DIR` find them and the
// language server looks for the specs of its workspace: hidden entries and `node_modules` skipped,
// links to directories not followed (a link to a parent would never end), each directory in name
// order. Written here, not taken from a glob library: a walk with two rules is shorter than the
// options that say them.
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

export interface WalkLimits {
  /** At most this many files (the first in walk order). */
  files?: number;
  /** Look at most at this many directory entries (a server opened on a home directory must not walk the disk). */
  entries?: number;
}

/** The `.rec` files under `dir`, in walk order, within `limits`; a directory that cannot be read adds none. */
export function recFilesUnder(dir: string, limits: WalkLimits = {}): string[] {
  const { files: maxFiles = Infinity, entries: maxEntries = Infinity } = limits;
  const files: string[] = [];
  const listed = (d: string): { dir: string; entries: Dirent[]; next: number } => {
    try {
      return { dir: d, entries: readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)), next: 0 };
    } catch {
      return { dir: d, entries: [], next: 0 };
    }
  };
  const stack = [listed(dir)];
  let seen = 0;
  while (stack.length > 0 && files.length < maxFiles && seen < maxEntries) {
    const top = stack[stack.length - 1]!;
    const e = top.entries[top.next++];
    if (!e) {
      stack.pop();
      continue;
    }
    seen++;
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(top.dir, e.name);
    if (e.isDirectory()) stack.push(listed(p));
    else if (e.name.endsWith('.rec')) files.push(p);
  }
  return files;
}

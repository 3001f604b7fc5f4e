// The `.rec` files under a directory, as `recc fmt DIR` formats them and the language server looks
// for the specs that use a file: hidden entries and `node_modules` skipped, links to directories
// not followed (a link to a parent would never end), each directory in name order. Written here, not
// taken from a glob library: a walk with two rules is shorter than the options that say them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.rec` file under `dir`, at most `limit` of them (the first in walk order); a directory that cannot be read adds none. */
export function recFilesUnder(dir: string, limit = Infinity): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= limit) return;
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.rec')) files.push(p);
    }
  };
  walk(dir);
  return files;
}

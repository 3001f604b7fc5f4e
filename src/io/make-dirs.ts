// `mkdir -p`, one directory at a time. Node's own (mkdirSync with `recursive`) never returns where
// mkdir fails with ENOENT under a parent that exists, as in /proc: it creates the parent (EEXIST)
// and tries the child again, forever. A run writing to such a path then hung where it should fail.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Create `dir` and its missing parents; throws mkdir's error (ENOENT, EACCES, ENOTDIR, …) at once. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // made meanwhile by another process: fine if it is a directory
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

// The specs on disk under the workspace's folders, which a cross-file rename, references and
// workspace symbols read besides the open documents: found by a bounded walk (io/rec-files.ts),
// each read under the spec rules (io/file-policy.ts) and read again only when its size, time or
// inode changed since (a workspace symbol query comes with every key typed in the editor's picker).
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRefusal, readChecked, type FilePolicy } from '../io/file-policy.js';
import { recFilesUnder } from '../io/rec-files.js';

/**
 * The most specs read, and the most directory entries looked at to find them: a workspace of many
 * more is a home directory, not a project, and is searched in part.
 */
export const WORKSPACE_WALK = { files: 2000, entries: 50_000 };

/** A spec on disk and its text (undefined: refused or unreadable, e.g. not UTF-8 or too large). */
export interface DiskSpec {
  path: string;
  text: string | undefined;
}

export class DiskSpecs {
  private readonly read = new Map<string, { stamp: string; text: string | undefined }>();

  /** Forget every text read (the file policy changed). */
  clear(): void {
    this.read.clear();
  }

  /** The specs under `roots`, in walk order, within WORKSPACE_WALK. */
  under(roots: readonly string[], policy: FilePolicy): DiskSpec[] {
    const paths = new Set<string>();
    for (const root of roots) for (const p of recFilesUnder(root, { files: WORKSPACE_WALK.files - paths.size, entries: WORKSPACE_WALK.entries })) paths.add(p);
    for (const p of this.read.keys()) if (!paths.has(p)) this.read.delete(p);
    return [...paths].map((path) => ({ path, text: this.textOf(path, policy) }));
  }

  private textOf(path: string, policy: FilePolicy): string | undefined {
    let stamp: string;
    try {
      const s = statSync(path);
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      this.read.delete(path);
      return undefined;
    }
    const known = this.read.get(path);
    if (known?.stamp === stamp) return known.text;
    const r = readChecked(policy, path, 'spec', [dirname(path)]);
    const text = isRefusal(r) ? undefined : r.text;
    this.read.set(path, { stamp, text });
    return text;
  }
}

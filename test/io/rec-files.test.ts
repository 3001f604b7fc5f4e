// The `.rec` files under a directory (src/io/rec-files.ts), as fmt, check and the language server
// find them: the order, the entries skipped, links, and the limits of a walk.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recFilesUnder } from '../../src/io/rec-files.js';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recc-rec-files-'));
  for (const d of ['sub/deeper', 'node_modules/pkg', '.git']) mkdirSync(join(dir, d), { recursive: true });
  for (const f of ['a.rec', 'b.txt', 'z.rec', 'sub/c.rec', 'sub/.hidden.rec', 'sub/deeper/d.rec', 'node_modules/pkg/x.rec', '.git/y.rec']) writeFileSync(join(dir, f), '');
  symlinkSync(join(dir, 'sub'), join(dir, 'link')); // a link to a directory: not followed
  symlinkSync(join(dir, 'a.rec'), join(dir, 'link.rec')); // a link to a spec: a spec
  return dir;
}

describe('recFilesUnder', () => {
  it('lists the .rec files depth first in name order, skipping hidden entries, node_modules and links to directories', () => {
    const dir = tree();
    expect(recFilesUnder(dir).map((f) => relative(dir, f))).toEqual(['a.rec', 'link.rec', 'sub/c.rec', 'sub/deeper/d.rec', 'z.rec']);
  });

  it('stops at a number of files or of entries looked at', () => {
    const dir = tree();
    expect(recFilesUnder(dir, { files: 2 }).map((f) => relative(dir, f))).toEqual(['a.rec', 'link.rec']);
    // entries in order: .git (skipped), a.rec, b.txt, link: the fourth ends the walk
    expect(recFilesUnder(dir, { entries: 4 }).map((f) => relative(dir, f))).toEqual(['a.rec']);
    // the entries of sub count too: .hidden.rec, c.rec
    expect(recFilesUnder(dir, { entries: 9 }).map((f) => relative(dir, f))).toEqual(['a.rec', 'link.rec', 'sub/c.rec']);
    expect(recFilesUnder(join(dir, 'no-such-dir'))).toEqual([]);
  });
});

// The specs on disk the language server reads besides the open documents (src/server/disk-specs.ts):
// each read once per version of the file (its inode, size and time), texts the spec rules refuse
// kept as unreadable, deleted files forgotten.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filePolicy } from '../../src/io/file-policy.js';
import { DiskSpecs } from '../../src/server/disk-specs.js';

describe('DiskSpecs', () => {
  it('reads a spec again only when its size, time or inode changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-disk-specs-'));
    mkdirSync(join(dir, 'sub'));
    const a = join(dir, 'a.rec');
    const b = join(dir, 'sub/b.rec');
    writeFileSync(a, 'block one(x: tensor) {\n  return x\n}\n');
    const when = 1_700_000_000; // whole seconds: a time set again is the same time
    utimesSync(a, when, when);
    writeFileSync(b, Buffer.from([0xff, 0xfe, 0x00])); // not UTF-8: refused
    const specs = new DiskSpecs();
    const policy = filePolicy();
    const texts = () => Object.fromEntries(specs.under([dir], policy).map((s) => [s.path.slice(dir.length + 1), s.text]));
    expect(texts()).toEqual({ 'a.rec': 'block one(x: tensor) {\n  return x\n}\n', 'sub/b.rec': undefined });
    // the same size and time: the text read before (the file is not read again)
    writeFileSync(a, 'block two(x: tensor) {\n  return x\n}\n');
    utimesSync(a, when, when);
    expect(texts()['a.rec']).toContain('block one');
    // a new time: read again
    utimesSync(a, when, when + 2);
    expect(texts()['a.rec']).toContain('block two');
    // fixed, and deleted
    writeFileSync(b, 'block three(x: tensor) {\n  return x\n}\n');
    expect(texts()['sub/b.rec']).toContain('block three');
    rmSync(a);
    expect(Object.keys(texts())).toEqual(['sub/b.rec']);
  });
});

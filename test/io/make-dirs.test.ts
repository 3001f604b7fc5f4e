// makeDirs: `mkdir -p` that fails at once where Node's recursive mkdir never returns.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/io/make-dirs.js';

describe('makeDirs', () => {
  it('creates the missing directories, leaves existing ones, and says why it cannot', () => {
    const root = mkdtempSync(join(tmpdir(), 'recc-dirs-'));
    makeDirs(join(root, 'a/b/c'));
    expect(statSync(join(root, 'a/b/c')).isDirectory()).toBe(true);
    makeDirs(join(root, 'a/b'));
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeDirs(join(root, 'file/d'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  // /proc refuses a new directory with ENOENT under a parent that exists: Node's recursive mkdir
  // loops forever there (this runs it in a child process, to see it hang without hanging here).
  it.runIf(existsSync('/proc/self'))('fails at once under /proc, where a recursive mkdir never returns', () => {
    expect(() => makeDirs('/proc/recc-no-such-dir/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const node = spawnSync(process.execPath, ['-e', "require('fs').mkdirSync('/proc/recc-no-such-dir/x', { recursive: true })"], { timeout: 2000 });
    expect(node.signal ?? node.status).toBe('SIGTERM'); // Node's own: still running after 2 s
    // and a command given such an output directory says so (it hung before)
    const bin = join(import.meta.dirname, '../../bin/recc.js');
    const spec = join(import.meta.dirname, '../../examples/poso-mmoe.rec');
    const r = spawnSync(process.execPath, [bin, 'train', spec, '-o', '/proc/recc-no-such-dir', '--max-steps', '1'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[REC6009]: cannot create the directory /proc/recc-no-such-dir');
  });
});

// I/O faults end in one line naming the path and the cause, exit 1, no stack trace and no partial
// file (issue 17, item 6); a task whose training labels are one class is a warning (item 3).
// The read-only and full file systems are tmpfs mounts, so these need root (CI and the dev
// machines run as root); elsewhere they are skipped, saying why.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CLICKS = join(ROOT, 'test/fixtures/train/clicks.rec');
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

const mounted: string[] = [];
function tmpfs(options: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'recc-fs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  if (r.status !== 0) return undefined;
  mounted.push(dir);
  return dir;
}
const canMount = (() => {
  const d = tmpfs('size=4k');
  return d !== undefined;
})();
afterAll(() => {
  for (const d of mounted) spawnSync('umount', [d]);
});

/** One line of stderr, no stack frames. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('recc ') && !l.startsWith('removed '));
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe.skipIf(!canMount)('I/O faults (tmpfs mounts; needs root)', () => {
  it('a read-only output directory: one line naming it and the cause, exit 1', () => {
    const ro = tmpfs('size=64k,ro')!;
    const t = recc('train', CLICKS, '-o', join(ro, 'out'), '--epochs', '1');
    expect(t.status).toBe(1);
    expect(oneLine(t.stderr)).toBe(`error[REC6009]: cannot create the directory ${join(ro, 'out')}: the file system is read-only (EROFS)`);
    const t2 = recc('train', CLICKS, '-o', ro, '--epochs', '1');
    expect(oneLine(t2.stderr)).toBe(`error[REC6009]: cannot write in ${ro}: the file system is read-only (EROFS)`);
    const c = recc('compile', CLICKS, '-o', join(ro, 'm.onnx'));
    expect(c.status).toBe(1);
    expect(oneLine(c.stderr)).toBe(`error[REC6009]: cannot write ${join(ro, 'm.onnx')}: the file system is read-only (EROFS)`);
    const s = recc('synth', 'poso', '-o', join(ro, 'x'), '--rows', '100');
    expect(s.status).toBe(1);
    expect(oneLine(s.stderr)).toContain('the file system is read-only');
    expect(readdirSync(ro)).toEqual([]);
  });

  it('a full disk: one line, exit 1, and no partial or temporary file', () => {
    const full = tmpfs('size=64k')!;
    const c = recc('compile', join(ROOT, 'examples/poso-movielens.rec'), '-o', join(full, 'model.onnx'));
    expect(c.status).toBe(1);
    expect(oneLine(c.stderr)).toBe(`error[REC6009]: cannot write ${join(full, 'model.onnx')}: no space left on the device (ENOSPC)`);
    expect(readdirSync(full)).toEqual([]);
    // training into a disk with room for a few kilobytes: a checkpoint or artefact write fails mid-run
    const tight = tmpfs('size=16k')!;
    writeFileSync(join(tight, 'filler'), Buffer.alloc(12 * 1024 - 64, 1));
    const t = recc('train', CLICKS, '-o', tight, '--epochs', '1');
    expect(t.status).toBe(1);
    expect(oneLine(t.stderr.replace(/^epoch .*\n/gm, ''))).toMatch(new RegExp(`^error\\[REC6009\\]: cannot write ${tight}/[a-z.]+: no space left on the device \\(ENOSPC\\)$`));
    for (const f of readdirSync(tight)) {
      expect(f).not.toMatch(/\.tmp$/);
      if (f === 'state.json' || f === 'metrics.json') expect(() => JSON.parse(readFileSync(join(tight, f), 'utf8'))).not.toThrow();
    }
  });

  /** The bytes of the 4 KiB pages a file of `n` bytes takes on tmpfs. */
  const pages = (n: number) => Math.ceil(n / 4096) * 4096;
  /** Fill `dir`'s file system until `room` bytes are left. */
  const leave = (dir: string, room: number) => {
    const st = statfsSync(dir);
    writeFileSync(join(dir, 'filler'), Buffer.alloc(st.bavail * st.bsize - room, 1));
  };

  it("outputs that belong together change together: a disk that fills on a LiMAML model's meta.onnx leaves the old global.onnx", () => {
    const disk = tmpfs('size=512k')!;
    const out = join(disk, 'model');
    const spec = join(ROOT, 'examples/limaml-mlp.rec');
    expect(recc('compile', spec, '-o', out, '--seed', '1').status).toBe(0);
    const before = { global: readFileSync(join(out, 'global.onnx')), meta: readFileSync(join(out, 'meta.onnx')) };
    // room for a new global.onnx (83 kB), and, once it replaced the old one, not for meta.onnx (90 kB):
    // written one after the other, a new global.onnx would be left beside the old meta.onnx
    leave(disk, pages(before.global.length));
    const c = recc('compile', spec, '-o', out, '--seed', '2');
    expect(c.status).toBe(1);
    expect(oneLine(c.stderr)).toBe(`error[REC6009]: cannot write ${join(out, 'meta.onnx')}: no space left on the device (ENOSPC)`);
    expect(readFileSync(join(out, 'global.onnx')).equals(before.global)).toBe(true);
    expect(readFileSync(join(out, 'meta.onnx')).equals(before.meta)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['global.onnx', 'meta.onnx']);
  });

  it('and an ONNX file with its Triton repository: a repository that does not fit leaves the old -o file', () => {
    const disk = tmpfs('size=16m')!;
    const spec = join(ROOT, 'examples/poso-movielens.rec');
    const onnx = join(disk, 'model.onnx');
    expect(recc('compile', spec, '-o', onnx, '--seed', '1').status).toBe(0);
    const before = readFileSync(onnx);
    // room for one new model (3.2 MB), and, once it replaced the old one, not for the repository's
    // copy and config.pbtxt: written one after the other, the new -o file would be left
    leave(disk, pages(before.length));
    const c = recc('compile', spec, '-o', onnx, '--triton', join(disk, 'repo'), '--seed', '2');
    expect(c.status).toBe(1);
    expect(oneLine(c.stderr)).toBe(`error[REC6009]: cannot write ${join(disk, 'repo/poso_movielens')}: no space left on the device (ENOSPC)`);
    expect(readFileSync(onnx).equals(before)).toBe(true);
    expect(readdirSync(disk).sort()).toEqual(['filler', 'model.onnx', 'repo']);
    expect(readdirSync(join(disk, 'repo'))).toEqual([]); // made for the repository, left empty
  });
});

describe('an output directory that is a file', () => {
  it('train and synth -o FILE: one line naming what was given, before any work, the file kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-ofile-'));
    const file = join(dir, 'existing.txt');
    writeFileSync(file, 'keep\n');
    const t = recc('train', CLICKS, '-o', file, '--epochs', '1');
    expect(t.status).toBe(1);
    expect(oneLine(t.stderr)).toBe(`error[REC6009]: -o ${file} is a file, not a directory`);
    const s = recc('synth', 'poso', '-o', file, '--rows', '10');
    expect(s.status).toBe(1);
    expect(oneLine(s.stderr)).toBe(`error[REC6009]: -o ${file} is a file, not a directory`);
    expect(readFileSync(file, 'utf8')).toBe('keep\n');
    expect(readdirSync(dir)).toEqual(['existing.txt']);
  });
});

describe('labels of one class', () => {
  it('warns, naming the task, before training', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-one-'));
    mkdirSync(join(dir, 'out'));
    const rows = Array.from({ length: 80 }, (_, i) => `u${i % 20},"1,2,3",a,0`).join('\n');
    writeFileSync(join(dir, 'zeros.csv'), `user,x,c,clicked\n${rows}\n`);
    const r = recc('train', CLICKS, '--data', join(dir, 'zeros.csv'), '-o', join(dir, 'out'), '--epochs', '1');
    expect(r.stderr).toMatch(/zeros\.csv: warning\[REC6008\]: task `click`: all \d+ training labels are 0/);
  });
});

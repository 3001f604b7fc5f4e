// `recc fmt` (runFmt) on real files, and the plugin through Prettier's own command line.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runFmt } from '../../src/cli/fmt.js';
import { CASES, ROOT } from './helpers.js';

const messy = readFileSync(join(CASES, 'blocks/input.rec'), 'utf8');
const tidy = readFileSync(join(CASES, 'blocks/output.rec'), 'utf8');

describe('recc fmt', () => {
  let dir: string;
  let stdout: string;
  let stderr: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'recc-fmt-'));
    stdout = '';
    stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--check lists unformatted files, exits 1 and writes nothing', async () => {
    writeFileSync(join(dir, 'a.rec'), messy);
    writeFileSync(join(dir, 'b.rec'), tidy);
    expect(await runFmt([join(dir, 'a.rec'), join(dir, 'b.rec')], { check: true, write: true })).toBe(1);
    expect(stdout).toContain('a.rec');
    expect(stdout).not.toContain('b.rec');
    expect(readFileSync(join(dir, 'a.rec'), 'utf8')).toBe(messy);
  });

  it('writes files in place, leaves no temporary file, and then --check passes', async () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.rec'), messy);
    writeFileSync(join(dir, 'notes.txt'), messy);
    expect(await runFmt([dir], { check: false, write: true })).toBe(0);
    expect(readFileSync(join(dir, 'sub', 'a.rec'), 'utf8')).toBe(tidy);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe(messy);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.rec']);
    expect(await runFmt([dir], { check: true, write: true })).toBe(0);
  });

  it('prints instead of writing when write is off', async () => {
    writeFileSync(join(dir, 'a.rec'), messy);
    expect(await runFmt([join(dir, 'a.rec')], { check: false, write: false })).toBe(0);
    expect(stdout).toBe(tidy);
    expect(readFileSync(join(dir, 'a.rec'), 'utf8')).toBe(messy);
  });

  it('leaves a file with a syntax error as it was and exits 1; a missing file is an error too', async () => {
    const broken = 'model m {\n  let x = relu(\n}\n';
    writeFileSync(join(dir, 'bad.rec'), broken);
    writeFileSync(join(dir, 'good.rec'), messy);
    expect(await runFmt([join(dir, 'bad.rec'), join(dir, 'good.rec'), join(dir, 'none.rec')], { check: false, write: true })).toBe(1);
    expect(readFileSync(join(dir, 'bad.rec'), 'utf8')).toBe(broken);
    expect(readFileSync(join(dir, 'good.rec'), 'utf8')).toBe(tidy);
    expect(existsSync(join(dir, 'none.rec'))).toBe(false);
  });

  it('formats the file a symlink names, keeping the link, and keeps a file\'s permissions', async () => {
    writeFileSync(join(dir, 'real.rec'), messy);
    symlinkSync('real.rec', join(dir, 'link.rec'));
    writeFileSync(join(dir, 'private.rec'), messy);
    chmodSync(join(dir, 'private.rec'), 0o600);
    expect(await runFmt([join(dir, 'link.rec'), join(dir, 'private.rec')], { check: false, write: true })).toBe(0);
    expect(lstatSync(join(dir, 'link.rec')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.rec'), 'utf8')).toBe(tidy);
    expect(readFileSync(join(dir, 'private.rec'), 'utf8')).toBe(tidy);
    expect(statSync(join(dir, 'private.rec')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['link.rec', 'private.rec', 'real.rec']);
  });

  it('refuses a file that is not UTF-8 as `recc check` does (REC2011), and leaves its bytes alone', async () => {
    // Latin-1 `é` (0xE9) in a comment: a lenient decoder would write U+FFFD over it.
    const bytes = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n'), Buffer.from(messy)]);
    const f = join(dir, 'latin1.rec');
    writeFileSync(f, bytes);
    expect(await runFmt([f], { check: false, write: true })).toBe(1);
    expect(readFileSync(f).equals(bytes)).toBe(true);
    expect(stderr).toMatch(/latin1\.rec: error\[REC2011\]: `[^`]*latin1\.rec` is not UTF-8 text/);
    expect(await runFmt([f], { check: true, write: true })).toBe(1);
    expect(stdout).toBe('');
  });

  it('keeps a byte-order mark', async () => {
    const f = join(dir, 'bom.rec');
    writeFileSync(f, `\uFEFF${messy}`);
    expect(await runFmt([f], { check: false, write: true })).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(`\uFEFF${tidy}`);
    expect(await runFmt([f], { check: true, write: true })).toBe(0);
  });

  it('removes the temporary files a killed run left beside the specs it writes', async () => {
    writeFileSync(join(dir, 'a.rec'), messy);
    const stale = `.a.rec.${2 ** 22 + 1}.1700000000000.12345.tmp`; // a pid past Linux's pid_max: its writer is gone
    writeFileSync(join(dir, stale), 'half');
    expect(await runFmt([join(dir, 'a.rec')], { check: false, write: true })).toBe(0);
    expect(readdirSync(dir)).toEqual(['a.rec']);
  });

  it("keeps a file's line ends (CRLF, CR), and --check calls a formatted CRLF file formatted", async () => {
    for (const eol of ['\r\n', '\r']) {
      const f = join(dir, `eol-${eol.length}.rec`);
      writeFileSync(f, messy.replace(/\n/g, eol));
      expect(await runFmt([f], { check: false, write: true })).toBe(0);
      expect(readFileSync(f, 'utf8'), JSON.stringify(eol)).toBe(tidy.replace(/\n/g, eol));
      stdout = '';
      expect(await runFmt([f], { check: true, write: true }), JSON.stringify(eol)).toBe(0);
      expect(stdout).toBe('');
    }
    // those of the first line: a last line ending with CRLF does not make every line end so
    const f = join(dir, 'eol-last.rec');
    writeFileSync(f, messy.replace(/\n$/, '\r\n'));
    expect(await runFmt([f], { check: false, write: true })).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(tidy);
  });

  it('--check does not call a file it could not parse formatted', async () => {
    writeFileSync(join(dir, 'bad.rec'), 'model m {\n  let x = relu(\n}\n');
    writeFileSync(join(dir, 'good.rec'), tidy);
    expect(await runFmt([join(dir, 'bad.rec')], { check: true, write: true })).toBe(1);
    expect(stderr).not.toMatch(/all 1 file\(s\) formatted/);
    expect(stderr).toMatch(/^0 file\(s\) formatted, 1 failed$/m);
    stderr = '';
    expect(await runFmt([join(dir, 'bad.rec'), join(dir, 'good.rec')], { check: true, write: true })).toBe(1);
    expect(stderr).toMatch(/^1 file\(s\) formatted, 1 failed$/m);
    stderr = '';
    expect(await runFmt([join(dir, 'good.rec')], { check: true, write: true })).toBe(0);
    expect(stderr).toMatch(/^all 1 file\(s\) formatted$/m);
  });
});

// The built plugin (dist/, made by `npm run build`, which `npm test` runs first) loaded by
// Prettier's own CLI, as a user would: `prettier --plugin recc/prettier file.rec`.
const built = join(ROOT, 'dist/format/plugin.js');
describe.runIf(existsSync(built))('prettier --plugin', () => {
  const prettier = join(ROOT, 'node_modules/prettier/bin/prettier.cjs');
  it('formats a .rec file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-prettier-'));
    try {
      writeFileSync(join(dir, 'a.rec'), messy);
      const p = spawnSync(process.execPath, [prettier, '--no-config', '--plugin', built, join(dir, 'a.rec')], { encoding: 'utf8' });
      expect(p.stderr).toBe('');
      expect(p.stdout).toBe(tidy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a syntax error with its line and column, and formats nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-prettier-'));
    try {
      writeFileSync(join(dir, 'bad.rec'), 'model m {\n  let x = relu(\n}\n');
      const p = spawnSync(process.execPath, [prettier, '--no-config', '--plugin', built, join(dir, 'bad.rec')], { encoding: 'utf8' });
      expect(p.status).not.toBe(0);
      expect(p.stdout).toBe('');
      expect(p.stderr).toMatch(/SyntaxError/);
      expect(p.stderr).toMatch(/bad\.rec/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

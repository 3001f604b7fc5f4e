// `recc fmt` (runFmt) on real files, and the plugin through Prettier's own command line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'recc-fmt-'));
    stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
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

// The CLI bundle and its code cache (bin/load-bundle.js, scripts/bundle-cli.mjs): the cache names
// the build it was made from, and a cache of another build, or one V8 rejects, changes nothing
// but the speed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const bundle = readFileSync(join(ROOT, 'dist/recc.cjs'));
const cache = readFileSync(join(ROOT, 'dist/recc.cjs.cache'));
const firstLine = (b: Buffer) => b.subarray(0, b.indexOf(10) + 1).toString('latin1');

/** `recc check` of an example from a copy of the package whose code cache is `cacheBytes` (none: no bundle either). */
function checkWithCache(cacheBytes: Buffer | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'recc-bundle-'));
  for (const d of ['bin', 'stdlib', 'examples']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'dist'));
  if (cacheBytes) {
    writeFileSync(join(dir, 'dist/recc.cjs'), bundle);
    writeFileSync(join(dir, 'dist/recc.cjs.cache'), cacheBytes);
  }
  return spawnSync(process.execPath, [join(dir, 'bin/recc.js'), 'check', 'examples/pepnet-multidomain.rec'], { cwd: dir, encoding: 'utf8' });
}

describe('the CLI bundle', () => {
  it('names its build by the hash of its text, and its code cache names the same build', () => {
    const line = firstLine(bundle);
    const rest = bundle.subarray(line.length);
    expect(line).toBe(`// recc CLI bundle ${createHash('sha256').update(rest).digest('hex')}\n`);
    expect(firstLine(cache)).toBe(line);
    expect(rest.every((b) => b < 0x80)).toBe(true);
  });

  it('runs the same with its cache, a cache of another build, and a cache V8 rejects', () => {
    const line = Buffer.from(firstLine(cache));
    const data = cache.subarray(line.length);
    const other = Buffer.concat([Buffer.from(`// recc CLI bundle ${'0'.repeat(64)}\n`), data]);
    const garbage = Buffer.concat([line, Buffer.alloc(data.length, 7)]);
    const runs = [cache, other, garbage].map(checkWithCache);
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ok examples\/pepnet-multidomain\.rec: model pepnet_multidomain, 14 features, 6 tasks/);
    }
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
  });

  it('without a bundle (a checkout built by tsc alone) says to run the build, in one line', () => {
    const r = checkWithCache(undefined);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^recc: \S*dist\/recc\.cjs is missing; run `npm run build` in the recc package\n$/);
  });
});

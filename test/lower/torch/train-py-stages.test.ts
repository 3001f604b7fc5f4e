// train.py of `recc export torch` on a staged spec and on bad --init files:
// - PeterRec (examples/peterrec-profile.rec): each stage is evaluated with its own entry, as
//   `recc train` predicts a stage; the pretrain task `next` is an output of the `pretrain` entry
//   only, and evaluating it with `serve` raised KeyError after the first stage, writing no weights;
// - a truncated or malformed --init file is one line naming it, exit status 2, no traceback.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../../src/data/synth/index.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { haveTorch } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'recc-train-py-stages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function exported(spec: string, name: string): string {
  const graph = analyzeFile(join(ROOT, spec)).graph!;
  const dir = join(work, name);
  writeDirectoryAtomic(dir, torchPackage(graph, { specFile: spec, reccVersion: 'test' }));
  return dir;
}

const trainPy = (dir: string, args: string[]) => spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--threads', '1', ...args], { encoding: 'utf8', timeout: 120_000 });

describe.runIf(haveTorch())('train.py', () => {
  it('evaluates each stage of a PeterRec spec with that stage’s entry, and writes the weights', () => {
    const dir = exported('examples/peterrec-profile.rec', 'peterrec');
    const synth = generate('peterrec', { rows: 300, seed: 1 });
    if ('error' in synth) throw new Error(synth.error);
    const csv = join(work, 'peterrec.csv');
    writeFileSync(csv, toCsv({ columns: synth.columns, rows: synth.rows }));
    const out = join(work, 'peterrec.safetensors');
    const r = trainPy(dir, ['--data', csv, '--out', out, '--max-steps', '1', '--batch', '32']);
    expect(r.stderr).not.toContain('Traceback');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stage pretrain: /);
    expect(r.stdout).toMatch(/stage profile: /);
    expect(existsSync(out)).toBe(true);
  });

  it('--init a truncated or malformed safetensors file: one line naming it, exit 2', () => {
    const dir = exported('examples/shared-bottom.rec', 'shared');
    const whole = readFileSync(join(dir, 'init.safetensors'));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated.safetensors', whole.subarray(0, whole.length - 100), /truncated\.safetensors: tensor \S+ ends at byte \d+ of the data, which has \d+ \(a file cut short\?\)/],
      ['header-cut.safetensors', whole.subarray(0, 40), /header-cut\.safetensors: not a whole safetensors file/],
      ['not-json.safetensors', Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{{')]), /not-json\.safetensors: the safetensors header is not JSON/],
    ];
    for (const [name, bytes, want] of cases) {
      const file = join(work, name);
      writeFileSync(file, bytes);
      const r = trainPy(dir, ['--data', join(work, 'unused.csv'), '--init', file, '--out', join(work, 'x.safetensors'), '--max-steps', '1']);
      expect(r.stderr, name).not.toContain('Traceback');
      expect(r.status, `${name}: ${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: --init /);
      expect(lines[0]).toMatch(want);
      expect(lines[0]).toMatch(/\[REC6006\]$/);
    }
    const dev = trainPy(dir, ['--data', join(work, 'unused.csv'), '--init', '/dev/zero', '--out', join(work, 'x.safetensors')]);
    expect(dev.status).toBe(2);
    expect(dev.stderr.trim()).toBe('error: --init /dev/zero is not a regular file [REC6006]');
  });
});

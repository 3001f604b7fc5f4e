// Every command that takes weights (`--weights`, `train --init`) reads them as data files are
// read (src/io/file-policy.ts): regular files only, within the weights limit, refused in one line
// naming the path and the rule. `--weights /dev/zero` was read without end (24 GB before it was
// killed). Spawns the CLI: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filePolicy, readBytesChecked } from '../../src/io/file-policy.js';

const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'examples/shared-bottom.rec');
const work = mkdtempSync(join(tmpdir(), 'recc-weights-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// a timeout: without the rule, reading /dev/zero never ends
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: work, encoding: 'utf8', timeout: 5_000 });

describe('weights files', () => {
  it('a device or a FIFO given as weights is refused at once by every command that reads weights', () => {
    const data = join(work, 'rows.csv');
    writeFileSync(data, 'user_id\n1\n');
    // a FIFO with no writer: an unguarded read blocks in open() (killed at the timeout), not eating memory as /dev/zero does
    const fifo = join(work, 'weights.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const runs = (w: string) => ({
      compile: recc('compile', SPEC, '--weights', w, '-o', join(work, 'm.onnx')),
      predict: recc('predict', SPEC, '--weights', w, '--data', data, '-o', join(work, 'p.csv')),
      eval: recc('eval', SPEC, '--weights', w, '--data', data),
      'train --init': recc('train', SPEC, '--init', w, '-o', join(work, 'run')),
    });
    const cases: Array<[string, Record<string, ReturnType<typeof recc>>]> = [
      ['/dev/zero', { compile: recc('compile', SPEC, '--weights', '/dev/zero', '-o', join(work, 'm.onnx')) }],
      [fifo, runs(fifo)],
    ];
    for (const [w, byCommand] of cases) {
      for (const [name, r] of Object.entries(byCommand)) {
        expect(r.signal, `${name} --weights ${w}: still reading when killed`).toBeNull();
        expect(r.status, name).toBe(1);
        expect(r.stderr.trim(), name).toBe(`error[REC2011]: \`${w}\` is ${w === fifo ? 'a FIFO' : 'a device'}: only regular files are read`);
      }
    }
  });

  it('reads a regular file whole, and refuses one over the limit without reading it', () => {
    const f = join(work, 'w.bin');
    writeFileSync(f, Buffer.alloc(3000, 7));
    const r = readBytesChecked(filePolicy(), f, 'weights');
    expect('bytes' in r && r.bytes.length === 3000 && r.bytes.every((b) => b === 7)).toBe(true);
    expect(readBytesChecked(filePolicy([], { weights: 2999 }), f, 'weights')).toEqual({ code: 'REC2011', error: `\`${f}\` is 3000 bytes, over the 2999 bytes limit of a weights file` });
    expect(readBytesChecked(filePolicy(), work, 'weights')).toEqual({ code: 'REC2011', error: `\`${work}\` is a directory: only regular files are read` });
  });
});

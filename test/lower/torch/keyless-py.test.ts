// Rows without the meta block's key (an empty cell) are in no MAML task in train.py either, as in
// recc train (test/train/keyless-tasks.test.ts): together they were one task of unrelated users.
// The reference is train.py on the same file without those rows: the same tasks, shuffled alike,
// so the same weights bit for bit, and the same held-out report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../src/data/row.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { haveTorch, readTensors } from '../../helpers/torch.js';

const work = mkdtempSync(join(tmpdir(), 'recc-keyless-py-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// LiMAML's MAML stage on 24 users (test/lower/torch/train-py-resume.test.ts's), 5 epochs
const SPEC = readFileSync(join(import.meta.dirname, '../../fixtures/specs/maml-tasks.rec'), 'utf8').replace('epochs: 200', 'epochs: 5');

const row = (i: number, user: string): Row => ({
  user_id: user,
  user_feats: [i % 3, (i % 5) / 5, 1].join(','),
  item_feats: [((i * 7) % 11) / 11, (i % 4) / 4].join(','),
  clicked: (i * 13) % 7 < 3 ? 1 : 0,
});
// 24 users of 10 rows, and every sixth row a row without a user, where it stands
const keyed = Array.from({ length: 240 }, (_, i) => row(i, `u${i % 24}`));
const withKeyless = keyed.flatMap((r, i) => (i % 6 === 0 ? [row(1000 + i, ''), r] : [r]));
const KEYLESS = withKeyless.length - keyed.length;

const csv = (name: string, rows: Row[]) => {
  const file = join(work, name);
  writeFileSync(file, toCsv({ columns: Object.keys(rows[0]!), rows }));
  return file;
};

describe.runIf(haveTorch())('train.py and rows without the meta key', () => {
  it('leaves them out of the training tasks and of the held-out tasks, and says how many', () => {
    const specFile = join(work, 'tasks.rec');
    writeFileSync(specFile, SPEC);
    const dir = join(work, 'pkg');
    writeDirectoryAtomic(dir, torchPackage(analyzeFile(specFile).graph!, { specFile, reccVersion: 'test' }));
    const run = (data: string, test: string, out: string) => {
      const r = spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--data', data, '--test', test, '--out', out, '--threads', '1'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const [clean, blanks] = [csv('clean.csv', keyed), csv('blanks.csv', withKeyless)];
    const reference = run(clean, clean, join(work, 'clean.safetensors'));
    const got = run(blanks, blanks, join(work, 'blanks.safetensors'));
    expect(got).toContain(`stage train: ${KEYLESS} training rows have no \`user_id\`: they are in no task (a task is the rows of one key)`);
    expect(got).toContain(`stage train: ${KEYLESS} held-out rows have no \`user_id\`: they are in no task (a task is the rows of one key)`);
    expect(reference).not.toContain('no `user_id`');
    // the held-out report: the same lines, values and row counts
    const report = (out: string) => out.split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(report(reference).length).toBeGreaterThan(0);
    expect(report(got)).toEqual(report(reference));
    const [x, y] = [readTensors(join(work, 'clean.safetensors')), readTensors(join(work, 'blanks.safetensors'))];
    for (const k of Object.keys(x)) expect(Array.from(y[k]!.data), k).toEqual(Array.from(x[k]!.data));
  }, 120_000);
});

// Integer options take decimal digits as typed, within the safe integers (int-option.ts): before,
// each command parsed its own with Number(), so `--epochs 99999999999999999999` ran "epoch 1/1e20"
// and `--epochs 1e1` ten epochs, while `--max-batch-size 1e3` was refused.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intOption, nonNegativeInt, positiveInt } from '../../src/cli/int-option.js';

const ROOT = join(import.meta.dirname, '../..');
const refusal = (parse: (v: string) => number, v: string) => {
  try {
    return `took ${parse(v)}`;
  } catch (e) {
    return (e as Error).message;
  }
};

describe('integer options', () => {
  it('take decimal digits, and nothing else', () => {
    expect(positiveInt('3')).toBe(3);
    expect(positiveInt(' 12 ')).toBe(12);
    expect(nonNegativeInt('0')).toBe(0);
    expect(positiveInt('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const v of ['0', '-1', '1e1', '0x10', '2.0', '', 'ten', '1_000']) expect(refusal(positiveInt, v), v).toBe('expected a positive integer');
    expect(refusal(nonNegativeInt, '-0')).toBe('expected an integer ≥ 0');
    expect(refusal(positiveInt, '99999999999999999999')).toBe('at most 9007199254740991');
    expect(refusal(intOption(1, 10, 'ten at most'), '11')).toBe('at most 10 (ten at most)');
  });

  it('refuse a number past the safe integers on the command line, without a stack trace', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), 'train', 'examples/poso-movielens.rec', '--epochs', '99999999999999999999'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("option '--epochs <n>' argument '99999999999999999999' is invalid. at most 9007199254740991");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

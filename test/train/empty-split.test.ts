// A split with nothing to score stops `train()` before it trains (the CLI says why first, with the
// data's numbers: split-shortfall.ts; these are the checks of callers of the library).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { keyColumns } from '../../src/data/needed-columns.js';
import { preprocess } from '../../src/data/preprocess.js';
import { limamlRows } from '../../src/data/synth/limaml.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { train, TrainError } from '../../src/train/train.js';

const opts = () => ({ outDir: mkdtempSync(join(tmpdir(), 'recc-empty-split-')), checkpointEvery: 1000, log: () => undefined, progress: false, resume: false, epochs: 1 });
const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('a split with nothing to score', () => {
  it('no test rows: refused before training', async () => {
    const g = analyzeFile(join(import.meta.dirname, '../fixtures/train/clicks.rec')).graph!;
    const { dataset } = await loadData(g, { skipBadRows: false, seed: 1 });
    const run = train(tf, g, dataset, { train: range(dataset.n), test: new Int32Array(0) }, opts());
    await expect(run).rejects.toThrow(/^no test rows: the split held out no row/);
    await expect(run).rejects.toBeInstanceOf(TrainError);
  });

  it('a meta stage whose held-out tasks have one row each (all support, no query): refused before training', async () => {
    const g = analyzeFile(join(import.meta.dirname, '../../examples/limaml-mlp.rec')).graph!;
    const rows = limamlRows({ seed: 3, rows: 400 });
    const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'synth', keyColumns: keyColumns(g) });
    // held out: the first row of each of five users; trained on: every other user's rows
    const users = dataset.keys.user_id!;
    const heldUsers = [...new Set(users)].slice(0, 5);
    const test = Int32Array.from(heldUsers, (u) => users.indexOf(u));
    const trained = range(dataset.n).filter((i) => !heldUsers.includes(users[i]!));
    const run = train(tf, g, dataset, { train: trained, test }, opts());
    await expect(run).rejects.toThrow(/^no held-out task has two rows or more \(tasks are the rows sharing `user_id`\)/);
    await expect(run).rejects.toBeInstanceOf(TrainError);
  });

  it('a later stage whose split is empty: `recc train` says so before the first stage trains a step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-late-split-'));
    const root = join(import.meta.dirname, '../..');
    // the profile stage reads a file of one labelled user: random(test: 0.2) holds out round(0.2 × 1) = 0 rows
    const spec = readFileSync(join(root, 'examples/peterrec-profile.rec'), 'utf8')
      .replace('data: synth(peterrec, rows: 1_500)', 'data: "one.csv"\n    split: random(test: 0.2)')
      .replace('data: synth(peterrec, rows: 12_000)', 'data: synth(peterrec, rows: 300)');
    writeFileSync(join(dir, 'profile.rec'), spec);
    writeFileSync(join(dir, 'one.csv'), 'items,age\ni1|i2|i3,2\n');
    const r = spawnSync(process.execPath, [join(root, 'bin/recc.js'), 'train', 'profile.rec', '-o', 'out', '--epochs', '1'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'one.csv')}: error[REC6004]: no test rows: the split held out no row: random(test: 0.2) holds out round(0.2 × 1) = 0 of the data's 1 row`);
    expect(r.stderr).not.toMatch(/^epoch /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dir, 'out/checkpoint.safetensors'))).toBe(false);
  });
});

// Checkpoints and weights are validated before use (issue 17, item 5): each malformed case is one
// clear error, never a TypeError, and weights that are not finite are refused by --resume and by
// compile --weights. Temporary files of a killed write are removed by the next run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { split } from '../../src/data/split.js';
import { removeStaleTemps, writeFileAtomic } from '../../src/io/atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../src/io/safetensors.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { readWeights } from '../../src/cli/weights.js';
import { CHECKPOINT, loadCheckpoint } from '../../src/train/checkpoint.js';
import { loadData } from '../../src/train/data-source.js';
import { train, TrainError, type TrainOptions } from '../../src/train/train.js';

const SPEC = join(import.meta.dirname, '../fixtures/train/clicks.rec');

describe('checkpoint validation', () => {
  const g = analyzeFile(SPEC).graph!;
  let data: Awaited<ReturnType<typeof loadData>>;
  let good: Uint8Array;
  const opts = (outDir: string, resume: boolean): TrainOptions => ({ outDir, resume, checkpointEvery: 1000, log: () => undefined, progress: false, maxSteps: 3 });

  beforeAll(async () => {
    await initBackend('cpu');
    data = await loadData(g, { skipBadRows: false, seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'recc-ck-'));
    await train(tf, g, data.dataset, split(data.dataset, g.train.split, 1), opts(dir, false));
    good = readFileSync(join(dir, CHECKPOINT));
  });

  /** The good checkpoint with its state edited, or its tensors. */
  function variant(edit: (state: Record<string, unknown>) => unknown, tensors?: (t: Record<string, NamedTensor>) => void): string {
    const r = decodeSafetensors(good);
    if ('error' in r) throw new Error(r.error);
    const state = JSON.parse(r.metadata['recc.state']!) as Record<string, unknown>;
    const edited = edit(state);
    const t = { ...r.tensors };
    tensors?.(t);
    const dir = mkdtempSync(join(tmpdir(), 'recc-ck-'));
    writeFileSync(join(dir, CHECKPOINT), encodeSafetensors(t, { 'recc.state': typeof edited === 'string' ? edited : JSON.stringify(edited ?? state) }));
    return dir;
  }

  const cases: Array<[string, () => string, RegExp]> = [
    ['malformed JSON', () => variant(() => '{"step": 3,'), /not valid JSON/],
    ['a state that is not an object', () => variant(() => [1, 2]), /not a JSON object/],
    ['slots not a list', () => variant((s) => ({ ...s, optimizer: { dense: { kind: 'adam', lr: 0.05, step: 3, slots: 'x/m' }, embedding: (s.optimizer as Record<string, unknown>).embedding } })), /`slots` must be a list/],
    ['losses not a list', () => variant((s) => ({ ...s, losses: { step: 1 } })), /`losses` must be a list/],
    ['history not a list', () => variant((s) => ({ ...s, history: 7 })), /`history` must be a list/],
    ['step 1e18', () => variant((s) => ({ ...s, step: 1e18 })), /`step` must be an integer from 0 to/],
    ['a negative epoch', () => variant((s) => ({ ...s, epoch: -1 })), /`epoch` must be an integer/],
    ['a fractional batch', () => variant((s) => ({ ...s, batchInEpoch: 1.5 })), /`batchInEpoch` must be an integer/],
    ['more batches than steps', () => variant((s) => ({ ...s, batchInEpoch: 90 })), /more than the steps taken/],
    ['an optimizer step past the run', () => variant((s) => ({ ...s, optimizer: { ...(s.optimizer as object), dense: { kind: 'adam', lr: 0.05, step: 1e9, slots: [] } } })), /`step` must be an integer no more than/],
    ['a slot named after a prototype name', () => variant((s) => ({ ...s, optimizer: { ...(s.optimizer as object), dense: { kind: 'adam', lr: 0.05, step: 3, slots: ['toString'] } } })), /does not hold it/],
    ['NaN weights', () => variant(() => undefined, (t) => (t['click.out.kernel'] = { shape: t['click.out.kernel']!.shape, data: t['click.out.kernel']!.data.map(() => NaN) })), /not finite[\s\S]*click\.out\.kernel: \d+ of \d+ values/],
    ['an infinite optimizer slot', () => variant(() => undefined, (t) => {
      const k = Object.keys(t).find((n) => n.startsWith('optimizer/'))!;
      t[k] = { shape: t[k]!.shape, data: t[k]!.data.map(() => Infinity) };
    }), /not finite/],
    ['a directory in place of the file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'recc-ck-'));
      mkdirSync(join(dir, CHECKPOINT));
      return dir;
    }, /is not a file/],
  ];

  for (const [name, make, message] of cases) {
    it(`${name}: one clear error from loadCheckpoint and from --resume`, async () => {
      const dir = make();
      const ck = loadCheckpoint(dir, g);
      expect(ck && 'error' in ck ? ck.error : 'accepted').toMatch(message);
      const before = readdirSync(dir).sort();
      const err = await train(tf, g, data.dataset, split(data.dataset, g.train.split, 1), opts(dir, true)).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TrainError);
      expect((err as Error).message).toMatch(message);
      expect(readdirSync(dir).sort()).toEqual(before); // nothing overwritten
    });
  }

  it('the good checkpoint still resumes', async () => {
    const dir = variant(() => undefined);
    const r = await train(tf, g, data.dataset, split(data.dataset, g.train.split, 1), { ...opts(dir, true), maxSteps: 5 });
    expect(r.state.step).toBe(5);
  });

  it('a run whose held-out metric is n/a (one class: NaN, null in the checkpoint\'s JSON) resumes, and reports its earlier epochs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-nan-metric-'));
    const csv = join(dir, 'one-class.csv');
    // every row clicked: the AUC of the held-out rows is NaN after every epoch
    const rows = readFileSync(join(import.meta.dirname, '../fixtures/train/clicks.csv'), 'utf8').trim().split('\n');
    writeFileSync(csv, `${[rows[0], ...rows.slice(1).map((r) => r.replace(/,[01]$/, ',1'))].join('\n')}\n`);
    const recc = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/recc.js'), 'train', SPEC, '--data', csv, '-o', join(dir, 'out'), ...args], { encoding: 'utf8' });
    // stopped in the second epoch, after the first epoch's evaluation
    const batches = Math.ceil((rows.length - 1) * 0.75 / 32);
    const first = recc('--max-steps', String(batches + 2));
    expect(first.status, first.stderr).toBe(0);
    const resumed = recc('--resume');
    expect(resumed.stderr).not.toMatch(/TypeError|^\s+at /m);
    expect(resumed.status, resumed.stderr).toBe(0);
    const report = readFileSync(join(dir, 'out/report.md'), 'utf8');
    // three epochs in the table, the first from before the stop
    expect(report.match(/^\| [123] \| n\/a \| n\/a \|$/gm)).toHaveLength(3);
  });

  it('compile --weights and eval --weights refuse weights that are not finite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-w-'));
    const w = Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)).fill(0.5) }]));
    writeFileSync(join(dir, 'ok.safetensors'), encodeSafetensors(w));
    expect('error' in readWeights(g, join(dir, 'ok.safetensors'))).toBe(false);
    w['click.out.kernel']!.data[1] = NaN;
    writeFileSync(join(dir, 'nan.safetensors'), encodeSafetensors(w));
    const r = readWeights(g, join(dir, 'nan.safetensors'));
    expect('error' in r ? r.error : '').toMatch(/error\[REC6006\].*not finite[\s\S]*click\.out\.kernel: 1 of/);
    const p = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/recc.js'), 'compile', SPEC, '--weights', join(dir, 'nan.safetensors'), '-o', join(dir, 'm.onnx')], { encoding: 'utf8' });
    expect(p.status).toBe(1);
    expect(p.stderr).toContain('not finite');
    expect(readdirSync(dir)).not.toContain('m.onnx');
  });
});

describe('temporary files of killed writes', () => {
  it('are removed by the next run when their writer is gone, and kept while it lives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-tmp-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const gone = Number(dead.stdout);
    writeFileSync(join(dir, `.checkpoint.safetensors.${gone}.1700000000000.0.tmp`), 'half');
    writeFileSync(join(dir, `.model.onnx.${process.pid}.1700000000000.3.tmp`), 'being written');
    writeFileAtomic(join(dir, 'report.md'), 'whole');
    expect(removeStaleTemps(dir)).toEqual([`.checkpoint.safetensors.${gone}.1700000000000.0.tmp`]);
    expect(readdirSync(dir).sort()).toEqual([`.model.onnx.${process.pid}.1700000000000.3.tmp`, 'report.md']);
    rmSync(dir, { recursive: true });
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { take } from '../../src/data/encode.js';
import { split } from '../../src/data/split.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { analyzeFile, analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { auc } from '../../src/train/metrics.js';
import { train, TrainError } from '../../src/train/train.js';
import { ort, runOnnx } from '../helpers/onnx.js';

const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'test/fixtures/train/clicks.rec');
const recc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
const quiet = { checkpointEvery: 1000, log: () => undefined, progress: false, resume: false };

describe('training', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('learns a separable problem, and the ONNX file gives the same held-out AUC', async () => {
    const g = analyzeFile(SPEC).graph!;
    const loaded = await loadData(g, { skipBadRows: false, seed: 1 });
    expect(loaded.errors).toEqual([]);
    const parts = split(loaded.dataset, g.train.split, g.train.seed);
    const r = await train(tf, g, loaded.dataset, parts, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-t-')) });
    const tfAuc = r.evaluation.tasks.click!.all!.auc!;
    expect(tfAuc).toBeGreaterThan(0.95);
    // the held-out rows through the serving graph, from their raw values
    const test = take(loaded.dataset, parts.test);
    const rows = readFileSync(join(ROOT, 'test/fixtures/train/clicks.csv'), 'utf8').trim().split('\n').slice(1);
    const raw = Array.from(parts.test, (i) => rows[i]!.match(/^([^,]*),"([^"]*)",([^,]*),/)!);
    const out = await runOnnx(lowerToOnnx(g, r.weights, { reccVersion: 'test' }), {
      x: new ort.Tensor('float32', Float32Array.from(raw.flatMap((m) => m[2]!.split(',').map(Number))), [raw.length, 3]),
      c: new ort.Tensor('string', raw.map((m) => m[3]!), [raw.length]),
    });
    expect(auc(out.click!, test.labels.click!)).toBeCloseTo(tfAuc, 6);
  });

  it('stops on a NaN or infinite loss and names the step', async () => {
    const g = analyze(readFileSync(SPEC, 'utf8').replace('adam(lr: 0.05)', 'sgd(lr: 1e30)'), SPEC).graph!;
    const loaded = await loadData(g, { skipBadRows: false, seed: 1 });
    const parts = split(loaded.dataset, g.train.split, 1);
    await expect(train(tf, g, loaded.dataset, parts, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-t-')) })).rejects.toThrow(/the loss became (NaN|Infinity) at step \d+/);
    await expect(train(tf, g, loaded.dataset, parts, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-t-')) })).rejects.toBeInstanceOf(TrainError);
  });
});

describe('recc train as a process', () => {
  it('resumes after SIGKILL and finishes; checkpoints are never half-written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'recc-kill-'));
    const args = [join(ROOT, 'bin/recc.js'), 'train', SPEC, '-o', out, '--epochs', '40', '--checkpoint-every', '3', '--backend', 'wasm'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const ck = join(out, 'checkpoint.safetensors');
    const deadline = Date.now() + 60_000;
    while (!existsSync(ck) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const saved = decodeSafetensors(readFileSync(ck));
    if ('error' in saved) throw new Error(saved.error);
    const state = JSON.parse(saved.metadata['recc.state']!) as { step: number; epoch: number };
    expect(state.step).toBeGreaterThan(0);
    expect(state.epoch).toBeLessThan(40);
    const r = recc(['train', SPEC, '-o', out, '--epochs', String(state.epoch + 1), '--resume', '--backend', 'wasm']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`resuming from step ${state.step}`);
    expect(r.stdout).toMatch(/task click[\s\S]*all\s+\d+\s+0\.9\d+/);
    for (const f of ['model.safetensors', 'model.onnx', 'report.md', 'loss.svg', 'metrics.json']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('reports bad data with file and row, or skips and counts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-bad-'));
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'user,x,c,clicked\nu1,"1,2,3",a,1\nu2,"1,2",b,0\nu3,"1,2,3",a\nu4,"1,2,3",b,\n' + Array.from({ length: 40 }, (_, i) => `u${i},"1,2,3",${i % 2 ? 'a' : 'b'},${i % 2}`).join('\n') + '\n');
    const r = recc(['train', SPEC, '--data', f, '-o', join(dir, 'out'), '--epochs', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${f}:3: error[REC6003]: row has 3 columns, the header has 4`);
    const s = recc(['train', SPEC, '--data', f, '-o', join(dir, 'out'), '--epochs', '1', '--skip-bad-rows']);
    expect(s.status).toBe(0);
    expect(s.stderr).toContain('3 bad rows skipped');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const e = recc(['train', SPEC, '--data', empty, '-o', join(dir, 'out')]);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('error[REC6004]');
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { slice } from '../../src/data/preprocess.js';
import { split } from '../../src/data/split.js';
import onnxProto from 'onnx-proto';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { analyzeFile, analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { auc } from '../../src/train/metrics.js';
import { train, TrainError } from '../../src/train/train.js';
import { ort, runOnnx } from '../helpers/onnx.js';

const { onnx } = onnxProto;
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
    const test = slice(loaded.dataset, parts.test);
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
    await expect(train(tf, g, loaded.dataset, parts, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-t-')) })).rejects.toThrow(/the loss became (NaN|Infinity) at step \d+ \(epoch 1, batch \d+\) in task `click`/);
    await expect(train(tf, g, loaded.dataset, parts, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-t-')) })).rejects.toBeInstanceOf(TrainError);
  });
});

/** Every finished file in a run directory parses; temporaries (dot files) are skipped. Returns their names. */
function checkRunDir(dir: string): string[] {
  const seen: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.startsWith('.')) continue;
    const bytes = readFileSync(join(dir, f));
    if (f.endsWith('.json')) JSON.parse(bytes.toString('utf8'));
    else if (f.endsWith('.safetensors')) {
      const r = decodeSafetensors(bytes);
      if ('error' in r) throw new Error(`${f}: ${r.error}`);
    } else if (f.endsWith('.onnx')) expect(onnx.ModelProto.decode(bytes).graph?.node?.length).toBeGreaterThan(0);
    else if (f.endsWith('.svg')) expect(bytes.toString('utf8').trimEnd().endsWith('</svg>')).toBe(true);
    else if (f.endsWith('.md')) expect(bytes.toString('utf8')).toMatch(/^# clicks: training report[\s\S]*loss\.svg/);
    else throw new Error(`unexpected file ${f}`);
    seen.push(f);
  }
  return seen.sort();
}

describe('recc train as a process', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/recc.cjs'))) throw new Error('these tests run bin/recc.js: build first (npm run build)');
  });

  it('resumes after SIGKILL mid-epoch and finishes; no file in the out dir is ever half-written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'recc-kill-'));
    const args = [join(ROOT, 'bin/recc.js'), 'train', SPEC, '-o', out, '--epochs', '60', '--checkpoint-every', '2', '--backend', 'wasm'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const deadline = Date.now() + 60_000;
    let checks = 0;
    let state: { step: number; epoch: number; batchInEpoch: number } | undefined;
    // Read every file while the run rewrites them; kill it once it is inside its second epoch or later.
    while (Date.now() < deadline) {
      if (existsSync(join(out, 'state.json'))) {
        checkRunDir(out);
        checks++;
        state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
        if (state!.epoch >= 1 && state!.batchInEpoch > 0 && existsSync(join(out, 'model.onnx'))) break;
      }
      await new Promise((r) => setTimeout(r, 15));
    }
    child.kill('SIGKILL');
    await exited;
    expect(checks).toBeGreaterThan(3);
    expect(checkRunDir(out)).toEqual(['checkpoint.safetensors', 'loss.svg', 'metrics.json', 'model.onnx', 'model.safetensors', 'report.md', 'state.json']);
    const saved = decodeSafetensors(readFileSync(join(out, 'checkpoint.safetensors')));
    if ('error' in saved) throw new Error(saved.error);
    const ck = JSON.parse(saved.metadata['recc.state']!) as { step: number; epoch: number };
    expect(ck.step).toBeGreaterThan(0);
    expect(ck.epoch).toBeLessThan(60);
    const r = recc(['train', SPEC, '-o', out, '--epochs', String(ck.epoch + 1), '--resume', '--backend', 'wasm']);
    expect(r.stderr).toContain(`resuming from step ${ck.step}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/task click[\s\S]*all\s+\d+\s+0\.9\d+/);
    checkRunDir(out);
    const final = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { epoch: number; batchInEpoch: number };
    expect([final.epoch, final.batchInEpoch]).toEqual([ck.epoch + 1, 0]);
    // the weights it wrote evaluate to the metrics it printed on the same rows: eval on all rows
    // works from either file and gives identical numbers
    const a = recc(['eval', SPEC, '--weights', join(out, 'model.safetensors'), '--json', '--backend', 'wasm']);
    const b = recc(['eval', SPEC, '--weights', join(out, 'checkpoint.safetensors'), '--json', '--backend', 'wasm']);
    expect(a.status).toBe(0);
    const ea = JSON.parse(a.stdout) as { rows: number; tasks: Record<string, Record<string, { auc: number }>> };
    expect(ea.rows).toBe(1200);
    expect(ea.tasks.click!.all!.auc).toBeGreaterThan(0.95);
    expect(JSON.parse(b.stdout)).toEqual(ea);
  });

  it('stops on SIGTERM before its next step, checkpointed (exit 143), and resumes from there', async () => {
    /** Start a run of many epochs; once its second epoch began, send `signal`; resolve with its exit status and stderr. */
    const signalled = async (out: string, signal: NodeJS.Signals) => {
      // no checkpoint inside an epoch but the interrupt's
      const args = [join(ROOT, 'bin/recc.js'), 'train', SPEC, '-o', out, '--epochs', '400', '--checkpoint-every', '100000', '--backend', 'wasm'];
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const deadline = Date.now() + 60_000;
      while (!stderr.includes('epoch 1/400') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      return { status: await exited, stderr };
    };
    const out = mkdtempSync(join(tmpdir(), 'recc-term-'));
    const t = await signalled(out, 'SIGTERM');
    expect(t.status, t.stderr).toBe(143);
    expect(t.stderr).toContain('SIGTERM: stopping after this step to write a checkpoint');
    const m = /stopped by SIGTERM after step (\d+) \(epoch (\d+), batch (\d+)\): (checkpoint written|its checkpoint was written already); continue with --resume/.exec(t.stderr);
    expect(m, t.stderr).not.toBeNull();
    const [step, epoch, batch] = [Number(m![1]), Number(m![2]), Number(m![3])];
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { step: number; epoch: number; batchInEpoch: number; history: unknown[] };
    // the state on disk is the step the message names, inside the epoch it names
    expect([state.step, state.epoch + 1, state.batchInEpoch]).toEqual([step, epoch, batch]);
    expect(m![4]).toBe(batch > 0 ? 'checkpoint written' : 'its checkpoint was written already');
    // signalled once the first epoch ended: it stops in the second or later
    expect(epoch).toBeGreaterThanOrEqual(2);
    expect(state.history).toHaveLength(epoch - 1);
    const perEpoch = (step - batch) / (epoch - 1);
    checkRunDir(out);
    const r = recc(['train', SPEC, '-o', out, '--epochs', String(epoch), '--resume', '--backend', 'wasm']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`resuming from step ${step} (epoch ${epoch}, batch ${batch})`);
    const final = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { step: number; epoch: number; batchInEpoch: number };
    expect([final.epoch, final.batchInEpoch, final.step]).toEqual([epoch, 0, epoch * perEpoch]);
  });

  it('eval refuses weights that do not fit the spec, and files that are not safetensors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-eval-'));
    const bad = join(dir, 'w.safetensors');
    writeFileSync(bad, 'not a checkpoint');
    const r = recc(['eval', SPEC, '--weights', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[REC6006]');
    const missing = recc(['eval', SPEC, '--weights', join(dir, 'nope.safetensors')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    writeFileSync(bad, encodeSafetensors({ 'head.click.kernel': { shape: [2, 1], data: new Float32Array(2) } }));
    const m = recc(['eval', SPEC, '--weights', bad]);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/error\[REC6005\][\s\S]*missing: /);
  });

  it('reports bad data with file and row, or skips and counts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-bad-'));
    const f = join(dir, 'bad.csv');
    const good = Array.from({ length: 40 }, (_, i) => `u${i},"1,2,3",${i % 2 ? 'a' : 'b'},${i % 2}`).join('\n');
    // line 3: a dense value of two numbers; line 4: three cells; line 5: no label; line 6: not a number (the header is line 1)
    writeFileSync(f, `user,x,c,clicked\nu1,"1,2,3",a,1\nu2,"1,2",b,0\nu3,"1,2,3",a\nu4,"1,2,3",b,\nu5,"1,x,3",a,1\n${good}\n`);
    const r = recc(['train', SPEC, '--data', f, '-o', join(dir, 'out'), '--epochs', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${f}:4: error[REC6003]: row has 3 columns, the header has 4`);
    const s = recc(['train', SPEC, '--data', f, '-o', join(dir, 'out'), '--epochs', '1', '--skip-bad-rows']);
    expect(s.status).toBe(0);
    expect(s.stderr).toContain('4 bad rows skipped');
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toContain('4 bad rows skipped');
    // without the column-count error, the value errors are reported one per row with their column
    writeFileSync(f, `user,x,c,clicked\nu1,"1,2,3",a,1\nu2,"1,2",b,0\nu5,"1,x,3",a,1\nu6,"1,2,3",a,yes\n${good}\n`);
    const v = recc(['train', SPEC, '--data', f, '-o', join(dir, 'out2'), '--epochs', '1']);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(new RegExp(`${f}:3:2 \\(column x\\): error\\[REC6002\\]`));
    expect(v.stderr).toMatch(new RegExp(`${f}:4:2 \\(column x\\): error\\[REC6002\\]`));
    expect(v.stderr).toMatch(new RegExp(`${f}:5:4 \\(column clicked\\): error\\[REC6002\\]`));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const e = recc(['train', SPEC, '--data', empty, '-o', join(dir, 'out')]);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('error[REC6004]');
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'user,x,c,clicked\n');
    const h = recc(['train', SPEC, '--data', header, '-o', join(dir, 'out')]);
    expect(h.status).toBe(1);
    expect(h.stderr).toContain('error[REC6004]');
    expect(recc(['train', SPEC, '--epochs', 'many']).status).toBe(2);
  });

  it('a split that holds out no row stops before training, saying why, in memory and with --stream', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-split-'));
    // one user: by_key(user, test: 0.25) holds out round(0.25 × 1) = 0 keys
    const one = join(dir, 'one.csv');
    writeFileSync(one, `user,x,c,clicked\n${Array.from({ length: 40 }, (_, i) => `u1,"${i},2,3",a,${i % 2}`).join('\n')}\n`);
    // one row under a random split: round(0.3 × 1) = 0 rows
    const spec = join(dir, 'random.rec');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace(/split: .*/, 'split: random(test: 0.3)'));
    const lone = join(dir, 'lone.csv');
    writeFileSync(lone, 'user,x,c,clicked\nu1,"1,2,3",a,1\n');
    const runs = [
      { args: [SPEC, '--data', one], file: one, why: 'by_key(user, test: 0.25) holds out round(0.25 × 1) = 0 of the data\'s 1 key (`user` value)' },
      { args: [spec, '--data', lone], file: lone, why: 'random(test: 0.3) holds out round(0.3 × 1) = 0 of the data\'s 1 row' },
      { args: [SPEC, '--data', one, '--stream'], file: one, why: '--stream held out none of the data\'s 40 rows (it holds out each `user` value with probability 0.25' },
    ];
    for (const [k, run] of runs.entries()) {
      const out = join(dir, `out${k}`);
      const r = recc(['train', ...run.args, '-o', out, '--epochs', '1']);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toMatch(/^epoch /m);
      expect(r.stderr).toContain(`${run.file}: error[REC6004]: no test rows: the split held out no row: ${run.why}`);
      expect(r.status).toBe(1);
      expect(readdirSync(out)).toEqual([]);
    }
  });
});

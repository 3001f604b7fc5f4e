// The onnxruntime training backend (src/train/ort-runner.ts) against the TensorFlow.js one (wasm),
// on every example spec with few rows: the same losses step by step (the same gradients, to
// float32 rounding, and the same optimizer loops), the same held-out metrics, and the same serving
// ONNX; a run stopped and resumed ends bit-identical to an uninterrupted one; and what a user sees
// when onnxruntime cannot load or has no CUDA.
// The 3-seed comparison of held-out metrics at full size is in bench/ort-vs-wasm.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IRGraph } from '../../src/ir/types.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { trainBackend } from '../../src/cli/train-backend.js';
import { ortRunner } from '../../src/train/ort-runner.js';
import type { Ort } from '../../src/train/ort/load.js';
import type { TrainOptions, TrainResult } from '../../src/train/train.js';
import { trainRows, wasmAndOrt } from '../helpers/ort-train.js';

const { onnx } = onnxProto;
const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec'));
const ROWS = 2500;

let ort: Ort;
beforeAll(async () => {
  ort = await wasmAndOrt();
});

async function run(g: IRGraph, backend: 'wasm' | 'ort', extra: Partial<TrainOptions> = {}): Promise<TrainResult> {
  return trainRows(g, ROWS, { epochs: 2, ...(backend === 'ort' ? { runner: (init) => ortRunner(ort, init, { threads: 1, cuda: false }) } : {}), ...extra });
}

describe('recc train --backend ort equals --backend wasm', () => {
  for (const spec of EXAMPLES) {
    it(spec, async () => {
      const g = analyzeFile(join(ROOT, 'examples', spec)).graph!;
      const wasm = await run(g, 'wasm');
      const native = await run(g, 'ort');
      // every step's loss (state.losses keeps steps 1, 10, 20, … and each epoch's last)
      expect(native.state.losses.map((l) => l.step)).toEqual(wasm.state.losses.map((l) => l.step));
      native.state.losses.forEach((l, i) => expect(Math.abs(l.loss - wasm.state.losses[i]!.loss) / Math.abs(wasm.state.losses[i]!.loss), `step ${l.step}`).toBeLessThan(1e-4));
      // the held-out metrics of every task over all rows: (G)AUC are rank statistics of ~500 rows,
      // where one near-tie ordered the other way moves the value by a few 1e-3. Not per group: a
      // group of a few dozen rows moves by 1/(positives × negatives) for one such pair (pepnet-ple,
      // domain C: 1/28).
      for (const [task, groups] of Object.entries(wasm.evaluation.tasks)) {
        for (const [m, v] of Object.entries(groups.all!)) {
          if (Number.isNaN(v)) expect(native.evaluation.tasks[task]!.all![m], `${task} ${m}`).toBeNaN();
          else expect(Math.abs(native.evaluation.tasks[task]!.all![m]! - v), `${task} ${m}`).toBeLessThan(1e-2);
        }
      }
      // the same serving graph: nodes, inputs, outputs and initializer names and shapes
      const shape = (bytes: Uint8Array) => {
        const m = onnx.ModelProto.decode(bytes).graph!;
        return { node: m.node, input: m.input, output: m.output, init: m.initializer!.map((t) => [t.name, t.dims]) };
      };
      expect(shape(lowerToOnnx(g, native.weights, { reccVersion: 'test' }))).toEqual(shape(lowerToOnnx(g, wasm.weights, { reccVersion: 'test' })));
    }, 600_000);
  }
});

describe('resume on --backend ort', () => {
  it('a run stopped mid-stage and resumed ends bit-identical to an uninterrupted one (sparse tables, Adam slots)', async () => {
    const g = analyzeFile(join(ROOT, 'examples/poso-movielens.rec')).graph!;
    const full = await run(g, 'ort');
    const dir = mkdtempSync(join(tmpdir(), 'recc-ort-resume-'));
    await run(g, 'ort', { outDir: dir, maxSteps: 3 });
    const resumed = await run(g, 'ort', { outDir: dir, resume: true });
    expect(resumed.state.step).toBe(full.state.step);
    for (const p of g.params) expect(Buffer.from(resumed.weights[p.name]!.buffer).equals(Buffer.from(full.weights[p.name]!.buffer)), p.name).toBe(true);
  }, 600_000);
});

describe('next_item tasks on --backend ort', () => {
  it('a sampled softmax (negatives drawn per step as TensorFlow.js draws them) trains as on wasm', async () => {
    const file = join(ROOT, 'examples/peterrec-profile.rec');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('next_item(items)');
    const g = analyze(text.replace('next_item(items)', 'next_item(items, negatives: 8)'), file).graph!;
    const wasm = await run(g, 'wasm');
    const native = await run(g, 'ort');
    const pretrain = (r: TrainResult) => r.state.losses.filter((l) => l.stage === 'pretrain');
    expect(pretrain(native).length).toBeGreaterThan(2);
    pretrain(native).forEach((l, i) => expect(Math.abs(l.loss - pretrain(wasm)[i]!.loss) / Math.abs(pretrain(wasm)[i]!.loss), `step ${l.step}`).toBeLessThan(1e-4));
    for (const [task, groups] of Object.entries(wasm.evaluation.tasks)) {
      for (const [m, v] of Object.entries(groups.all!)) if (Number.isFinite(v)) expect(Math.abs(native.evaluation.tasks[task]!.all![m]! - v), `${task} ${m}`).toBeLessThan(1e-2);
    }
  }, 600_000);
});

describe('choosing the backend', () => {
  it('falls back to wasm with a one-line notice when onnxruntime-node cannot load', async () => {
    const lines: string[] = [];
    const b = await trainBackend('ort', 1, (l) => lines.push(l), async () => ({ error: 'libonnxruntime.so.1: cannot open shared object file' }));
    expect('error' in b).toBe(false);
    expect(b).toMatchObject({ backend: 'wasm' });
    expect(b).not.toHaveProperty('runner');
    expect(lines).toEqual(['note: onnxruntime-node cannot load here (libonnxruntime.so.1: cannot open shared object file); training on wasm instead']);
  });

  it('auto is onnxruntime where it loads (tfjs-node not installed here), else wasm without a notice', async () => {
    const lines: string[] = [];
    const native = await trainBackend('auto', 2, (l) => lines.push(l));
    expect(native).toMatchObject({ backend: 'ort (2 threads)' });
    expect(native).toHaveProperty('runner');
    const fallback = await trainBackend('auto', 1, (l) => lines.push(l), async () => ({ error: 'libonnxruntime.so.1: cannot open shared object file' }));
    expect(fallback).toMatchObject({ backend: 'wasm' });
    expect(fallback).not.toHaveProperty('runner');
    expect(lines).toEqual([]);
  });

  it('--backend ort-cuda without a CUDA execution provider is one clear line, before any data is read', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), 'train', join(ROOT, 'examples/poso-movielens.rec'), '--backend', 'ort-cuda', '-o', mkdtempSync(join(tmpdir(), 'recc-cuda-'))], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: --backend ort-cuda: onnxruntime's CUDA execution provider is not available here \(.+\); install onnxruntime-node's CUDA binaries, or use --backend ort$/);
  });
});

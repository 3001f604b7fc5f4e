// `recc export torch`: for every example, the exported package's Model (float32, weights loaded
// by its own weights.py from a safetensors file laid out as a recc checkpoint) gives the serving ONNX's predictions (onnxruntime on raw
// values, preprocessing inside the graph), and each stage's objective equals the objective lowered
// to ONNX (lowerFunction) on the same encoded batch, within 1e-5 of the largest value.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelInputs, preprocess } from '../../../src/data/preprocess.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { encodeSafetensors } from '../../../src/io/safetensors.js';
import { getEntry, SERVE } from '../../../src/ir/entry.js';
import { planOf } from '../../../src/ir/plan.js';
import { labelInput, pairInputs } from '../../../src/ir/task-inputs.js';
import type { IRGraph } from '../../../src/ir/types.js';
import { lowerFunction } from '../../../src/lower/onnx/function.js';
import { lowerToOnnx } from '../../../src/lower/onnx/lower.js';
import { initWeights } from '../../../src/lower/tfjs/init.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { hingePairs } from '../../../src/train/hinge-pairs.js';
import { expectRelClose } from '../../grad/close.js';
import { ort, ortTensor, runOnnx } from '../../helpers/onnx.js';
import { inputFeeds, onnxFeeds, randomRows } from '../../helpers/rows.js';
import { haveTorch, runTorchPackages, type PackageJob, type TorchValue } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const N = 16;
const work = mkdtempSync(join(tmpdir(), 'recc-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Export a graph and its weights; returns the package directory and the weights file. */
function exportPackage(g: IRGraph, weights: Record<string, Float32Array>, dir: string): { dir: string; weights: string } {
  writeDirectoryAtomic(dir, torchPackage(g, { specFile: 'spec.rec', reccVersion: 'test' }));
  // as a recc checkpoint holds them: the optimizer's slots beside the weights (read past)
  const file = join(dir, 'weights.safetensors');
  const slots = Object.fromEntries(g.params.map((p) => [`optimizer/${p.name}/m`, { shape: p.shape, data: new Float32Array(weights[p.name]!.length) }]));
  writeFileSync(file, encodeSafetensors({ ...Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: weights[p.name]! }])), ...slots }, { 'recc.state': '{}' }));
  return { dir, weights: file };
}

/** Labels and hinge pairs of every task, as an entry reads them. */
function taskInputs(g: IRGraph, labels: Record<string, Float32Array>, n: number): Record<string, TorchValue> {
  const out: Record<string, TorchValue> = {};
  for (const t of g.tasks) {
    if (t.loss === 'hinge') {
      const { pos, neg } = hingePairs(labels[t.name]!);
      const [p, q] = pairInputs(t.name);
      out[p] = { data: pos, shape: [pos.length], ids: true };
      out[q] = { data: neg, shape: [neg.length], ids: true };
    } else out[labelInput(t.name)] = { data: labels[t.name]!, shape: [n] };
  }
  return out;
}

async function runOnnxOf(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  return runOnnx(bytes, Object.fromEntries(session.inputNames.map((k) => [k, feeds[k]!])));
}

describe.runIf(haveTorch())('recc export torch: the module equals onnxruntime', () => {
  const specs = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec'));
  it('every example: serving predictions and stage objectives', async () => {
    const jobs: PackageJob[] = [];
    const expected: Array<Record<string, Float32Array>> = [];
    const names: string[] = [];
    for (const spec of specs) {
      const g = analyzeFile(join(ROOT, 'examples', spec)).graph!;
      const weights = initWeights(g, 7);
      const pkg = exportPackage(g, weights, join(work, spec));
      const rows = randomRows(g, N, spec);
      const { dataset, errors } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
      expect(errors).toEqual([]);
      const inputs: Record<string, TorchValue> = {};
      for (const [k, { data, shape }] of Object.entries(modelInputs(dataset))) inputs[k] = { data, shape: [N, ...shape], ids: data instanceof Int32Array };
      const labels = taskInputs(g, dataset.labels, N);
      jobs.push({ ...pkg, entry: SERVE, inputs });
      expected.push(await runOnnx(lowerToOnnx(g, weights, { reccVersion: 'test' }), onnxFeeds(g, rows)));
      names.push(`${spec} serve`);
      for (const stage of new Set(planOf(g).stages.map((s) => s.entry))) {
        const objective = getEntry(g, stage)!.objective!;
        const feeds = { ...inputFeeds(dataset), ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, ortTensor(v.data, v.shape, v.ids)])) };
        const got = await runOnnxOf(lowerFunction(g, { outputs: { '/objective': objective }, weights }), feeds);
        jobs.push({ ...pkg, entry: stage, inputs: { ...inputs, ...labels } });
        expected.push(got);
        names.push(`${spec} ${stage}`);
      }
    }
    const results = await runTorchPackages(jobs);
    let compared = 0;
    results.forEach((r, k) => {
      for (const [out, want] of Object.entries(expected[k]!)) {
        expect(r[out], `${names[k]}: ${out}`).toBeDefined();
        expectRelClose(r[out]!, want, 1e-5, `${names[k]}: ${out}`);
        compared++;
      }
    });
    expect(compared).toBeGreaterThanOrEqual(2 * specs.length);
  });

  // Found by a probe of the lowerings: torch 1.13's F.layer_norm on the CPU gave x·r − mean·r
  // (not 0) over one feature, off by 1e-2 at 1234.5 and NaN past 2e19; model.py now centres first.
  it('layer_norm over one feature and over values of large magnitude', async () => {
    const spec = join(work, 'norm.rec');
    writeFileSync(spec, `model norm {
  features {
    x1: dense(1)
    x3: dense(3)
    y: label
  }
  let x = concat(layer_norm(x1), layer_norm(x3), layer_norm_op(x1, param("g", [1], init: "ones"), param("b", [1], init: "zeros"), epsilon: 1e-8))
  task reg : regression(label: y)
}
`);
    const g = analyzeFile(spec).graph!;
    const weights = initWeights(g, 7);
    const pkg = exportPackage(g, weights, join(work, 'norm'));
    const rows = [1.2345, -3, 1234.5, 1.2345e5, 1.2345e8, -1.2345e12, 2e19, 1e30].map((v, i) => ({ x1: v, x3: `${v},${v * (1 + i / 100)},${-v / 3}`, y: 0 }));
    const { dataset, errors } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: [], skipBadRows: false });
    expect(errors).toEqual([]);
    const inputs: Record<string, TorchValue> = {};
    for (const [k, { data, shape }] of Object.entries(modelInputs(dataset))) inputs[k] = { data, shape: [rows.length, ...shape], ids: data instanceof Int32Array };
    const [got] = await runTorchPackages([{ ...pkg, entry: SERVE, inputs }]);
    const want = await runOnnx(lowerToOnnx(g, weights, { reccVersion: 'test' }), onnxFeeds(g, rows));
    expect(want.reg!.every(Number.isFinite)).toBe(true);
    expectRelClose(got!.reg!, want.reg!, 1e-5, 'reg');
  });
});

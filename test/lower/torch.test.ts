// The PyTorch lowering (src/lower/torch/): a form for every op in the registry, and, evaluated in
// float64 by /usr/bin/python3, the same values as onnxruntime (float32) for every op example and
// every example spec's task outputs, within 1e-5 of the largest value. The gradient checks
// (test/grad/) use it as their float64 evaluator, so it is checked on its own here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelInputs, preprocess } from '../../src/data/preprocess.js';
import { lowerFunction } from '../../src/lower/onnx/function.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { TORCH } from '../../src/lower/torch/ops.js';
import { OPS } from '../../src/ops/registry.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { expectRelClose } from '../grad/close.js';
import { exampleInputName, isGraphInput, opGraph } from '../grad/small-graph.js';
import { runOnnx } from '../helpers/onnx.js';
import { inputFeeds, randomRows } from '../helpers/rows.js';
import { haveTorch, runTorch, type TorchJob, type TorchValue } from '../helpers/torch.js';
import { runOpOnnx } from '../ops/run-op.js';
import { exampleValues } from '../ops/values.js';

const BATCH = 3;
const ROOT = join(import.meta.dirname, '../..');

describe('PyTorch lowering', () => {
  it('has a form for every op of the registry, and for nothing else', () => {
    expect(Object.keys(OPS).filter((op) => !TORCH[op])).toEqual([]);
    expect(Object.keys(TORCH).filter((op) => !OPS[op])).toEqual([]);
  });

  describe.runIf(haveTorch())('float64 values equal onnxruntime', () => {
    it('every op example', async () => {
      const cases = Object.values(OPS).flatMap((op) => op.examples.map((e, index) => ({ op: op.name, index, e })));
      const jobs: TorchJob[] = [];
      const expected: Float32Array[] = [];
      for (const { op, index, e } of cases) {
        const values = exampleValues(e, `${op}:${index}`, BATCH);
        expected.push(await runOpOnnx(op, values, e.attrs));
        const { s, y } = opGraph(op, e);
        const io: { params: Record<string, TorchValue>; inputs: Record<string, TorchValue> } = { params: {}, inputs: {} };
        values.forEach((v, i) => ((isGraphInput(e.inputs[i]!) ? io.inputs : io.params)[exampleInputName(e, i)] = { data: v.data, shape: v.shape, ids: v.dtype === 'int32' }));
        jobs.push({ graph: s.graph(), outputs: [y], ...io });
      }
      const results = await runTorch(jobs);
      cases.forEach(({ op, index }, k) => expectRelClose(results[k]!.outputs[0]!, expected[k]!, 1e-5, `${op} #${index}`));
    });

    const specs = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec'));
    it('every example spec', async () => {
      const jobs: TorchJob[] = [];
      const expected: Array<Record<string, Float32Array>> = [];
      const tasks: string[][] = [];
      for (const spec of specs) {
        const g = analyzeFile(join(ROOT, 'examples', spec)).graph!;
        const weights = initWeights(g, 7);
        const rows = randomRows(g, 8, spec);
        const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
        const torchInputs: Record<string, TorchValue> = {};
        for (const [name, { data, shape }] of Object.entries(modelInputs(dataset))) torchInputs[name] = { data, shape: [dataset.n, ...shape], ids: data instanceof Int32Array };
        const outputs = Object.fromEntries(g.tasks.map((t) => [t.name, t.output]));
        expected.push(await runOnnx(lowerFunction(g, { outputs, weights }), inputFeeds(dataset)));
        tasks.push(g.tasks.map((t) => t.name));
        const params = Object.fromEntries(g.params.map((p) => [p.name, { data: weights[p.name]!, shape: p.shape }]));
        jobs.push({ graph: g, outputs: g.tasks.map((t) => t.output), params, inputs: torchInputs });
      }
      const results = await runTorch(jobs);
      specs.forEach((spec, k) => tasks[k]!.forEach((t, j) => expectRelClose(results[k]!.outputs[j]!, expected[k]![t]!, 1e-5, `${spec}: ${t}`)));
    });
  });
});

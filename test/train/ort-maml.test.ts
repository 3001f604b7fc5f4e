// MAML stages on the ort backend (train/ort/maml-graph.ts) against TensorFlow.js
// (train/maml-step.ts), which test/ir/maml*.test.ts check against PyTorch autograd in float64.
// Plain SGD, so that any difference in the averaged outer gradients shows in the weights (Adam
// would hide a uniform scale): the LiMAML examples with an MLP and an id-embedding meta block,
// second and first order, and clipping that binds.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IRGraph } from '../../src/ir/types.js';
import { analyze } from '../../src/semantics/analyze.js';
import { ortRunner } from '../../src/train/ort-runner.js';
import { readFileSync } from 'node:fs';
import type { Ort } from '../../src/train/ort/load.js';
import type { TrainResult } from '../../src/train/train.js';
import { trainRows, wasmAndOrt } from '../helpers/ort-train.js';

const ROOT = join(import.meta.dirname, '../..');

let ort: Ort;
beforeAll(async () => {
  ort = await wasmAndOrt();
});

function spec(example: string, edit: (text: string) => string): IRGraph {
  const file = join(ROOT, 'examples', example);
  const a = analyze(edit(readFileSync(file, 'utf8').replace('optimizer: adam(lr: 3e-3)', 'optimizer: sgd(lr: 0.5)').replace('epochs: 4', 'epochs: 1').replace('tasks_per_batch: 32', 'tasks_per_batch: 16')), file);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a.graph!;
}

async function run(g: IRGraph, backend: 'wasm' | 'ort'): Promise<TrainResult> {
  return trainRows(g, 3000, backend === 'ort' ? { runner: (init) => ortRunner(ort, init, { threads: 1, cuda: false }) } : {});
}

const cases: Array<[string, string, (t: string) => string]> = [
  ['limaml-mlp.rec', 'second order', (t) => t],
  ['limaml-mlp.rec', 'first order, clipped to 0.01', (t) => t.replace('order: second', 'order: first').replace('support_fraction: 0.75', 'support_fraction: 0.75\n    clip_norm: 0.01')],
  ['limaml-id.rec', 'an id embedding adapted', (t) => t],
];

describe('MAML stages on --backend ort', () => {
  for (const [example, what, edit] of cases) {
    it(`${example}, ${what}: the same weights as TensorFlow.js after an epoch of SGD`, async () => {
      const g = spec(example, edit);
      const wasm = await run(g, 'wasm');
      const native = await run(g, 'ort');
      expect(native.state.step).toBe(wasm.state.step);
      expect(wasm.state.step).toBeGreaterThan(2);
      for (const [name, w] of Object.entries(wasm.weights)) {
        const o = native.weights[name]!;
        let scale = 1e-3;
        let worst = 0;
        for (let i = 0; i < w.length; i++) {
          scale = Math.max(scale, Math.abs(w[i]!));
          worst = Math.max(worst, Math.abs(o[i]! - w[i]!));
        }
        expect(worst / scale, name).toBeLessThan(1e-5);
      }
      // the held-out metrics (each task adapted on TensorFlow.js from the ort runner's weights)
      for (const [task, groups] of Object.entries(wasm.evaluation.tasks)) expect(Math.abs(native.evaluation.tasks[task]!.all!.auc! - groups.all!.auc!), task).toBeLessThan(1e-3);
    }, 120_000);
  }
});

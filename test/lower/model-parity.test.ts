// Model-level parity: every example (and a spec using every stdlib block) compiles to ONNX that
// passes the checker, runs in onnxruntime on raw values, and agrees with the TensorFlow.js forward
// pass (cpu and wasm) on the same rows within 1e-5.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../src/data/preprocess.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { batchTensors } from '../../src/train/evaluate.js';
import { checkOnnx, haveOnnxChecker, runOnnx } from '../helpers/onnx.js';
import { onnxFeeds, randomRows } from '../helpers/rows.js';
import { ALL_SPECS, inRepo } from '../helpers/specs.js';

const specs = ALL_SPECS;
const models: Record<string, Uint8Array> = {};

describe('model parity: TensorFlow.js forward vs ONNX in onnxruntime', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      for (const spec of specs) {
        it(spec.split('/').pop()!, async () => {
          const a = analyzeFile(spec);
          expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          const g = a.graph!;
          const weights = initWeights(g, 7);
          const bytes = lowerToOnnx(g, weights, { reccVersion: 'test' });
          models[spec.split('/').pop()!] = bytes;
          const rows = randomRows(g, 16, inRepo(spec));
          const { dataset, errors } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
          expect(errors).toEqual([]);
          const onnxOut = await runOnnx(bytes, onnxFeeds(g, rows));
          const forward = buildForward(tf, g);
          const got = tf.tidy(() => {
            const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
            const { outputs } = forward(params, batchTensors(tf, dataset));
            return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.dataSync() as Float32Array]));
          });
          // the serving entry's tasks (a staged spec also has earlier stages' tasks)
          for (const t of g.tasks.filter((task) => Object.hasOwn(g.entries.serve!.outputs, task.name))) {
            const x = got[t.name]!;
            const y = onnxOut[t.name]!;
            expect(x.length).toBe(16 * t.classes);
            let max = 0;
            for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
            expect(max, `${t.name}: max abs diff`).toBeLessThanOrEqual(1e-5);
          }
        });
      }
    });
  }

  it.runIf(haveOnnxChecker())('every example passes the ONNX checker (full_check)', () => {
    expect(Object.keys(models).length).toBe(specs.length);
    expect(checkOnnx(models)).toEqual({});
  });
});

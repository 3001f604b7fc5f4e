// Serving PeterRec (examples/peterrec-profile.rec): the pretraining stage's entry (next-item
// scores at each sequence's last item) and the serving entry (the fine-tuned, patched network's
// profile prediction) lowered to ONNX give TF.js's outputs in onnxruntime, on weights where every
// patch is active (its up-projection, zero at initialisation, set non-zero) and on sequences of
// different lengths.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { ort, runOnnx } from '../helpers/onnx.js';

const a = analyzeFile(join(import.meta.dirname, '../../examples/peterrec-profile.rec'));
const g = a.graph!;
const weights = initWeights(g, 3);
for (const p of g.params) if (/\.(up|up_bias|b|beta)$/.test(p.name)) weights[p.name] = weights[p.name]!.map((_, i) => 0.05 * Math.sin(i + p.name.length));
const B = 4;
const L = 20;
const lengths = [20, 7, 1, 13];
const ids = Int32Array.from({ length: B * L }, (_, k) => (k % L < lengths[Math.floor(k / L)]! ? 1 + ((k * 37) % 256) : 0));

describe('PeterRec serving', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('compiles without diagnostics; entries for both stages and serve', () => {
    expect(a.diagnostics).toEqual([]);
    expect(Object.keys(g.entries).sort()).toEqual(['pretrain', 'profile', 'serve']);
    expect(Object.keys(g.entries.pretrain!.outputs)).toEqual(['next']);
    expect(Object.keys(g.entries.serve!.outputs)).toEqual(['age']);
  });
  for (const [entry, task, width] of [['pretrain', 'next', 257], ['serve', 'age', 4]] as const) {
    it(`the \`${entry}\` entry in onnxruntime equals TF.js`, async () => {
      const expected = tf.tidy(() => {
        const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
        return Array.from(buildForward(tf, g, entry)(params, { items: tf.tensor(ids, [B, L], 'int32') }).outputs[task]!.dataSync());
      });
      const got = await runOnnx(lowerToOnnx(g, weights, { reccVersion: 'test' }, entry), { items: new ort.Tensor('int64', BigInt64Array.from(Array.from(ids, BigInt)), [B, L]) });
      expect(got[task]!.length).toBe(B * width);
      for (let i = 0; i < expected.length; i++) expect(got[task]![i]!).toBeCloseTo(expected[i]!, 5);
      // rows are distributions over the items / classes
      for (let b = 0; b < B; b++) expect(got[task]!.slice(b * width, (b + 1) * width).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    });
  }
});

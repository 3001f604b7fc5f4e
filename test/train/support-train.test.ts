// Training with a support set end to end: a small CMML model on the CMML synthetic setting trains,
// reads its support sets, and its ONNX file, fed what a serving system sends (raw features, the
// support items' raw values, labels and mask), gives the same held-out AUC as TF.js.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { slice } from '../../src/data/preprocess.js';
import { split } from '../../src/data/split.js';
import { SYNTH } from '../../src/data/synth/index.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { predict } from '../../src/train/evaluate.js';
import { auc } from '../../src/train/metrics.js';
import { train } from '../../src/train/train.js';
import { runOnnx } from '../helpers/onnx.js';
import { onnxFeeds } from '../helpers/rows.js';

const SPEC = `use std.cmml
model small_cmml {
  features {
    user: dense(8)
    item: dense(8)
    clicked: label
  }
  support history by scenario: pairs(user, item, label: clicked, size: 8)
  let x = concat(user, item)
  let hc = cmml.hybrid(cmml.context(history, encoder: "pe", units: [16]), x, mode: "mlp", units: [16])
  let out = cmml.film_mlp(x, hc, units: [16, 16], hyper: 16)
  task click : binary(label: clicked)
  train {
    optimizer: adam(lr: 3e-3)
    batch: 128
    epochs: 8
    split: by_key(scenario, test: 0.25)
    metrics: [auc]
    data: synth(cmml, rows: 6000)
  }
}`;

describe('training with a support set', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('learns, uses its support sets, and serves the same held-out AUC from ONNX', async () => {
    const a = analyze(SPEC, '/virtual/small-cmml.rec');
    expect(a.diagnostics).toEqual([]);
    const g = a.graph!;
    const loaded = await loadData(g, { skipBadRows: false, seed: g.train.seed });
    expect(loaded.errors).toEqual([]);
    const parts = split(loaded.dataset, g.train.split, g.train.seed);
    const r = await train(tf, g, loaded.dataset, parts, { outDir: mkdtempSync(join(tmpdir(), 'recc-st-')), checkpointEvery: 1e9, log: () => undefined, progress: false, resume: false });
    const tfAuc = r.evaluation.tasks.click!.all!.auc!;
    expect(tfAuc).toBeGreaterThan(0.55);

    // the model reads its support sets: without them its held-out predictions change
    const test = slice(loaded.dataset, parts.test);
    const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(r.weights[p.name]!, p.shape)]));
    const forward = buildForward(tf, g);
    const withSets = predict(tf, forward, params, test).click!;
    const blind = slice(test, Array.from({ length: test.n }, (_, i) => i));
    for (const s of blind.supports!) s.index.fill(-1);
    const without = predict(tf, forward, params, blind).click!;
    expect(withSets.reduce((s, p, i) => s + Math.abs(p - without[i]!), 0) / test.n).toBeGreaterThan(1e-3);

    // the serving graph on raw rows: support sets formed from all rows in time order, as in training
    const rows = SYNTH.cmml!.generate({ seed: g.train.seed, rows: 6000 });
    const out = await runOnnx(lowerToOnnx(g, r.weights, { reccVersion: 'test' }), onnxFeeds(g, rows));
    const served = Float32Array.from(parts.test, (i) => out.click![i]!);
    expect(auc(served, test.labels.click!)).toBeCloseTo(tfAuc, 6);
    let max = 0;
    served.forEach((p, i) => (max = Math.max(max, Math.abs(p - withSets[i]!))));
    expect(max).toBeLessThan(1e-5);
  });
});

// The loss ops as objectives give the same floats as the trainer's losses before they became ops
// (reference-losses.ts, formerly train/losses.ts), bit for bit, on random inputs in both TensorFlow.js backends: batch_mean of
// bce_logits, mse_loss and softmax_ce, and hinge_pairs fed with hingePairs's pairs. So moving the
// loss into the graph changes no trained weight. The gradients are compared too: bit for bit
// where the ops are the same, and within float rounding for softmax_ce, whose log-softmax is the
// nesting one (tf.logSoftmax's hand-written gradient rounds differently).
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LossKind } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { OPS } from '../../src/ops/registry.js';
import { hingePairs, MAX_PAIRS } from '../../src/train/hinge-pairs.js';
import { taskLoss } from './reference-losses.js';
import { opTfjs, type Value } from './run-op.js';

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

interface Setting {
  kind: LossKind;
  rows: number;
  /** Batches drawn and compared, each with its own values. */
  trials: number;
  classes: number;
  /** The labels of a batch (float32, as the trainer has them). */
  labels: (rng: () => number, rows: number) => number[];
}

const binary = (p: number) => (rng: () => number, rows: number) => Array.from({ length: rows }, () => (rng() < p ? 1 : 0));
// Many batches of one row too: there the mean is one sample's loss, so a rounding difference in
// any single sample shows (over 257 rows the mean can absorb it).
const perSample: Setting[] = [
  [1, 64],
  [257, 1],
].flatMap(([rows, trials]) => [
  { kind: 'bce' as const, rows: rows!, trials: trials!, classes: 1, labels: binary(0.5) },
  { kind: 'mse' as const, rows: rows!, trials: trials!, classes: 1, labels: (rng: () => number, n: number) => Array.from({ length: n }, () => rng() * 10 - 5) },
  { kind: 'softmax_ce' as const, rows: rows!, trials: trials!, classes: 7, labels: (rng: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 7)) },
]);
const settings: Setting[] = [
  ...perSample,
  { kind: 'hinge', rows: 4, trials: 32, classes: 1, labels: binary(0.5) },
  { kind: 'hinge', rows: 64, trials: 1, classes: 1, labels: binary(0.3) },
  { kind: 'hinge', rows: 200, trials: 1, classes: 1, labels: binary(0.5) }, // more than MAX_PAIRS pairs: the spread subset
  { kind: 'hinge', rows: 16, trials: 1, classes: 1, labels: binary(0) }, // no positive: P = 0
];

const sym = (shape: number[], dtype: Value['dtype'] = 'float32'): Value => ({ data: [], shape, sym: ['batch', ...shape.slice(1)], dtype });

/** The objective built from the ops, as the graph will hold it. */
function objective(kind: LossKind, z: tf.Tensor, y: tf.Tensor, labels: number[]): tf.Tensor {
  const n = z.shape[0]!;
  const c = z.shape[1]!;
  const mean = opTfjs('batch_mean', [sym([n])], {});
  switch (kind) {
    case 'bce':
      return mean([opTfjs('bce_logits', [sym([n, 1]), sym([n])], {})([z, y])]);
    case 'mse':
      return mean([opTfjs('mse_loss', [sym([n, 1]), sym([n])], {})([z, y])]);
    case 'softmax_ce':
      return mean([opTfjs('softmax_ce', [sym([n, c]), sym([n])], {})([z, y])]);
    case 'hinge': {
      const { pos, neg } = hingePairs(labels);
      const p = sym([pos.length], 'int32');
      return opTfjs('hinge_pairs', [sym([n, 1]), p, p], {})([z, tf.tensor1d(pos, 'int32'), tf.tensor1d(neg, 'int32')]);
    }
  }
}

describe('loss ops equal train/losses.ts bit for bit', () => {
  it('the ops exist', () => {
    for (const name of ['batch_mean', 'bce_logits', 'mse_loss', 'softmax_ce', 'hinge_pairs']) expect(OPS[name]).toBeDefined();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      settings.forEach((s, index) => {
        it(`${s.kind}: ${s.trials} batch(es) of ${s.rows} rows (setting ${index})`, () => {
          const rng = seedrandom(`${s.kind}:${index}`);
          for (let trial = 0; trial < s.trials; trial++) {
            const labels = s.labels(rng, s.rows);
            if (s.rows === 200) expect(hingePairs(labels).pos.length).toBe(MAX_PAIRS);
            if (s.rows === 16) expect(hingePairs(labels).pos.length).toBe(0);
            const z0 = Array.from({ length: s.rows * s.classes }, () => (rng() * 2 - 1) * 8);
            tf.tidy(() => {
              const z = tf.tensor2d(z0, [s.rows, s.classes]);
              const y = tf.tensor1d(labels);
              const today = (v: tf.Tensor) => taskLoss(tf, s.kind, v, y, labels);
              const ops = (v: tf.Tensor) => objective(s.kind, v, y, labels);
              const a = today(z);
              const b = ops(z);
              expect(b.shape).toEqual([]);
              expect(bits(b)).toEqual(bits(a));
              const ga = tf.grad(today)(z);
              const gb = tf.grad(ops)(z);
              if (s.kind === 'softmax_ce') {
                // measured: most entries differ in the last bit (≈ 6e-8 relative), none by more
                const diff = tf.max(tf.abs(tf.sub(ga, gb))).dataSync()[0]!;
                expect(diff).toBeLessThanOrEqual(1e-6 * tf.max(tf.abs(ga)).dataSync()[0]!);
              } else expect(bits(gb)).toEqual(bits(ga));
            });
          }
        });
      });
    });
  }
});

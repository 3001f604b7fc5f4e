// The padding row (row 0) of every feature table stays exactly zero: at initialisation (the other
// rows keep their random stream), through every optimizer's dense and sparse updates although
// lookups of id 0 give it a gradient, through gradient clipping, and in checkpoints. The serving
// graph's lean pooling (src/ir/passes/lean-pooling.ts) relies on it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../src/data/preprocess.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { paddedTables } from '../../src/ir/padding-rows.js';
import type { IRGraph, OptimizerSpec } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyze } from '../../src/semantics/analyze.js';
import { CHECKPOINT } from '../../src/train/checkpoint.js';
import { clipByGlobalNorm } from '../../src/train/clip-norm.js';
import { batchTensors } from '../../src/train/evaluate.js';
import { FusedOptimizer } from '../../src/train/fused-optimizer.js';
import { taskTensors } from '../../src/train/task-tensors.js';
import { train } from '../../src/train/train.js';
import { randomRows } from '../helpers/rows.js';

const OPTIMIZERS: OptimizerSpec[] = [
  { kind: 'adam', lr: 0.05 },
  { kind: 'adagrad', lr: 0.1, initialAccumulator: 0.1 },
  { kind: 'sgd', lr: 0.5 },
];

/** A single id (5 % of its cells empty), a summed, a mean- and max-pooled and an attended sequence. */
function spec(optimizer: string): IRGraph {
  const text = `use std.poso
model pad {
  features {
    u: id(hash: 50, dim: 4)
    hist: seq(id(hash: 40, dim: 4), max_len: 4)
    tags: seq(id(vocab: ["a", "b", "c", "d"], dim: 4), max_len: 3)
    y: label
  }
  let att = poso.mha(u, hist, u, heads: 1, head_dim: 4, values: 2)
  let h = concat(u, sum(hist), mean(tags), max(tags), att)
  task click : binary(label: y >= 3) { tower: [8] }
  train {
    optimizer: ${optimizer}
    batch: 16
    epochs: 2
    clip_norm: 0.05
  }
}
`;
  const a = analyze(text, 'pad.rec');
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a.graph!;
}

const row0 = (w: Float32Array, width: number) => Array.from(w.subarray(0, width));

describe('the padding row', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is zero at initialisation, and the other rows keep their random values', () => {
    const g = spec('adam(lr: 0.01)');
    const tables = paddedTables(g);
    expect([...tables].sort()).toEqual(['features.hist.table', 'features.tags.table', 'features.u.table']);
    const w = initWeights(g, 5);
    // the same table drawn as a plain parameter (not a feature table): identical but for row 0
    const plain = initWeights({ ...g, features: [] }, 5);
    for (const t of tables) {
      const width = g.params.find((p) => p.name === t)!.shape[1]!;
      expect(row0(w[t]!, width)).toEqual(new Array(width).fill(0));
      expect(row0(plain[t]!, width).some((v) => v !== 0)).toBe(true);
      expect(Array.from(w[t]!.subarray(width))).toEqual(Array.from(plain[t]!.subarray(width)));
    }
  });

  for (const o of OPTIMIZERS) {
    const text = `${o.kind}(lr: ${o.lr})`;
    it(`stays exactly zero through training with ${text} (sparse updates, clipping) and in the checkpoint`, async () => {
      const g = spec(text);
      const rows = randomRows(g, 160, 'padding');
      const { dataset, errors } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
      expect(errors).toEqual([]);
      // id 0 occurs: empty single ids, and short sequences
      expect(dataset.inputs.u!.includes(0)).toBe(true);
      expect(dataset.inputs.hist!.includes(0)).toBe(true);
      // and the loss has a gradient on row 0 of the single id's table (which the optimizer must skip)
      const w0 = initWeights(g, g.train.seed);
      const grad0 = tf.tidy(() => {
        const vars = Object.fromEntries(g.params.map((p) => [p.name, tf.variable(tf.tensor(w0[p.name]!, p.shape), true, `g0:${o.kind}:${p.name}`)]));
        const inputs = { ...batchTensors(tf, dataset), ...taskTensors(tf, g.tasks, dataset) };
        const { grads } = tf.variableGrads(() => buildForward(tf, g, 'train', { objective: true })(vars, inputs).objective as tf.Scalar, [vars['features.u.table']!]);
        const out = Array.from(grads[vars['features.u.table']!.name]!.dataSync().subarray(0, 4));
        Object.values(vars).forEach((v) => v.dispose());
        return out;
      });
      expect(grad0.some((v) => Math.abs(v) > 1e-6)).toBe(true);

      const outDir = mkdtempSync(join(tmpdir(), 'recc-pad-'));
      const n = dataset.n;
      const split = { train: Int32Array.from({ length: n - 32 }, (_, i) => i), test: Int32Array.from({ length: 32 }, (_, i) => n - 32 + i) };
      const r = await train(tf, g, dataset, split, { outDir, resume: false, checkpointEvery: 1000, log: () => undefined, progress: false });
      const ck = decodeSafetensors(readFileSync(join(outDir, CHECKPOINT)));
      if ('error' in ck) throw new Error(ck.error);
      for (const t of paddedTables(g)) {
        const width = g.params.find((p) => p.name === t)!.shape[1]!;
        const zeros = new Array(width).fill(0);
        expect(row0(r.weights[t]!, width), t).toEqual(zeros);
        expect(row0(ck.tensors[t]!.data, width), `${t} in the checkpoint`).toEqual(zeros);
        // its slots were never touched either
        const initial = o.kind === 'adagrad' ? o.initialAccumulator! : 0;
        const slots = Object.keys(ck.tensors).filter((k) => k.startsWith(`optimizer/${t}/`));
        expect(slots.length).toBe({ adam: 2, adagrad: 1, sgd: 0 }[o.kind]);
        for (const k of slots) expect(row0(ck.tensors[k]!.data, width), k).toEqual(new Array(width).fill(Math.fround(initial)));
        // while the table trained
        expect(Array.from(r.weights[t]!.subarray(width)).some((v, i) => v !== w0[t]![width + i])).toBe(true);
      }
    });
  }
});

describe('optimizers skip a padded table’s row 0, densely and sparsely', () => {
  const V = 6;
  const D = 3;
  const rng = seedrandom('pad-opt');
  const table0 = Float32Array.from({ length: V * D }, (_, i) => (i < D ? 0 : rng() * 2 - 1));
  const grads = [0, 1, 2].map(() => Float32Array.from({ length: V * D }, () => rng() * 2 - 1));

  function run(o: OptimizerSpec, sparse: boolean, padded: boolean): { w: Float32Array; slots: Record<string, Float32Array> } {
    const v = tf.variable(tf.tensor2d(table0, [V, D]), true, `pad-${o.kind}-${sparse}-${padded}-${rng()}`);
    const opt = new FusedOptimizer(o, padded ? new Set(['t']) : new Set());
    for (const g of grads) tf.tidy(() => opt.apply(tf, [{ name: 't', variable: v, grad: tf.tensor2d(g, [V, D]), ...(sparse ? { rows: Int32Array.of(0, 2, 5) } : {}) }], o.lr));
    const w = Float32Array.from(v.dataSync());
    v.dispose();
    return { w, slots: Object.fromEntries(Object.entries(opt.slots({ t: [V, D] })).map(([k, s]) => [k, Float32Array.from(s.data)])) };
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const o of OPTIMIZERS) {
      for (const sparse of [false, true]) {
        it(`${backend}: ${o.kind}, ${sparse ? 'sparse' : 'dense'}`, async () => {
          await initBackend(backend);
          const padded = run(o, sparse, true);
          const plain = run(o, sparse, false);
          // without the padding rule row 0 would move (so this test can see a regression)
          expect(row0(plain.w, D).some((x) => x !== 0)).toBe(true);
          expect(row0(padded.w, D)).toEqual([0, 0, 0]);
          for (const s of Object.values(padded.slots)) expect(row0(s, D)).toEqual(new Array(D).fill(Math.fround(o.kind === 'adagrad' ? o.initialAccumulator! : 0)));
          // every other row is updated exactly as without it
          expect(Array.from(padded.w.subarray(D))).toEqual(Array.from(plain.w.subarray(D)));
          for (const k of Object.keys(plain.slots)) expect(Array.from(padded.slots[k]!.subarray(D))).toEqual(Array.from(plain.slots[k]!.subarray(D)));
        });
      }
    }
  }
});

describe('gradient clipping', () => {
  it('leaves the padding row out of the global norm', async () => {
    await initBackend('cpu');
    // table gradient: row 0 = [100, 0] (a constant's gradient), row 1 = [3, 0]; dense: [4]
    const grads = () => ({ table: tf.tensor2d([100, 0, 3, 0], [2, 2]), w: tf.tensor1d([4]) });
    expect(clipByGlobalNorm(tf, grads(), 1, (k) => k === 'table').norm).toBeCloseTo(5, 6);
    expect(clipByGlobalNorm(tf, grads(), 1).norm).toBeCloseTo(Math.sqrt(100 * 100 + 9 + 16), 4);
    const { grads: clipped } = clipByGlobalNorm(tf, grads(), 1, (k) => k === 'table');
    expect(Array.from(clipped.w!.dataSync())[0]).toBeCloseTo(4 / 5, 6);
  });
});

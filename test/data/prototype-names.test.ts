// User-chosen names never touch object prototypes (issue 17, item 2): every Object.prototype name
// as a feature (and split/metric/group key), a column, a task and a label, present in the data
// and missing from it, through check, data loading, training and compilation.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { split } from '../../src/data/split.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { train } from '../../src/train/train.js';
import { ort, runOnnx } from '../helpers/onnx.js';

const NAMES = Object.getOwnPropertyNames(Object.prototype);
const TRAIN = (key: string) => `train { split: by_key(${key}, test: 0.25) metrics: [auc, gauc(by: ${key})] group_by: ${key} batch: 8 epochs: 1 }`;

interface Case {
  role: string;
  spec: string;
  columns: string[];
  row: (i: number) => Array<string | number>;
  /** The task whose evaluation must come out, and the column whose values must be read. */
  task: string;
}

const cases = (n: string): Case[] => [
  { role: 'feature and key', spec: `model m { features { ${n}: id(hash: 10, dim: 2)  lab: label } task t : binary(label: lab) { from: ${n} } ${TRAIN(n)} }`, columns: [n, 'lab'], row: (i) => [`u${i % 10}`, i % 2], task: 't' },
  { role: 'column and task', spec: `model m { features { u: id(hash: 10, dim: 2)  d: dense(2, column: "${n}")  y: label } task ${n} : binary(label: y) { from: concat(u, d) } ${TRAIN('u')} }`, columns: ['u', n, 'y'], row: (i) => [`u${i % 10}`, `"${i % 3},1"`, i % 2], task: n },
  { role: 'label', spec: `model m { features { u: id(hash: 10, dim: 2)  ${n}: label } task t : binary(label: ${n}) { from: u } ${TRAIN('u')} }`, columns: ['u', n], row: (i) => [`u${i % 10}`, i % 2], task: 't' },
];

describe('Object.prototype names as user names', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  const dir = mkdtempSync(join(tmpdir(), 'recc-proto-'));

  for (const name of NAMES) {
    for (const c of cases(name)) {
      it(`${name} as ${c.role}: checks, loads, trains and compiles; refused when the column is missing`, async () => {
        const specFile = join(dir, `${name}-${c.role.replaceAll(' ', '-')}.rec`);
        const a = analyze(c.spec, specFile);
        expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const g = a.graph!;
        const data = join(dir, `${name}-${c.role.replaceAll(' ', '-')}.csv`);
        writeFileSync(data, [c.columns.join(','), ...Array.from({ length: 40 }, (_, i) => c.row(i).join(','))].join('\n') + '\n');
        const loaded = await loadData(g, { data, skipBadRows: false, seed: 1 });
        expect(loaded.errors).toEqual([]);
        expect(loaded.dataset.n).toBe(40);
        const labels = loaded.dataset.labels[c.task];
        expect(Object.hasOwn(loaded.dataset.labels, c.task)).toBe(true);
        expect(Array.from(labels!.subarray(0, 4))).toEqual([0, 1, 0, 1]);
        const parts = split(loaded.dataset, g.train.split, 1);
        const r = await train(tf, g, loaded.dataset, parts, { outDir: join(dir, 'out'), resume: false, checkpointEvery: 1000, log: () => undefined, progress: false });
        expect(Object.keys(r.evaluation.tasks)).toEqual([c.task]);
        expect(Object.hasOwn(r.evaluation.tasks[c.task]!, 'all')).toBe(true);
        const onnx = lowerToOnnx(g, r.weights, { reccVersion: 'test' });
        expect(onnx.length).toBeGreaterThan(100);
        // the weights go through a file with their names intact
        const back = decodeSafetensors(encodeSafetensors(Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: r.weights[p.name]! }]))));
        expect('error' in back ? back.error : Object.keys(back.tensors).sort()).toEqual(g.params.map((p) => p.name).sort());

        const without = join(dir, `${name}-${c.role.replaceAll(' ', '-')}-missing.csv`);
        const keep = c.columns.map((col) => col !== name);
        writeFileSync(without, [c.columns.filter((_, k) => keep[k]).join(','), ...Array.from({ length: 40 }, (_, i) => c.row(i).filter((_, k) => keep[k]).join(','))].join('\n') + '\n');
        const refused = await loadData(g, { data: without, skipBadRows: true, seed: 1 });
        expect(refused.errors.map((e) => [e.code, e.column])).toEqual([['REC6001', name]]);
      });
    }
  }

  it('serves a task named after a prototype name from ONNX, and reads a `__proto__` key of JSON Lines as a column', async () => {
    const g = analyze(cases('toString')[1]!.spec, join(dir, 'serve.rec')).graph!;
    const { initWeights } = await import('../../src/lower/tfjs/init.js');
    const out = await runOnnx(lowerToOnnx(g, initWeights(g, 1), { reccVersion: 'test' }), {
      u: new ort.Tensor('int64', BigInt64Array.from([1n, 2n]), [2]),
      d: new ort.Tensor('float32', Float32Array.from([0, 1, 1, 0]), [2, 2]),
    });
    expect(Object.keys(out)).toEqual(['toString']);
    const j = analyze(cases('__proto__')[2]!.spec, join(dir, 'j.rec')).graph!;
    const file = join(dir, 'p.jsonl');
    // written by hand: an object literal's `__proto__` sets a prototype, so JSON.stringify would drop it
    writeFileSync(file, Array.from({ length: 8 }, (_, i) => `{"u": "u${i}", "__proto__": ${i % 2}}`).join('\n'));
    const l = await loadData(j, { data: file, skipBadRows: false, seed: 1 });
    expect(l.errors).toEqual([]);
    expect(Array.from(l.dataset.labels.t!)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
  });
});

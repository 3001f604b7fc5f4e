// Op-level parity: every op in the registry, on every one of its examples, gives the same values
// in TensorFlow.js (cpu and wasm backends) and in onnxruntime, within 1e-5 (float32).
// The test walks the registry, so an op cannot exist in one lowering only.
import * as tf from '@tensorflow/tfjs-core';
import pkg from 'onnx-proto';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { Tape } from '../../src/lower/onnx/tape.js';
import type { IRNode } from '../../src/ir/types.js';
import type { ShapeIn } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/registry.js';
import { checkOnnx, haveOnnxChecker, ort, runOnnx } from '../helpers/onnx.js';

const { onnx } = pkg;
const BATCH = 3;
/** Leaves every graph has: they have no computation of their own to compare. */
const LEAVES = new Set(['input', 'param']);

interface Case {
  op: string;
  index: number;
  inputs: ShapeIn[];
  attrs: IRNode['attrs'];
  note?: string;
}

const cases: Case[] = Object.values(OPS).flatMap((op) => op.examples.map((e, index) => ({ op: op.name, index, ...e })));

function values(c: Case, i: number, s: ShapeIn, rng: () => number): { data: number[]; shape: number[] } {
  const shape = s.shape.map((d) => (d === 'batch' ? BATCH : d));
  const n = shape.reduce((a, b) => a * b, 1);
  let data: number[];
  if (s.dtype === 'int32') data = Array.from({ length: n }, () => (rng() < 0.3 ? 0 : Math.floor(rng() * 11)));
  else if (c.note?.includes('mask') && i === 1) {
    // masks: a prefix of ones per row, some rows empty
    const [b, l] = shape as [number, number];
    data = [];
    for (let r = 0; r < b; r++) {
      const len = r === 0 ? 0 : Math.floor(rng() * (l + 1));
      for (let k = 0; k < l; k++) data.push(k < len ? 1 : 0);
    }
  } else data = Array.from({ length: n }, () => rng() * 4 - 2);
  return { data, shape };
}

function onnxModel(c: Case, data: Array<{ data: number[]; shape: number[] }>): Uint8Array {
  const tape = new Tape();
  const names: string[] = [];
  const graphInputs: pkg.onnx.IValueInfoProto[] = [];
  c.inputs.forEach((s, i) => {
    const name = `in${i}`;
    names.push(name);
    if (s.shape[0] !== 'batch' && s.dtype === 'float32') tape.initializer(name, Float32Array.from(data[i]!.data), data[i]!.shape);
    else graphInputs.push({ name, type: { tensorType: { elemType: s.dtype === 'int32' ? 7 : 1, shape: { dim: s.shape.map((d) => (d === 'batch' ? { dimParam: 'batch' } : { dimValue: d })) } } } });
  });
  const op = OPS[c.op]!;
  const r = op.infer(c.inputs, c.attrs);
  if ('error' in r) throw new Error(`${c.op} example ${c.index}: ${r.error}`);
  const node = { id: 0, op: c.op, inputs: [], attrs: c.attrs, dtype: r.dtype, shape: r.shape, span: undefined, trace: [], scope: '' } as unknown as IRNode;
  const out = op.onnx(tape, names, c.attrs, node, { param: (n) => n, input: (n) => n });
  tape.nodes.push({ opType: 'Identity', input: [out], output: ['y'] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: c.op,
      node: tape.nodes,
      initializer: tape.initializers,
      input: graphInputs,
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: r.shape.map((d) => (d === 'batch' ? { dimParam: 'batch' } : { dimValue: d })) } } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tfjsValue(c: Case, data: Array<{ data: number[]; shape: number[] }>): Float32Array {
  return tf.tidy(() => {
    const ins = c.inputs.map((s, i) => tf.tensor(data[i]!.data, data[i]!.shape, s.dtype));
    const op = OPS[c.op]!;
    const r = op.infer(c.inputs, c.attrs);
    const node = { id: 0, op: c.op, inputs: [], attrs: c.attrs, shape: 'error' in r ? [] : r.shape } as unknown as IRNode;
    return op.tfjs(tf, ins, c.attrs, node, { param: () => { throw new Error('no params'); }, input: () => { throw new Error('no inputs'); } }).dataSync() as Float32Array;
  });
}

const models = new Map<string, Uint8Array>();

describe('op parity: TensorFlow.js vs onnxruntime', () => {
  it('every op except the graph leaves has examples', () => {
    const without = Object.values(OPS).filter((op) => op.examples.length === 0 && !LEAVES.has(op.name)).map((op) => op.name);
    expect(without).toEqual([]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      for (const c of cases) {
        it(`${c.op} #${c.index}${c.note ? ` (${c.note})` : ''}`, async () => {
          const rng = seedrandom(`${c.op}:${c.index}`);
          const data = c.inputs.map((s, i) => values(c, i, s, rng));
          const bytes = onnxModel(c, data);
          models.set(`${c.op}_${c.index}`, bytes);
          const feeds: Record<string, ort.Tensor> = {};
          c.inputs.forEach((s, i) => {
            if (s.shape[0] !== 'batch' && s.dtype === 'float32') return;
            feeds[`in${i}`] = s.dtype === 'int32' ? new ort.Tensor('int64', BigInt64Array.from(data[i]!.data.map(BigInt)), data[i]!.shape) : new ort.Tensor('float32', Float32Array.from(data[i]!.data), data[i]!.shape);
          });
          const expected = (await runOnnx(bytes, feeds)).y!;
          const got = tfjsValue(c, data);
          expect(got.length).toBe(expected.length);
          let max = 0;
          for (let k = 0; k < got.length; k++) max = Math.max(max, Math.abs(got[k]! - expected[k]!));
          expect(max).toBeLessThanOrEqual(1e-5);
        });
      }
    });
  }


  it.runIf(haveOnnxChecker())('every op model passes the ONNX checker (full_check)', () => {
    expect(models.size).toBeGreaterThan(0);
    expect(checkOnnx(Object.fromEntries(models))).toEqual({});
  });
});

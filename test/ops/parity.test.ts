// Op-level parity: every op in the registry, on every one of its examples, gives the same values
// in TensorFlow.js (cpu and wasm backends) and in onnxruntime, within 1e-5 (float32), and the
// TensorFlow.js result has the shape the op's shape rule inferred.
// The test walks the registry, so an op cannot exist in one lowering only.
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import type { Attrs } from '../../src/ir/types.js';
import type { OpExample, ShapeIn } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/registry.js';
import { checkOnnx, haveOnnxChecker } from '../helpers/onnx.js';
import { opModel, runOpOnnx, runOpTfjs, type Value } from './run-op.js';

const BATCH = 3;
/** Graph leaves: they read ctx.input / ctx.param, and every model-level parity test runs them. */
const LEAVES = new Set(['input', 'param']);

interface Case {
  op: string;
  index: number;
  inputs: ShapeIn[];
  attrs: Attrs;
  note?: string;
  values?: OpExample['values'];
}

const cases: Case[] = Object.values(OPS).flatMap((op) => op.examples.map((e, index) => ({ op: op.name, index, ...e })));

function randomValue(c: Case, i: number, s: ShapeIn, rng: () => number): Value {
  const set = c.values?.[i];
  if (set) return { data: set.data, shape: set.shape, sym: s.shape, dtype: s.dtype };
  const shape = s.shape.map((d) => (d === 'batch' ? BATCH : d));
  const n = shape.reduce((a, b) => a * b, 1);
  let data: number[];
  if (s.dtype === 'int32') data = Array.from({ length: n }, () => (rng() < 0.3 ? 0 : Math.floor(rng() * 11)));
  else if (c.note?.includes('mask') && i === 1) {
    // masks: a prefix of ones per row, the first row empty
    const [b, l] = shape as [number, number];
    data = [];
    for (let r = 0; r < b; r++) {
      const len = r === 0 ? 0 : 1 + Math.floor(rng() * l);
      for (let k = 0; k < l; k++) data.push(k < len ? 1 : 0);
    }
  } else data = Array.from({ length: n }, () => rng() * 4 - 2);
  return { data, shape, sym: s.shape, dtype: s.dtype };
}

const models: Record<string, Uint8Array> = {};

describe('op parity: TensorFlow.js vs onnxruntime', () => {
  it('every op except the graph leaves has examples', () => {
    const without = Object.values(OPS).filter((op) => op.examples.length === 0 && !LEAVES.has(op.name)).map((op) => op.name);
    expect(without).toEqual([]);
  });

  it('every example is accepted by its shape rule and costs a finite, non-negative number of FLOPs', () => {
    for (const c of cases) {
      const r = OPS[c.op]!.infer(c.inputs, c.attrs);
      expect('error' in r ? `${c.op} #${c.index}: ${r.error}` : '').toBe('');
      if ('error' in r) continue;
      const f = OPS[c.op]!.flops(c.inputs.map((i) => i.shape), r.shape, c.attrs);
      expect(Number.isFinite(f) && f >= 0, `${c.op} #${c.index}: ${f} FLOPs`).toBe(true);
    }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      for (const c of cases) {
        it(`${c.op} #${c.index}${c.note ? ` (${c.note})` : ''}`, async () => {
          const rng = seedrandom(`${c.op}:${c.index}`);
          const ins = c.inputs.map((s, i) => randomValue(c, i, s, rng));
          const bytes = opModel(c.op, ins, c.attrs);
          models[`${c.op}_${c.index}`] = bytes;
          const expected = await runOpOnnx(c.op, ins, c.attrs, bytes);
          const got = runOpTfjs(c.op, ins, c.attrs);
          const r = OPS[c.op]!.infer(c.inputs, c.attrs);
          expect(got.shape).toEqual('error' in r ? [] : r.shape.map((d) => (d === 'batch' ? BATCH : d)));
          expect(got.data.length).toBe(expected.length);
          let max = 0;
          for (let k = 0; k < got.data.length; k++) max = Math.max(max, Math.abs(got.data[k]! - expected[k]!));
          expect(max).toBeLessThanOrEqual(1e-5);
        });
      }
    });
  }

  it.runIf(haveOnnxChecker())('every op model passes the ONNX checker (full_check)', () => {
    expect(Object.keys(models).length).toBe(cases.length);
    expect(checkOnnx(models)).toEqual({});
  });
});

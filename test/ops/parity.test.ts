// Op-level parity: every op in the registry, on every one of its examples, gives the same values
// in TensorFlow.js (cpu and wasm backends) and in onnxruntime, within 1e-5 (float32), and the
// TensorFlow.js result has the shape the op's shape rule inferred.
// The test walks the registry, so an op cannot exist in one lowering only.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import type { OpExample } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/registry.js';
import { checkOnnx, haveOnnxChecker } from '../helpers/onnx.js';
import { opModel, runOpOnnx, runOpTfjs } from './run-op.js';
import { exampleValues } from './values.js';

const BATCH = 3;
/** Graph leaves: they read ctx.input / ctx.param, and every model-level parity test runs them. */
const LEAVES = new Set(['input', 'param']);

interface Case extends OpExample {
  op: string;
  index: number;
}

const cases: Case[] = Object.values(OPS).flatMap((op) => op.examples.map((e, index) => ({ op: op.name, index, ...e })));

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
          const ins = exampleValues(c, `${c.op}:${c.index}`, BATCH);
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

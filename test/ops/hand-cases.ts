// Run ops on set inputs against values computed by hand (or by a plain loop straight from the
// equation), in TensorFlow.js on both backends and in onnxruntime: one describe per runtime.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attrs } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { runOpOnnx, runOpTfjs, type Value } from './run-op.js';

export interface HandCase {
  name: string;
  op: string;
  ins: Value[];
  attrs: Attrs;
  expected: number[];
  /** The output's shape, when it matters to the case (a scalar is []). */
  shape?: number[];
}

/** Each value within 5e-6 of the expected one (float32 against a float64 reference). */
function expectValues(got: ArrayLike<number>, expected: number[]): void {
  expect(got.length).toBe(expected.length);
  expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
}

export function checkHandCases(cases: HandCase[]): void {
  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`TensorFlow.js (${backend})`, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      for (const c of cases) {
        it(c.name, () => {
          const got = runOpTfjs(c.op, c.ins, c.attrs);
          if (c.shape) expect(got.shape).toEqual(c.shape);
          expectValues(got.data, c.expected);
        });
      }
    });
  }

  describe('ONNX in onnxruntime', () => {
    for (const c of cases) {
      it(c.name, async () => expectValues(await runOpOnnx(c.op, c.ins, c.attrs), c.expected));
    }
  });
}

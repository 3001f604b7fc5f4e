// Random values for an op example's inputs, shared by the op-level tests (forward parity,
// gradients, PyTorch). Ids are drawn from 0..10 with some padding (0); a mask input (an example
// whose note says "mask", input 1) is a prefix of ones per row, the first row empty; other floats
// come from the example's `ranges`, by default uniform in [-2, 2). An example's `values` set an
// input exactly (indices, labels, edge cases).
import seedrandom from 'seedrandom';
import type { OpExample, ShapeIn } from '../../src/ops/op.js';
import type { Value } from './run-op.js';

export function randomValue(e: OpExample, i: number, s: ShapeIn, batch: number, rng: () => number): Value {
  const set = e.values?.[i];
  if (set) return { data: set.data, shape: set.shape, sym: s.shape, dtype: s.dtype };
  const shape = s.shape.map((d) => (d === 'batch' ? batch : d));
  const n = shape.reduce((a, b) => a * b, 1);
  const range = e.ranges?.[i];
  let data: number[];
  if (s.dtype === 'int32') data = Array.from({ length: n }, () => (rng() < 0.3 ? 0 : Math.floor(rng() * 11)));
  else if (e.note?.includes('mask') && i === 1) {
    const [b, l] = shape as [number, number];
    data = [];
    for (let r = 0; r < b; r++) {
      const len = r === 0 ? 0 : 1 + Math.floor(rng() * l);
      for (let k = 0; k < l; k++) data.push(k < len ? 1 : 0);
    }
  } else if (range) data = Array.from({ length: n }, () => (range.integers ? range.min + Math.floor(rng() * (range.max - range.min)) : range.min + rng() * (range.max - range.min)));
  else data = Array.from({ length: n }, () => rng() * 4 - 2);
  return { data, shape, sym: s.shape, dtype: s.dtype };
}

/** Every input of an example, from a seed named after the op and the example. */
export function exampleValues(e: OpExample, seed: string, batch: number): Value[] {
  const rng = seedrandom(seed);
  return e.inputs.map((s, i) => randomValue(e, i, s, batch, rng));
}

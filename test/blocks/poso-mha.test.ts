// POSO (MHA), Eq. 13–14 and Table 7 (seeds/000 §4.3, §5.5), on a padded sequence: by hand with
// plain loops (TF.js cpu + wasm, ONNX), and against reference/poso.py on random weights.
import { describe, expect, it } from 'vitest';
import { type Input, type Outputs, type Vec, compile, denseBy, dot, handChecks, handWeights, mul, probes, randomInputs, referenceChecks, relu, sigmoid, softmax } from './helpers.js';

interface Variant {
  personalize_q?: boolean;
  gate_k?: boolean;
  gate_v?: boolean;
}

// the four rows of Table 7, from full personalization to the lightest
const ROWS: Record<string, Variant> = {
  row1: { personalize_q: true, gate_k: false }, // Q^(i), K^(i), V^(i)
  row2: { gate_k: false }, // Q, K^(i), V^(i)
  row3: {}, // Q, G^k ⊙ K, V^(i): the standard form (the defaults)
  row4: { gate_v: true }, // Q, G^k ⊙ K, G^v ⊙ V
};

const args = (v: Variant) =>
  Object.entries(v)
    .map(([k, b]) => `, ${k}: ${b}`)
    .join('');

function spec(rows: Record<string, Variant>, o: { q: number; vocab: number; dim: number; len: number; p: number; heads: number; headDim: number; values: number; hidden: number }): string {
  const lets = Object.entries(rows).map(([name, v]) => `  let ${name} = poso.mha(x, s, p, heads: ${o.heads}, head_dim: ${o.headDim}, values: ${o.values}, hidden: ${o.hidden}${args(v)})`);
  return `use std.poso
model m {
  features {
    x: dense(${o.q})
    s: seq(id(hash: ${o.vocab}, dim: ${o.dim}), max_len: ${o.len})
    p: dense(${o.p})
    y: label
  }
${lets.join('\n')}
${Object.keys(rows)
  .map((r) => probes(r, o.heads * o.headDim))
  .join('\n')}
}`;
}

const TINY = { q: 2, vocab: 4, dim: 2, len: 3, p: 2, heads: 2, headDim: 2, values: 2, hidden: 2 };
const W_ = TINY.heads * TINY.headDim;

/** The parameters one instance declares, in the order of the equation's terms. */
function shapesOf(name: string, v: Variant, o: typeof TINY): Record<string, number[]> {
  const width = o.heads * o.headDim;
  const out: Record<string, number[]> = {};
  let d = 0;
  let g = 0;
  const dense = (inp: number, units: number, bias = true) => {
    out[`${name}.dense${d}.kernel`] = [inp, units];
    if (bias) out[`${name}.dense${d}.bias`] = [units];
    d++;
  };
  const gate = (units: number) => {
    out[`${name}.gate${g}.dense0.kernel`] = [o.p, o.hidden];
    out[`${name}.gate${g}.dense0.bias`] = [o.hidden];
    out[`${name}.gate${g}.dense1.kernel`] = [o.hidden, units];
    out[`${name}.gate${g++}.dense1.bias`] = [units];
  };
  const n = o.values;
  for (let i = 0; i < (v.personalize_q ? n : 1); i++) dense(o.q, width); // W_Q or W_Q^(i)
  if (v.gate_k ?? true) {
    dense(o.dim, width, false); // W_K (no bias: it would shift every score of a query alike)
    gate(width); // G^k
  } else for (let i = 0; i < n; i++) dense(o.dim, width, false); // W_K^(i)
  if (v.gate_v) {
    dense(o.dim, width); // W_V
    gate(width); // G^v
  } else for (let i = 0; i < n; i++) dense(o.dim, width); // W_V^(i)
  if (v.personalize_q || !(v.gate_k ?? true) || !v.gate_v) gate(n); // g(pc)
  return out;
}

/**
 * Eq. 13 by hand for one sample, with Table 7's substitutions; padded positions (id 0) are left
 * out of the softmax altogether. `masked: false` wrongly attends to them (to show the test sees it).
 */
function mhaByHand(w: Record<string, Vec>, name: string, v: Variant, x: Vec, ids: number[], pc: Vec, masked = true): Vec {
  const { heads, headDim, values: n } = TINY;
  const C = 2;
  const table = w['features.s.table']!;
  const X = ids.map((id) => table.slice(id * TINY.dim, (id + 1) * TINY.dim));
  const valid = ids.map((id) => !masked || id !== 0);
  let d = 0;
  let gi = 0;
  const dense = (inp: Vec) => denseBy(w, `${name}.dense${d++}`, inp);
  /** One projection (the next dense) applied at every position of the sequence. */
  const project = (bias = true) => {
    const k = d++;
    return X.map((xl) => denseBy(w, `${name}.dense${k}`, xl, { bias }));
  };
  const gate = (c: number) => {
    const p = `${name}.gate${gi++}`;
    return denseBy(w, `${p}.dense1`, denseBy(w, `${p}.dense0`, pc).map(relu)).map((z) => c * sigmoid(z));
  };
  const Q: Vec[] = v.personalize_q ? Array.from({ length: n }, () => dense(x)) : [dense(x)];
  let K: Vec[][]; // [i][l] → width
  if (v.gate_k ?? true) {
    const k = project(false);
    const Gk = gate(C);
    K = [k.map((kl) => mul(Gk, kl))];
  } else K = Array.from({ length: n }, () => project(false));
  let V: Vec[][];
  if (v.gate_v) {
    const val = project();
    const Gv = gate(C);
    V = [val.map((vl) => mul(Gv, vl))];
  } else V = Array.from({ length: n }, () => project());
  const single = Q.length === 1 && K.length === 1 && V.length === 1;
  const g = single ? [1] : gate(C / n);
  const out: Vec = new Array(heads * headDim).fill(0);
  for (let i = 0; i < g.length; i++) {
    const q = Q[Q.length > 1 ? i : 0]!;
    const k = K[K.length > 1 ? i : 0]!;
    const val = V[V.length > 1 ? i : 0]!;
    for (let h = 0; h < heads; h++) {
      const cut = (a: Vec) => a.slice(h * headDim, (h + 1) * headDim);
      // an empty sequence (all padding) attends uniformly to its padding positions
      const some = ids.map((_, l) => l).filter((l) => valid[l]);
      const live = some.length > 0 ? some : ids.map((_, l) => l);
      const a = softmax(live.map((l) => dot(cut(q), cut(k[l]!)) / Math.sqrt(headDim)));
      for (let j = 0; j < headDim; j++) {
        let s = 0;
        live.forEach((l, t) => (s += a[t]! * cut(val[l]!)[j]!));
        out[h * headDim + j] += g[i]! * s;
      }
    }
  }
  return out;
}

// four samples: full sequence, one padded position, two padded positions, empty
const xs = [
  [1.0, -0.5],
  [0.3, 0.8],
  [-1.2, 0.4],
  [0.6, 0.1],
];
const ids = [
  [1, 2, 3],
  [4, 2, 0],
  [3, 0, 0],
  [0, 0, 0],
];
const pcs = [
  [0.2, -1.0],
  [1.5, 0.5],
  [-0.7, 0.9],
  [0.4, 0.3],
];
const inputs: Record<string, Input> = {
  x: { shape: [4, 2], data: xs.flat() },
  s: { shape: [4, 3], data: ids.flat(), ids: true },
  p: { shape: [4, 2], data: pcs.flat() },
};
// row 0 (padding) is far from the others, so attending to it would change the output
const TABLE = [0.9, -0.8, 0.5, -0.3, -0.2, 0.7, 1.0, 0.4, -0.6, -0.9];

describe('POSO (MHA): Eq. 14 and Table 7 by hand', () => {
  const shapes: Record<string, number[]> = { 'features.s.table': [5, 2] };
  for (const [name, v] of Object.entries(ROWS)) Object.assign(shapes, shapesOf(name, v, TINY));
  const w = handWeights(shapes, { 'features.s.table': TABLE });
  const expected = (masked = true): Outputs => Object.fromEntries(Object.entries(ROWS).map(([name, v]) => [name, xs.map((x, b) => mhaByHand(w, name, v, x, ids[b]!, pcs[b]!, masked))]));

  handChecks({ spec: spec(ROWS, TINY), shapes, weights: w, inputs, widths: Object.fromEntries(Object.keys(ROWS).map((r) => [r, W_])), expected });

  it('the padding mask matters on these inputs', () => {
    const on = expected(true);
    const off = expected(false);
    for (const r of Object.keys(ROWS)) {
      expect(on[r]![0]).toEqual(off[r]![0]); // no padding in sample 0
      expect(on[r]![3]).toEqual(off[r]![3]); // all padding in sample 3
      for (const b of [1, 2]) expect(Math.max(...on[r]![b]!.map((v, j) => Math.abs(v - off[r]![b]![j]!)))).toBeGreaterThan(1e-2);
    }
  });

  it('the defaults are the standard form (Table 7, row 3): the same graph as spelled out', () => {
    const dump = (g: ReturnType<typeof compile>) => JSON.stringify([g.params.map((p) => [p.name, p.shape, p.init]), g.nodes.map((n) => [n.op, n.inputs, n.shape, n.attrs])]);
    expect(dump(compile(spec({ std: {} }, TINY)))).toEqual(dump(compile(spec({ std: { personalize_q: false, gate_k: true, gate_v: false } }, TINY))));
    expect(dump(compile(spec({ std: {} }, TINY)))).not.toEqual(dump(compile(spec({ std: { gate_v: true } }, TINY))));
  });
});

describe('POSO (MHA) against reference/poso.py', () => {
  const o = { q: 3, vocab: 6, dim: 3, len: 5, p: 2, heads: 2, headDim: 3, values: 3, hidden: 4 };
  const rows = { ...ROWS, row5: { personalize_q: true, gate_v: true } };
  const seq = [
    [1, 2, 3, 4, 5],
    [6, 1, 0, 0, 0],
    [2, 0, 0, 0, 0],
    [5, 5, 3, 1, 0],
    [0, 0, 0, 0, 0],
  ];
  referenceChecks({
    spec: spec(rows, o),
    script: 'poso',
    block: 'mha',
    config: { instances: Object.entries(rows).map(([name, v]) => ({ block: 'mha', name, heads: o.heads, head_dim: o.headDim, values: o.values, scale: 2.0, personalize_q: false, gate_k: true, gate_v: false, ...v })), seq: 's', query: 'x', pc: 'p' },
    inputs: { x: randomInputs([5, 3], 1), s: { shape: [5, 5], data: seq.flat(), ids: true }, p: randomInputs([5, 2], 2) },
    widths: Object.fromEntries(Object.keys(rows).map((r) => [r, o.heads * o.headDim])),
  });
});

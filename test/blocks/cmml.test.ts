// std.cmml against CMML's equations (seeds/002 §3): the context encoders PE (Eq. 6) and SE
// (Eq. 7, a GRU), the hybrid context (Eq. 8, dot and MLP), weight modulation (Eq. 9), sigmoid-dot
// and FiLM layer modulation (Eq. 10–11) and soft modularization (Eq. 12–13), on tiny weights.
// Each output is computed three ways: by the plain loops below, written from the equations; by an
// independent PyTorch program (test/blocks/reference/cmml.py, torch.nn.GRU for SE); and by both
// lowerings (TF.js cpu and wasm, ONNX in onnxruntime). Padded support positions hold garbage (9)
// so a mask that is ignored anywhere shows.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { add, denseBy, expectClose, lin as linear, mul, relu as reluOf, runOrt, runTfjs, sigmoid, type Input, type Mat, type Vec } from './helpers.js';

const SPEC = `use std.cmml
model m {
  features {
    user: dense(2)
    item: dense(2)
    clicked: label
  }
  support history by scenario: pairs(user, item, label: clicked, size: 3)
  let x = concat(user, item)
  let se = cmml.se(history, hidden: 3, units: [4])
  let pe = cmml.pe(history, units: [4])
  let pm = cmml.pe(history, units: [3], pool: "max")
  let hd = cmml.hybrid(se, x)
  let hm = cmml.hybrid(pe, x, mode: "mlp", units: [3])
  let wm = cmml.weight_mlp(x, hd, units: [3], hyper: [2])
  let sg = cmml.sigmoid_mlp(x, hd, units: [3, 2], hyper: 2)
  let fm = cmml.film_mlp(x, hm, units: [3, 2], hyper: 2)
  let sm = cmml.soft_modular(x, hd, depth: 2, modules: 2, width: 2, hidden: 3)
  task t_pm : regression(label: clicked) { from: pm }
  task t_wm : regression(label: clicked) { from: wm }
  task t_sg : regression(label: clicked) { from: sg }
  task t_fm : regression(label: clicked) { from: fm }
  task t_sm : regression(label: clicked) { from: sm }
}`;
const TASKS = ['t_pm', 't_wm', 't_sg', 't_fm', 't_sm'] as const;


// ── inputs: 3 queries; support sets of 3, 2 and 0 valid pairs ─────────────────
const B = 3;
const S = 3;
const user: Mat = [[0.5, -1.0], [1.2, 0.3], [-0.4, 0.8]];
const item: Mat = [[0.2, 0.1], [-0.6, 0.9], [1.0, -0.5]];
const mask: Mat = [[1, 1, 1], [1, 1, 0], [0, 0, 0]];
const G = 9; // garbage at padded positions
const sUser: Mat[] = [
  [[0.3, 0.7], [-1.1, 0.2], [0.6, -0.4]],
  [[0.9, -0.3], [0.1, 0.5], [G, G]],
  [[G, G], [G, G], [G, G]],
];
const sItem: Mat[] = [
  [[-0.2, 0.4], [0.8, 0.8], [-0.5, 0.1]],
  [[0.4, -0.9], [-0.7, 0.3], [G, G]],
  [[G, G], [G, G], [G, G]],
];
const sLabel: Mat = [[1, 0, 1], [0, 1, G], [G, G, G]];

// ── weights: small fixed values, by a formula so the test stays short ─────────
const a = analyze(SPEC, '/virtual/cmml.rec');
const g = a.graph!;
const W: Record<string, Float32Array> = {};
g.params.forEach((p, pi) => {
  const n = p.shape.reduce((x, y) => x * y, 1);
  W[p.name] = Float32Array.from({ length: n }, (_, k) => Math.round(Math.sin(0.7 * pi + 1.3 * k + 0.3) * 90) / 100);
});
/** The weights as plain arrays, for the hand computation (kernels row-major, [in, out]). */
const Wv: Record<string, Vec> = Object.fromEntries(Object.entries(W).map(([k, v]) => [k, Array.from(v)]));
const V = (name: string): Vec => Wv[name]!;

// ── the equations, with plain loops (test/blocks/helpers.ts) ───────────────────
const relu = (v: Vec) => v.map(reluOf);
/** x W + b for the layer `prefix` (`prefix.kernel`, `prefix.bias`). */
const lin = (x: Vec, prefix: string): Vec => denseBy(Wv, prefix, x);
const out = (h: Vec, task: string) => lin(h, `${task}.out`)[0]!;
const pairsOf = (r: number): Vec[] => [0, 1, 2].filter((s) => mask[r]![s] === 1).map((s) => [...sUser[r]![s]!, ...sItem[r]![s]!, sLabel[r]![s]!]);
const xOf = (r: number): Vec => [...user[r]!, ...item[r]!];

/** SE, Eq. 7: a GRU (r, z, n gates; PyTorch's form) over the valid pairs, then a ReLU layer. */
function se(r: number): Vec {
  const [w, u, bw, bu] = [V('se.gru0.w'), V('se.gru0.u'), V('se.gru0.bw'), V('se.gru0.bu')];
  const H = 3;
  let h: Vec = [0, 0, 0];
  for (const x of pairsOf(r)) {
    const gx = linear(x, w, bw);
    const gh = linear(h, u, bu);
    const rg = [0, 1, 2].map((j) => sigmoid(gx[j]! + gh[j]!));
    const zg = [0, 1, 2].map((j) => sigmoid(gx[H + j]! + gh[H + j]!));
    const ng = [0, 1, 2].map((j) => Math.tanh(gx[2 * H + j]! + rg[j]! * gh[2 * H + j]!));
    h = [0, 1, 2].map((j) => (1 - zg[j]!) * ng[j]! + zg[j]! * h[j]!);
  }
  return relu(lin(h, 'se.mlp0.dense0'));
}
/** PE, Eq. 6: each pair through the shared ReLU layer, then mean or max over valid pairs (0 if none). */
function pe(r: number, prefix: string, pool: 'mean' | 'max'): Vec {
  const hs = pairsOf(r).map((p) => relu(lin(p, `${prefix}.mlp0.dense0`)));
  const d = V(`${prefix}.mlp0.dense0.bias`).length;
  if (hs.length === 0) return Array(d).fill(0);
  return Array.from({ length: d }, (_, j) => (pool === 'mean' ? hs.reduce((s, h) => s + h[j]!, 0) / hs.length : Math.max(...hs.map((h) => h[j]!))));
}
/** Eq. 8: dot C ⊙ x, or a ReLU MLP on C ⊕ x. */
const hd = (r: number) => mul(se(r), xOf(r));
const hm = (r: number) => relu(lin([...pe(r, 'pe', 'mean'), ...xOf(r)], 'hm.mlp0.dense0'));
/** Eq. 9: o = w(C) · h + b(C), with h the backbone's last layer and w, b from the hyper-network. */
function wm(r: number): number {
  const h = relu(lin(xOf(r), 'wm.mlp0.dense0'));
  const z = relu(lin(hd(r), 'wm.mlp1.dense0'));
  const w = lin(z, 'wm.dense0');
  const b = lin(z, 'wm.dense1')[0]!;
  return w.reduce((s, wi, i) => s + wi * h[i]!, 0) + b;
}
/** Eq. 10: o_i = σ(f_i(C)) ⊙ (W_i h + b_i), then ReLU; f_i reads the i-th hyper layer. */
function sg(r: number): Vec {
  let z = relu(lin(hd(r), 'sg.dense0'));
  let h = relu(mul(lin(z, 'sg.dense1').map(sigmoid), lin(xOf(r), 'sg.dense2')));
  z = relu(lin(z, 'sg.dense3'));
  h = relu(mul(lin(z, 'sg.dense4').map(sigmoid), lin(h, 'sg.dense5')));
  return h;
}
/** Eq. 11: o_i = f^w_i(C) ⊙ (W_i h + b_i) + f^b_i(C), then ReLU. */
function fm(r: number): Vec {
  let z = relu(lin(hm(r), 'fm.dense0'));
  let h = relu(add(mul(lin(z, 'fm.dense1'), lin(xOf(r), 'fm.dense2')), lin(z, 'fm.dense3')));
  z = relu(lin(z, 'fm.dense4'));
  h = relu(add(mul(lin(z, 'fm.dense5'), lin(h, 'fm.dense6')), lin(z, 'fm.dense7')));
  return h;
}
/** Softmax of logits[i][j] over i (the source module) for each j. */
function routeSoftmax(logits: Mat): Mat {
  const cols = logits[0]!.length;
  const out = logits.map((row) => row.slice());
  for (let j = 0; j < cols; j++) {
    const m = Math.max(...logits.map((row) => row[j]!));
    const e = logits.map((row) => Math.exp(row[j]! - m));
    const s = e.reduce((p, q) => p + q, 0);
    e.forEach((v, i) => (out[i]![j] = v / s));
  }
  return out;
}
/** Eq. 12–13: 2 layers × 2 modules; module j of layer 2 reads Σ_i p_ij o_i; the output Σ_i q_i o'_i. */
function sm(r: number): Vec {
  const x = xOf(r);
  const o1 = [relu(lin(x, 'sm.dense0')), relu(lin(x, 'sm.dense1'))];
  let z = relu(lin(hd(r), 'sm.dense2'));
  const l1 = lin(z, 'sm.dense3'); // [m·m] as [src][dest]
  const p = routeSoftmax([[l1[0]!, l1[1]!], [l1[2]!, l1[3]!]]);
  const in2 = [0, 1].map((j) => [0, 1].map((d) => p[0]![j]! * o1[0]![d]! + p[1]![j]! * o1[1]![d]!));
  const o2 = [relu(lin(in2[0]!, 'sm.dense4')), relu(lin(in2[1]!, 'sm.dense5'))];
  z = relu(lin(z, 'sm.dense6'));
  const l2 = lin(z, 'sm.dense7');
  const q = routeSoftmax([[l2[0]!], [l2[1]!]]);
  return [0, 1].map((d) => q[0]![0]! * o2[0]![d]! + q[1]![0]! * o2[1]![d]!);
}

const byHand: Record<(typeof TASKS)[number], number[]> = {
  t_pm: [0, 1, 2].map((r) => out(pe(r, 'pm', 'max'), 't_pm')),
  t_wm: [0, 1, 2].map((r) => out([wm(r)], 't_wm')),
  t_sg: [0, 1, 2].map((r) => out(sg(r), 't_sg')),
  t_fm: [0, 1, 2].map((r) => out(fm(r), 't_fm')),
  t_sm: [0, 1, 2].map((r) => out(sm(r), 't_sm')),
};

// ── the graph's inputs ─────────────────────────────────────────────────────────
const flat = (m: Mat | Mat[]) => (m as unknown[]).flat(2) as number[];
const inputs: Record<string, Input> = {
  user: { data: flat(user), shape: [B, 2] },
  item: { data: flat(item), shape: [B, 2] },
  'history.user': { data: flat(sUser), shape: [B, S, 2] },
  'history.item': { data: flat(sItem), shape: [B, S, 2] },
  'history.label': { data: flat(sLabel), shape: [B, S] },
  'history.mask': { data: flat(mask), shape: [B, S] },
};

describe('std.cmml against its equations', () => {
  it('elaborates with the expected parameters', () => {
    expect(a.diagnostics).toEqual([]);
    expect(g.supports?.map((s) => [s.name, s.key, s.size, s.items])).toEqual([['history', 'scenario', 3, ['user', 'item']]]);
    expect(g.params.find((p) => p.name === 'se.gru0.w')!.shape).toEqual([5, 9]); // pair width 2 + 2 + label 1
  });

  it('the hand computation differs per support set (the context matters)', () => {
    // Without this, a model that ignored its support set could pass the tests below.
    for (const t of TASKS) expect(new Set(byHand[t].map((v) => v.toFixed(4))).size, t).toBe(3);
    expect(se(2)).toEqual(relu(V('se.mlp0.dense0.bias'))); // empty set: GRU state stays 0
  });

  // each task's prediction, per row: [batch][1]
  const expected = () => Object.fromEntries(TASKS.map((t) => [t, byHand[t].map((v) => [v])]));
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`TensorFlow.js (${backend}) computes the equations`, async () => {
      expectClose(await runTfjs(backend, g, W, inputs, {}, [...TASKS]), expected());
    });
  }

  it('ONNX in onnxruntime computes the equations', async () => {
    expectClose(await runOrt(g, W, inputs, {}, [...TASKS]), expected());
  });

  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  it.runIf(torch)('an independent PyTorch implementation (torch.nn.GRU) agrees', () => {
    const payload = {
      weights: Object.fromEntries(g.params.map((p) => [p.name, { shape: p.shape, data: Array.from(W[p.name]!) }])),
      inputs,
    };
    const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'reference/cmml.py')], { input: JSON.stringify(payload), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const ref = JSON.parse(r.stdout) as Record<string, number[]>;
    for (const t of TASKS) ref[t]!.forEach((v, i) => expect(v, `${t}[${i}]`).toBeCloseTo(byHand[t][i]!, 5));
  });
});

// The multi-task baselines of std.multitask (POSO §3 Eq. 1–2, PEPNet Table 2): shared-bottom,
// MMoE, CGC and PLE, by hand with plain loops (TF.js cpu + wasm, ONNX), and against
// reference/multitask.py on random weights.
import { describe } from 'vitest';
import { type Input, type Vec, denseBy, handChecks, handWeights, probes, randomInputs, referenceChecks, relu, sigmoid, softmax } from './helpers.js';

interface Sizes {
  x: number;
  bottom: number[]; // shared-bottom widths
  experts: number; // MMoE experts
  units: number[]; // expert widths (MMoE, CGC, PLE)
  specific: number; // CGC task-specific experts per task
  shared: number; // CGC shared experts
  levels: number; // PLE levels
  tower: number[]; // shared-bottom task towers
}
const TASKS = 2;

function spec(o: Sizes): string {
  const d = o.units[o.units.length - 1]!;
  const b = o.bottom[o.bottom.length - 1]!;
  const list = (xs: number[]) => `[${xs.join(', ')}]`;
  const pick = (name: string, from: string) => Array.from({ length: TASKS }, (_, t) => `  let ${name}_t${t} = ${from}[${t}]`).join('\n');
  return `use std.multitask
model mt {
  features {
    x: dense(${o.x})
    z: dense(${o.x})
    y: label
  }
  let sb = multitask.shared_bottom(x, units: ${list(o.bottom)}, tasks: ${TASKS})
  let mm = multitask.mmoe(x, experts: ${o.experts}, units: ${list(o.units)}, tasks: ${TASKS})
  let cg = multitask.cgc([x, z], x, ${o.specific}, ${o.shared}, ${list(o.units)})
  let pl = multitask.ple(x, tasks: ${TASKS}, levels: ${o.levels}, specific: ${o.specific}, shared: ${o.shared}, units: ${list(o.units)})
${pick('sb', 'sb')}
${pick('mm', 'mm')}
${pick('cg', 'cg[0]')}
  let cg_s = cg[1]
${pick('pl', 'pl')}
${['sb', 'mm', 'cg', 'pl'].flatMap((n) => Array.from({ length: TASKS }, (_, t) => probes(`${n}_t${t}`, n === 'sb' ? b : d))).join('\n')}
${probes('cg_s', d)}
${Array.from({ length: TASKS }, (_, t) => `  task sb_head${t} : binary(label: y) { from: sb[${t}], tower: ${list(o.tower)} }`).join('\n')}
}`;
}

// ── the parameters each block declares ──────────────────────────────────────────────────────

function mlpShapes(prefix: string, inp: number, units: number[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  units.forEach((u, i) => {
    out[`${prefix}.dense${i}.kernel`] = [i === 0 ? inp : units[i - 1]!, u];
    out[`${prefix}.dense${i}.bias`] = [u];
  });
  return out;
}
const denseShapes = (prefix: string, inp: number, out: number) => ({ [`${prefix}.kernel`]: [inp, out], [`${prefix}.bias`]: [out] });

function cgcShapes(prefix: string, o: Sizes, withSharedGate: boolean): Record<string, number[]> {
  let out: Record<string, number[]> = {};
  let m = 0;
  for (let i = 0; i < o.shared; i++) out = { ...out, ...mlpShapes(`${prefix}.mlp${m++}`, o.x, o.units) };
  for (let t = 0; t < TASKS; t++) {
    for (let i = 0; i < o.specific; i++) out = { ...out, ...mlpShapes(`${prefix}.mlp${m++}`, o.x, o.units) };
    out = { ...out, ...denseShapes(`${prefix}.dense${t}`, o.x, o.specific + o.shared) };
  }
  // the shared gate over every expert; the last PLE level's feeds nothing and is pruned
  if (withSharedGate) out = { ...out, ...denseShapes(`${prefix}.dense${TASKS}`, o.x, o.shared + TASKS * o.specific) };
  return out;
}

function shapesOf(o: Sizes): Record<string, number[]> {
  const b = o.bottom[o.bottom.length - 1]!;
  let out: Record<string, number[]> = { ...mlpShapes('sb.mlp0', o.x, o.bottom) };
  for (let i = 0; i < o.experts; i++) out = { ...out, ...mlpShapes(`mm.mlp${i}`, o.x, o.units) };
  for (let t = 0; t < TASKS; t++) out = { ...out, ...denseShapes(`mm.dense${t}`, o.x, o.experts) };
  out = { ...out, ...cgcShapes('cg', o, true) };
  for (let l = 0; l < o.levels; l++) out = { ...out, ...cgcShapes(`pl.cgc${l}`, o, l < o.levels - 1) };
  for (let t = 0; t < TASKS; t++) out = { ...out, ...mlpShapes(`sb_head${t}.tower`, b, o.tower), ...denseShapes(`sb_head${t}.out`, o.tower[o.tower.length - 1]!, 1) };
  return out;
}

// ── by hand ─────────────────────────────────────────────────────────────────────────────────

type W = Record<string, Vec>;
function mlpBy(w: W, prefix: string, x: Vec, layers: number): Vec {
  let h = x;
  for (let i = 0; i < layers; i++) h = denseBy(w, `${prefix}.dense${i}`, h).map(relu);
  return h;
}
/** Σ_i g_i e_i. */
function mix(g: Vec, experts: Vec[]): Vec {
  const out = new Array(experts[0]!.length).fill(0);
  experts.forEach((e, i) => e.forEach((v, j) => (out[j] += g[i]! * v)));
  return out;
}

/** One CGC layer (PLE, Tang et al. 2020): task t mixes [own experts, shared experts] by softmax(W^t x_t). */
function cgcBy(w: W, prefix: string, o: Sizes, inputs: Vec[], sharedInput: Vec, withShared: boolean): { outs: Vec[]; shared?: Vec } {
  const L = o.units.length;
  let m = 0;
  const common = Array.from({ length: o.shared }, () => mlpBy(w, `${prefix}.mlp${m++}`, sharedInput, L));
  const everyone = [...common];
  const outs = inputs.map((x, t) => {
    const own = Array.from({ length: o.specific }, () => mlpBy(w, `${prefix}.mlp${m++}`, x, L));
    everyone.push(...own);
    return mix(softmax(denseBy(w, `${prefix}.dense${t}`, x)), [...own, ...common]);
  });
  return withShared ? { outs, shared: mix(softmax(denseBy(w, `${prefix}.dense${TASKS}`, sharedInput)), everyone) } : { outs };
}

function byHand(w: W, o: Sizes, x: Vec, z: Vec): Record<string, Vec> {
  const out: Record<string, Vec> = {};
  // shared-bottom: one shared MLP, then per-task towers
  const bottom = mlpBy(w, 'sb.mlp0', x, o.bottom.length);
  for (let t = 0; t < TASKS; t++) {
    out[`sb_t${t}`] = bottom;
    out[`sb_head${t}`] = [sigmoid(denseBy(w, `sb_head${t}.out`, mlpBy(w, `sb_head${t}.tower`, bottom, o.tower.length))[0]!)];
  }
  // MMoE, Eq. 1–2
  const experts = Array.from({ length: o.experts }, (_, i) => mlpBy(w, `mm.mlp${i}`, x, o.units.length));
  for (let t = 0; t < TASKS; t++) out[`mm_t${t}`] = mix(softmax(denseBy(w, `mm.dense${t}`, x)), experts);
  // CGC on two different task inputs
  const c = cgcBy(w, 'cg', o, [x, z], x, true);
  c.outs.forEach((v, t) => (out[`cg_t${t}`] = v));
  out.cg_s = c.shared!;
  // PLE: CGC layers stacked, every task starting from x
  let inputs = [x, x];
  let s = x;
  for (let l = 0; l < o.levels; l++) {
    const r = cgcBy(w, `pl.cgc${l}`, o, inputs, s, l < o.levels - 1);
    inputs = r.outs;
    s = r.shared ?? s;
  }
  inputs.forEach((v, t) => (out[`pl_t${t}`] = v));
  return out;
}

const TINY: Sizes = { x: 2, bottom: [3, 2], experts: 3, units: [2], specific: 2, shared: 1, levels: 2, tower: [2] };

const xs = [
  [1.0, -0.5],
  [0.3, 0.8],
  [-1.2, 0.4],
];
const zs = [
  [0.2, -1.0],
  [1.5, 0.5],
  [-0.7, 0.9],
];

const NAMES = ['sb_t0', 'sb_t1', 'mm_t0', 'mm_t1', 'cg_t0', 'cg_t1', 'cg_s', 'pl_t0', 'pl_t1'];
const HEADS = ['sb_head0', 'sb_head1'];

describe('multi-task baselines (shared-bottom, MMoE, CGC, PLE) by hand', () => {
  const shapes = shapesOf(TINY);
  const w = handWeights(shapes);
  const inputs: Record<string, Input> = { x: { shape: [3, 2], data: xs.flat() }, z: { shape: [3, 2], data: zs.flat() } };
  handChecks({
    spec: spec(TINY),
    shapes,
    weights: w,
    inputs,
    widths: Object.fromEntries(NAMES.map((n) => [n, 2])),
    heads: HEADS,
    expected: () => {
      const rows = xs.map((x, b) => byHand(w, TINY, x, zs[b]!));
      return Object.fromEntries([...NAMES, ...HEADS].map((n) => [n, rows.map((r) => r[n]!)]));
    },
  });
});

describe('multi-task baselines against reference/multitask.py', () => {
  const o: Sizes = { x: 5, bottom: [6, 4], experts: 4, units: [6, 3], specific: 2, shared: 2, levels: 3, tower: [3] };
  referenceChecks({
    spec: spec(o),
    script: 'multitask',
    block: 'multitask',
    config: {
      instances: [
        { block: 'shared_bottom', name: 'sb', x: 'x', tasks: TASKS, heads: HEADS },
        { block: 'mmoe', name: 'mm', x: 'x', tasks: TASKS, experts: o.experts },
        { block: 'cgc', name: 'cg', inputs: ['x', 'z'], shared_input: 'x', specific: o.specific, shared: o.shared },
        { block: 'ple', name: 'pl', x: 'x', tasks: TASKS, levels: o.levels, specific: o.specific, shared: o.shared },
      ],
    },
    inputs: { x: randomInputs([4, 5], 8), z: randomInputs([4, 5], 9) },
    widths: Object.fromEntries(NAMES.map((n) => [n, n.startsWith('sb') ? 4 : 3])),
    heads: HEADS,
  });
});

// POSO (MMoE), Eq. 17–18 (seeds/000 §4.4): x̂^t = C · Σ_i g(pc)_i · softmax(W^t x)_i · e_i(x), by
// hand with plain loops (TF.js cpu + wasm, ONNX), and against reference/poso.py on random weights.
import { describe } from 'vitest';
import { type Input, type Vec, denseBy, handChecks, handWeights, probes, randomInputs, referenceChecks, relu, sigmoid, softmax } from './helpers.js';

function spec(o: { x: number; p: number; experts: number; units: number[]; tasks: number; hidden: number }): string {
  const width = o.units[o.units.length - 1]!;
  const lets = Array.from({ length: o.tasks }, (_, t) => `  let m_t${t} = m[${t}]`).join('\n');
  return `use std.poso
model pm {
  features {
    x: dense(${o.x})
    p: dense(${o.p})
    y: label
  }
  let m = poso.mmoe(x, p, experts: ${o.experts}, units: [${o.units.join(', ')}], tasks: ${o.tasks}, hidden: ${o.hidden})
${lets}
${Array.from({ length: o.tasks }, (_, t) => probes(`m_t${t}`, width)).join('\n')}
}`;
}

const TINY = { x: 2, p: 2, experts: 3, units: [3, 2], tasks: 2, hidden: 2 };

const SHAPES: Record<string, number[]> = {
  // experts e_i: ReLU MLPs [2 → 3 → 2]
  ...Object.fromEntries(
    [0, 1, 2].flatMap((i) => [
      [`m.mlp${i}.dense0.kernel`, [2, 3]],
      [`m.mlp${i}.dense0.bias`, [3]],
      [`m.mlp${i}.dense1.kernel`, [3, 2]],
      [`m.mlp${i}.dense1.bias`, [2]],
    ]),
  ),
  // the personalised gate g(pc): two layers, one gate per expert
  'm.gate0.dense0.kernel': [2, 2],
  'm.gate0.dense0.bias': [2],
  'm.gate0.dense1.kernel': [2, 3],
  'm.gate0.dense1.bias': [3],
  // the task gates W^t (Eq. 18)
  'm.dense0.kernel': [2, 3],
  'm.dense0.bias': [3],
  'm.dense1.kernel': [2, 3],
  'm.dense1.bias': [3],
};

const xs = [
  [1.0, -0.5],
  [0.3, 0.8],
  [-1.2, 0.4],
];
const pcs = [
  [0.2, -1.0],
  [1.5, 0.5],
  [-0.7, 0.9],
];

/** Eq. 17–18 by hand for one sample and task t. */
function posoMmoeByHand(w: Record<string, Vec>, x: Vec, pc: Vec, t: number): Vec {
  const C = 2;
  const experts = [0, 1, 2].map((i) => denseBy(w, `m.mlp${i}.dense1`, denseBy(w, `m.mlp${i}.dense0`, x).map(relu)).map(relu));
  const g = denseBy(w, 'm.gate0.dense1', denseBy(w, 'm.gate0.dense0', pc).map(relu)).map(sigmoid);
  const gt = softmax(denseBy(w, `m.dense${t}`, x));
  const out = [0, 0];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) out[j] += C * g[i]! * gt[i]! * experts[i]![j]!;
  return out;
}

describe('POSO (MMoE): Eq. 17–18 by hand', () => {
  const w = handWeights(SHAPES);
  const inputs: Record<string, Input> = { x: { shape: [3, 2], data: xs.flat() }, p: { shape: [3, 2], data: pcs.flat() } };
  handChecks({
    spec: spec(TINY),
    shapes: SHAPES,
    weights: w,
    inputs,
    widths: { m_t0: 2, m_t1: 2 },
    expected: () => ({ m_t0: xs.map((x, b) => posoMmoeByHand(w, x, pcs[b]!, 0)), m_t1: xs.map((x, b) => posoMmoeByHand(w, x, pcs[b]!, 1)) }),
  });
});

describe('POSO (MMoE) against reference/poso.py', () => {
  const o = { x: 5, p: 3, experts: 4, units: [6, 4], tasks: 3, hidden: 5 };
  referenceChecks({
    spec: spec(o),
    script: 'poso',
    block: 'mmoe',
    config: { instances: [{ block: 'mmoe', name: 'm', experts: o.experts, tasks: o.tasks, scale: 2.0 }], x: 'x', pc: 'p' },
    inputs: { x: randomInputs([4, 5], 3), p: randomInputs([4, 3], 4) },
    widths: { m_t0: 4, m_t1: 4, m_t2: 4 },
  });
});

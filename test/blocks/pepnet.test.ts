// PEPNet's EPNet (Eq. 4–6) and PPNet (Eq. 7–9) (seeds/003 §2.2): by hand with plain loops (TF.js
// cpu + wasm, ONNX), and against reference/pepnet.py on random weights. PPNet gates the input of
// every layer of every task tower (ReLU inside); the task's own output layer is the last,
// gated layer of Eq. 9 and ends in a sigmoid (binary tasks).
import { describe } from 'vitest';
import { type Input, type Vec, denseBy, handChecks, handWeights, mul, probes, randomInputs, referenceChecks, relu, sigmoid } from './helpers.js';

function spec(o: { e: number; d: number; prior: number; units: number[]; tasks: number; hidden: number }): string {
  const width = o.units[o.units.length - 1]!;
  const towers = Array.from({ length: o.tasks }, (_, t) => `  let tw_t${t} = tw[${t}]`).join('\n');
  const heads = Array.from({ length: o.tasks }, (_, t) => `  task ctr${t} : binary(label: y) { from: tw[${t}] }`).join('\n');
  return `use std.pepnet
model pep {
  features {
    e: dense(${o.e})
    d: dense(${o.d})
    prior: dense(${o.prior})
    y: label
  }
  let ep = pepnet.epnet(e, d, hidden: ${o.hidden})
  let tw = pepnet.ppnet(ep, prior, units: [${o.units.join(', ')}], tasks: ${o.tasks}, hidden: ${o.hidden})
${towers}
${probes('ep', o.e)}
${Array.from({ length: o.tasks }, (_, t) => probes(`tw_t${t}`, width)).join('\n')}
${heads}
}`;
}

const TINY = { e: 3, d: 2, prior: 2, units: [3, 2], tasks: 2, hidden: 2 };

const nu = (prefix: string, inp: number, hidden: number, out: number): Record<string, number[]> => ({
  [`${prefix}.dense0.kernel`]: [inp, hidden],
  [`${prefix}.dense0.bias`]: [hidden],
  [`${prefix}.dense1.kernel`]: [hidden, out],
  [`${prefix}.dense1.bias`]: [out],
});

const SHAPES: Record<string, number[]> = {
  // EPNet's Gate NU U_ep on the domain side, as wide as E
  ...nu('ep.gate_nu0', 2, 2, 3),
  // PPNet: one Gate NU per layer on O_prior ⊕ O_ep (2 + 3), wide enough for both towers
  ...nu('tw.gate_nu0', 5, 2, 3 * 2),
  'tw.dense0.kernel': [3, 3], // task 0, layer 1
  'tw.dense0.bias': [3],
  'tw.dense1.kernel': [3, 3], // task 1, layer 1
  'tw.dense1.bias': [3],
  ...nu('tw.gate_nu1', 5, 2, 3 * 2),
  'tw.dense2.kernel': [3, 2], // task 0, layer 2
  'tw.dense2.bias': [2],
  'tw.dense3.kernel': [3, 2], // task 1, layer 2
  'tw.dense3.bias': [2],
  ...nu('tw.gate_nu2', 5, 2, 2 * 2), // the gates of the output layers
  // the output layers (Eq. 9, last l: sigmoid)
  'ctr0.out.kernel': [2, 1],
  'ctr0.out.bias': [1],
  'ctr1.out.kernel': [2, 1],
  'ctr1.out.bias': [1],
};

const es = [
  [1.0, -0.5, 0.25],
  [0.3, 0.8, -1.1],
  [-1.2, 0.4, 0.6],
];
const ds = [
  [0.2, -1.0],
  [1.5, 0.5],
  [-0.7, 0.9],
];
const priors = [
  [0.5, 0.1],
  [-0.3, 1.2],
  [0.9, -0.8],
];

/** Gate NU by hand, Eq. 2–3 with γ = 2. */
function gateNu(w: Record<string, Vec>, prefix: string, x0: Vec): Vec {
  return denseBy(w, `${prefix}.dense1`, denseBy(w, `${prefix}.dense0`, x0).map(relu)).map((z) => 2 * sigmoid(z));
}

/** EPNet by hand, Eq. 5–6: O_ep = U_ep(domain) ⊙ E. */
const epnetByHand = (w: Record<string, Vec>, e: Vec, d: Vec): Vec => mul(gateNu(w, 'ep.gate_nu0', d), e);

/** PPNet by hand, Eq. 7–9: per layer l, δ_l = U_pp,l(O_prior ⊕ O_ep) split per task; z ← z ⊙ δ; z = ReLU(z W + b). */
function ppnetByHand(w: Record<string, Vec>, oEp: Vec, prior: Vec): { gated: Vec[]; ctr: number[] } {
  const gateIn = [...prior, ...oEp];
  let z = [oEp, oEp];
  let k = 0; // dense counter: layer-major, task-minor
  for (let l = 0; l < 2; l++) {
    const delta = gateNu(w, `tw.gate_nu${l}`, gateIn);
    const width = z[0]!.length;
    z = z.map((zt, t) => denseBy(w, `tw.dense${k++}`, mul(zt, delta.slice(t * width, (t + 1) * width))).map(relu));
  }
  const delta = gateNu(w, 'tw.gate_nu2', gateIn);
  const gated = z.map((zt, t) => mul(zt, delta.slice(t * 2, (t + 1) * 2)));
  return { gated, ctr: gated.map((g, t) => sigmoid(denseBy(w, `ctr${t}.out`, g)[0]!)) };
}

describe('PEPNet EPNet and PPNet: Eq. 4–9 by hand', () => {
  const w = handWeights(SHAPES);
  const inputs: Record<string, Input> = { e: { shape: [3, 3], data: es.flat() }, d: { shape: [3, 2], data: ds.flat() }, prior: { shape: [3, 2], data: priors.flat() } };
  handChecks({
    spec: spec(TINY),
    shapes: SHAPES,
    weights: w,
    inputs,
    widths: { ep: 3, tw_t0: 2, tw_t1: 2 },
    heads: ['ctr0', 'ctr1'],
    expected: () => {
      const ep = es.map((e, b) => epnetByHand(w, e, ds[b]!));
      const pp = ep.map((o, b) => ppnetByHand(w, o, priors[b]!));
      return { ep, tw_t0: pp.map((p) => p.gated[0]!), tw_t1: pp.map((p) => p.gated[1]!), ctr0: pp.map((p) => [p.ctr[0]!]), ctr1: pp.map((p) => [p.ctr[1]!]) };
    },
  });
});

describe('PEPNet EPNet and PPNet against reference/pepnet.py', () => {
  const o = { e: 6, d: 3, prior: 4, units: [5, 4], tasks: 3, hidden: 7 };
  referenceChecks({
    spec: spec(o),
    script: 'pepnet',
    block: 'pepnet',
    config: {
      instances: [
        { block: 'epnet', name: 'ep', gamma: 2.0, e: 'e', domain: 'd' },
        { block: 'ppnet', name: 'tw', gamma: 2.0, units: o.units, tasks: o.tasks, heads: ['ctr0', 'ctr1', 'ctr2'], x: 'ep', prior: 'prior' },
      ],
    },
    inputs: { e: randomInputs([4, 6], 5), d: randomInputs([4, 3], 6), prior: randomInputs([4, 4], 7) },
    widths: { ep: 6, tw_t0: 4, tw_t1: 4, tw_t2: 4 },
    heads: ['ctr0', 'ctr1', 'ctr2'],
  });
});

// PPNet's stop-gradient (PEPNet Eq. 7, §3.4): the EPNet output reaches PPNet's gates without
// gradient. Three specs on the same values: A is std.pepnet's ppnet; B feeds the gate path from a
// second input x2 (a copy of x); C is ppnet without the stop-gradient. Then ∂A/∂x = ∂B/∂x (only
// the tower path), ∂B/∂x2 ≠ 0 (the gate path is real), and ∂C/∂x = ∂B/∂x + ∂B/∂x2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyze } from '../../src/semantics/analyze.js';

const ppnet = readFileSync(join(import.meta.dirname, '../../stdlib/pepnet.rec'), 'utf8');
const body = ppnet.slice(ppnet.indexOf('block ppnet(')).replaceAll('gate_nu(', 'pepnet.gate_nu(');

function spec(block: string, call: string): string {
  return `use std.pepnet\n${block}\nmodel m {\n  features {\n    x: dense(6)\n    x2: dense(6)\n    prior: dense(4)\n    y: label\n  }\n  let towers = ${call}\n  let both = concat(towers[0], towers[1])\n  task t : regression(label: y) { from: both }\n}\n`;
}

const A = spec('', 'pepnet.ppnet(x, prior: concat(prior, x2 * 0.0), units: [5], tasks: 2)');
const B = spec(body.replace('block ppnet(', 'block ppnet_split(\n  x2: tensor,').replace('stop_gradient(x)', 'x2'), 'ppnet_split(x2, x, prior: concat(prior, x2 * 0.0), units: [5], tasks: 2)');
const C = spec(body.replace('block ppnet(', 'block ppnet_plain(').replace('stop_gradient(x)', 'x'), 'ppnet_plain(x, prior: concat(prior, x2 * 0.0), units: [5], tasks: 2)');

describe('PPNet stop-gradient', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('blocks exactly the gate path', () => {
    const graphs = [A, B, C].map((s) => {
      const a = analyze(s, '/virtual/ppnet.rec');
      expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      return a.graph!;
    });
    // x2 is a distinct tensor with the same values (one tensor twice would merge their gradients)
    // the same weights for all three (the parameter names are those of the shared block body)
    const names = (g: (typeof graphs)[0]) => g.params.map((p) => p.name.replace(/^towers\./, '')).sort();
    expect(names(graphs[1]!)).toEqual(names(graphs[0]!));
    const w = initWeights(graphs[0]!, 3);
    const x = tf.tensor2d([[0.3, -1.2, 0.5, 2.0, -0.7, 0.1], [1.1, 0.4, -0.9, 0.2, 0.6, -1.5]]);
    const prior = tf.tensor2d([[0.2, 0.1, -0.4, 0.9], [-1.0, 0.3, 0.8, 0.05]]);
    const grads = graphs.map((g) => {
      const f = buildForward(tf, g);
      const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(w[p.name]!, p.shape)]));
      const [gx, gx2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(f(params, { x: a, x2: b, prior }).outputs.t!))([x, tf.clone(x)]);
      return [Array.from(gx!.dataSync()), Array.from(gx2!.dataSync())];
    });
    const [[ax], [bx, bx2], [cx]] = grads as [[number[]], [number[], number[]], [number[]]];
    ax!.forEach((v, i) => expect(v).toBeCloseTo(bx![i]!, 6));
    expect(Math.max(...bx2!.map(Math.abs))).toBeGreaterThan(1e-3);
    cx!.forEach((v, i) => expect(v).toBeCloseTo(bx![i]! + bx2![i]!, 5));
  });
});

// The TensorFlow.js forward pass is a pure function of the parameters: tf.grad through it gives
// the hand-derived gradient, and stop_gradient cuts its branch out of that gradient.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IRGraph, IRNode, Shape } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { OPS } from '../../src/ops/registry.js';

const SPAN = { file: 'f.rec', start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };

/** out = sigmoid(x @ W) + stop_gradient(x @ W), for x [batch, 2], W [2, 1]. */
function graph(): IRGraph {
  const nodes: IRNode[] = [];
  const add = (op: string, ins: number[], attrs: IRNode['attrs']) => {
    const r = OPS[op]!.infer(ins.map((i) => ({ shape: nodes[i]!.shape, dtype: nodes[i]!.dtype })), attrs);
    if ('error' in r) throw new Error(r.error);
    nodes.push({ id: nodes.length, op, inputs: ins, attrs, dtype: r.dtype, shape: r.shape as Shape, span: SPAN, trace: [], scope: '' });
    return nodes.length - 1;
  };
  const x = add('input', [], { feature: 'x', dtype: 'float32', shape: [-1, 2] });
  const w = add('param', [], { name: 'w', shape: [2, 1] });
  const xw = add('matmul', [x, w], {});
  const out = add('add', [add('sigmoid', [xw], {}), add('stop_gradient', [xw], {})], {});
  return {
    model: 'f', file: 'f.rec', features: [{ kind: 'dense', name: 'x', column: 'x', size: 2 }], inputs: { x }, nodes,
    params: [{ name: 'w', shape: [2, 1], init: { kind: 'zeros' }, group: 'dense', trainable: true, span: SPAN }],
    tasks: [{ name: 't', kind: 'regression', classes: 1, label: {} as never, loss: 'mse', weight: 1, output: out, logit: xw }],
    train: {} as never, pcs: [], instances: [],
  };
}

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const X = [[1, 2], [-0.5, 3]];
const Wv = [0.3, -0.2];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`buildForward (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it('computes outputs, logits and every node', () => {
      const f = buildForward(tf, graph());
      tf.tidy(() => {
        const r = f({ w: tf.tensor2d(Wv, [2, 1]) }, { x: tf.tensor2d(X) });
        const z = X.map((x) => x[0]! * Wv[0]! + x[1]! * Wv[1]!);
        Array.from(r.logits.t!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(z[i]!, 6));
        Array.from(r.outputs.t!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(sig(z[i]!) + z[i]!, 6));
        expect(r.nodes.size).toBe(6);
        expect(r.nodes.get(2)!.shape).toEqual([2, 1]);
      });
    });

    it('differentiates through params; stop_gradient contributes nothing', () => {
      const f = buildForward(tf, graph());
      const x = tf.tensor2d(X);
      const g = tf.grad((w: tf.Tensor) => tf.sum(f({ w }, { x }).outputs.t!))(tf.tensor2d(Wv, [2, 1]));
      // d/dW Σ σ(xW) = Σ_rows x · σ'(xW); the stop_gradient branch (which would add Σ x) is cut
      const z = X.map((r) => r[0]! * Wv[0]! + r[1]! * Wv[1]!);
      const want = [0, 1].map((k) => X.reduce((s, r, i) => s + r[k]! * sig(z[i]!) * (1 - sig(z[i]!)), 0));
      Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    });

    it('names a missing parameter or input', () => {
      const f = buildForward(tf, graph());
      expect(() => f({}, { x: tf.tensor2d(X) })).toThrow(/parameter w/);
      expect(() => f({ w: tf.tensor2d(Wv, [2, 1]) }, {})).toThrow(/feature x/);
    });
  });
}

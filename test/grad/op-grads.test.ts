// Every op's vector-Jacobian product (src/ops/<op>.ts), walked from the registry, on every one of
// its examples. Objective: Σ y ⊙ r for a fixed random r, differentiated with respect to every
// float input (batched inputs are graph inputs, weights are parameters) by the IR gradient pass.
//  - onnxruntime: the gradient graph lowered to ONNX equals TensorFlow.js's tape gradient through
//    the op's TF.js form (tf.variableGrads), ≤ 1e-5 relative to the largest value;
//  - TF.js: the same gradient graph through the TF.js lowering equals onnxruntime;
//  - float64: the gradient graph evaluated by the PyTorch lowering equals central finite
//    differences of the objective, and so does the gradient of ⟨gradient, v⟩ for a random v
//    (second order: the gradient graph differentiated again).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphAppender } from '../../src/ir/append.js';
import { decompose } from '../../src/ir/passes/decompose.js';
import { grad } from '../../src/ir/passes/grad.js';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { lowerFunction } from '../../src/lower/onnx/function.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import type { OpExample } from '../../src/ops/op.js';
import { OPS } from '../../src/ops/registry.js';
import { ort, ortTensor, runOnnx } from '../helpers/onnx.js';
import { haveTorch, runTorch, type TorchJob, type TorchValue } from '../helpers/torch.js';
import type { Value } from '../ops/run-op.js';
import { exampleValues } from '../ops/values.js';
import { exampleInputName, isGraphInput, opGraph } from './small-graph.js';
import { expectRelClose } from './close.js';

const BATCH = 3;
interface Case extends OpExample {
  op: string;
  index: number;
}
const cases: Case[] = Object.values(OPS).flatMap((op) => op.examples.map((e, index) => ({ op: op.name, index, ...e })));
const label = (c: Case) => `${c.op} #${c.index}${c.note ? ` (${c.note})` : ''}`;

/** A float input of the op, as the gradient sees it. */
interface Leaf {
  index: number;
  kind: 'input' | 'param';
  name: string;
  node: number;
  /** Its gradient node, if any flows. */
  grad?: number;
  /** Why the op treats it as a constant (OpDef.constantInputs). */
  constant?: string;
}

interface Built {
  c: Case;
  /** The op's graph (before decomposition) and its node, for the TF.js tape. */
  opGraph: IRGraph;
  opNode: number;
  /** Σ op(x) ⊙ r as built (the op itself, not a decomposition), and its objective node. */
  objectiveGraph: IRGraph;
  opObjective: number;
  /** The objective's graph with the gradient nodes appended. */
  graph: IRGraph;
  objective: number;
  leaves: Leaf[];
  values: Value[];
  r: Value;
}

function build(c: Case): Built {
  const values = exampleValues(c, `${c.op}:${c.index}`, BATCH);
  const { s, y } = opGraph(c.op, c);
  const single = s.graph();
  const yShape = single.nodes[y]!.shape;
  const rng = exampleValues({ inputs: [{ shape: yShape, dtype: 'float32' }], attrs: {} }, `${c.op}:${c.index}:r`, BATCH)[0]!;
  const opObjective = s.sum(s.add('mul', [y, s.input('r', 'float32', yShape)]));
  const objectiveGraph = s.graph();
  // the GRU is differentiated through its decomposition; nodes keep their order, so the
  // objective stays last, and inputs and parameters are found by name
  const g = decompose(objectiveGraph);
  const objective = g.nodes.length - 1;
  const leaves: Leaf[] = [];
  c.inputs.forEach((inp, i) => {
    if (inp.dtype !== 'float32') return;
    const kind = isGraphInput(inp) ? 'input' : 'param';
    const name = exampleInputName(c, i);
    const node = kind === 'input' ? g.inputs[name]! : g.nodes.find((n) => n.op === 'param' && n.attrs.name === name)!.id;
    leaves.push({ index: i, kind, name, node, constant: OPS[c.op]!.constantInputs?.[i] });
  });
  const { graph, grads } = grad(g, objective, leaves.map((l) => l.node));
  leaves.forEach((l, k) => (l.grad = grads[k]));
  return { c, opGraph: single, opNode: y, objectiveGraph, opObjective, graph, objective, leaves, values, r: rng };
}

const built = cases.map(build);

function feeds(b: Built): Record<string, ort.Tensor> {
  const f: Record<string, ort.Tensor> = {};
  b.values.forEach((v, i) => {
    if (!isGraphInput(b.c.inputs[i]!)) return;
    f[exampleInputName(b.c, i)] = ortTensor(v.data, v.shape, v.dtype === 'int32');
  });
  f.r = new ort.Tensor('float32', Float32Array.from(b.r.data), b.r.shape);
  return f;
}

function weights(b: Built): Record<string, Float32Array> {
  return Object.fromEntries(b.leaves.filter((l) => l.kind === 'param').map((l) => [l.name, Float32Array.from(b.values[l.index]!.data)]));
}

/** The IR gradients in onnxruntime, by leaf (zeros where none flows). */
async function ortGrads(b: Built): Promise<Float32Array[]> {
  const outputs = Object.fromEntries(b.leaves.flatMap((l, k) => (l.grad === undefined ? [] : [[`g${k}`, l.grad]])));
  const out = Object.keys(outputs).length > 0 ? await runOnnx(lowerFunction(b.graph, { outputs, weights: weights(b) }), feeds(b)) : {};
  return b.leaves.map((l, k) => out[`g${k}`] ?? new Float32Array(b.values[l.index]!.data.length));
}

let counter = 0;
/** TensorFlow.js's tape gradient of Σ op(x) ⊙ r through the op's TF.js form, by leaf. */
function tapeGrads(b: Built): Float32Array[] {
  if (b.leaves.length === 0) return [];
  const node = b.opGraph.nodes[b.opNode]!;
  const xs = b.values.map((v) => tf.tensor(v.data, v.shape, v.dtype));
  const vars = new Map(b.leaves.map((l) => [l.index, tf.variable(xs[l.index]!, true, `leaf${counter++}`)]));
  const r = tf.tensor(b.r.data, b.r.shape);
  const none = () => {
    throw new Error('a single op reads no params or features');
  };
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(OPS[b.c.op]!.tfjs(tf, xs.map((x, i) => vars.get(i) ?? x), b.c.attrs, node, { param: none, input: none }), r)), [...vars.values()]);
  const out = b.leaves.map((l) => {
    const gv = grads[vars.get(l.index)!.name];
    return gv ? Float32Array.from(gv.dataSync()) : new Float32Array(b.values[l.index]!.data.length);
  });
  tf.dispose([value, r, ...xs, ...Object.values(grads), ...vars.values()]);
  return out;
}

/** The same gradient graph through the TF.js lowering. */
function tfjsGrads(b: Built): Float32Array[] {
  const forward = buildForward(tf, b.graph, undefined, { also: b.leaves.flatMap((l) => (l.grad === undefined ? [] : [l.grad])) });
  return tf.tidy(() => {
    const params = Object.fromEntries(b.leaves.filter((l) => l.kind === 'param').map((l) => [l.name, tf.tensor(b.values[l.index]!.data, b.values[l.index]!.shape)]));
    const inputs: Record<string, tf.Tensor> = { r: tf.tensor(b.r.data, b.r.shape) };
    b.values.forEach((v, i) => {
      if (isGraphInput(b.c.inputs[i]!)) inputs[exampleInputName(b.c, i)] = tf.tensor(v.data, v.shape, v.dtype);
    });
    const { nodes } = forward(params, inputs);
    return b.leaves.map((l) => (l.grad === undefined ? new Float32Array(b.values[l.index]!.data.length) : Float32Array.from(nodes.get(l.grad)!.dataSync())));
  });
}

describe('op gradients', () => {
  it('every op has a vjp, a decomposition, or a stated reason for neither', () => {
    const without = Object.values(OPS).filter((op) => !op.vjp && !op.decompose && !op.nonDifferentiable).map((op) => op.name);
    expect(without).toEqual([]);
  });

  it('every gradient graph passes verify()', () => {
    for (const b of built) expect(verify(b.graph), label(b.c)).toEqual([]);
  });

  // A vjp may also give no gradient where the true one is zero (compare, the shape-only input of
  // broadcast_like): the comparisons below take that as zeros, against the tape and finite
  // differences. Inputs declared constant are skipped there, so the declaration must hold.
  it('no gradient flows to an input the op declares constant', () => {
    for (const b of built) for (const l of b.leaves) if (l.constant) expect(l.grad, `${label(b.c)}, input ${l.index}`).toBeUndefined();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`onnxruntime vs the TensorFlow.js tape (${backend})`, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      for (const b of built) {
        it(label(b.c), async () => {
          const got = await ortGrads(b);
          const want = tapeGrads(b);
          const lowered = tfjsGrads(b);
          b.leaves.forEach((l, k) => {
            expectRelClose(lowered[k]!, got[k]!, 1e-5, `${label(b.c)}: input ${l.index} through the TF.js lowering`);
            // the tape differentiates what the op declares constant (a pooling mask): not compared
            if (!l.constant) expectRelClose(got[k]!, want[k]!, 1e-5, `${label(b.c)}: input ${l.index}`);
          });
        });
      }
    });
  }

  describe.runIf(haveTorch())('float64 finite differences (PyTorch lowering)', () => {
    const H = 1e-6;
    const torchValue = (v: Value): TorchValue => ({ data: v.data, shape: v.shape, ids: v.dtype === 'int32' });
    const ioOf = (b: Built) => {
      const params: Record<string, TorchValue> = {};
      const inputs: Record<string, TorchValue> = { r: torchValue(b.r) };
      b.values.forEach((v, i) => {
        if (isGraphInput(b.c.inputs[i]!)) inputs[exampleInputName(b.c, i)] = torchValue(v);
        else params[exampleInputName(b.c, i)] = torchValue(v);
      });
      return { params, inputs };
    };

    const differentiated = (b: Built) => b.leaves.filter((l) => !l.constant);

    /** Finite differences of a scalar node with respect to the leaves the op does not declare constant. */
    const fdJob = (b: Built, graph: IRGraph, objective: number, extra: Record<string, TorchValue> = {}): TorchJob => {
      const { params, inputs } = ioOf(b);
      return { graph, outputs: [objective], params, inputs: { ...inputs, ...extra }, fd: { wrt: differentiated(b).map((l) => [l.kind, l.name]), h: H } };
    };
    /** The values of gradient nodes (one per leaf the op does not declare constant; none where no gradient flows). */
    const valueJob = (b: Built, graph: IRGraph, grads: Array<number | undefined>, extra: Record<string, TorchValue> = {}): TorchJob => {
      const { params, inputs } = ioOf(b);
      const outputs = differentiated(b).map((l) => grads[b.leaves.indexOf(l)]).filter((g): g is number => g !== undefined);
      return { graph, outputs, params, inputs: { ...inputs, ...extra } };
    };

    function compare(b: Built, grads: Array<number | undefined>, values: number[][], fd: number[][], what: string): void {
      let k = 0;
      differentiated(b).forEach((l, j) => {
        const ir = grads[b.leaves.indexOf(l)] === undefined ? new Array<number>(fd[j]!.length).fill(0) : values[k++]!;
        expectRelClose(ir, fd[j]!, 1e-6, `${label(b.c)}, ${what}: input ${l.index}`);
      });
    }

    // Second order: s = Σ_k ⟨∂objective/∂leaf_k, v_k⟩ for random v_k (inputs of the graph), and ∂s/∂leaves.
    const second = built.map((b) => {
      const a = new GraphAppender(b.graph);
      const extra: Record<string, TorchValue> = {};
      let s: number | undefined;
      b.leaves.forEach((l, k) => {
        if (l.grad === undefined) return;
        const shape = b.graph.nodes[l.grad]!.shape;
        const v = exampleValues({ inputs: [{ shape, dtype: 'float32' }], attrs: {} }, `${b.c.op}:${b.c.index}:v${k}`, BATCH)[0]!;
        extra[`v${k}`] = torchValue(v);
        const prod = a.add('mul', [l.grad, a.input(`v${k}`, 'float32', shape)]);
        const term = a.add('sum_to', [prod], { shape: [], axes: shape.map((_, i) => i) });
        s = s === undefined ? term : a.add('add', [s, term]);
      });
      if (s === undefined) return undefined;
      const { graph, at } = a.finish([s]);
      const r = grad(graph, at(s), b.leaves.map((l) => l.node));
      expect(verify(r.graph), label(b.c)).toEqual([]);
      return { graph: r.graph, objective: at(s), grads: r.grads, extra };
    });

    // Per example, four jobs: finite differences of the objective as the op computes it (the
    // GRU's own form, not its decomposition), the gradient graph's values, and the same two for s.
    const smooth = built.filter((b) => !b.c.kinks);
    let results: Array<{ outputs: number[][]; fd?: number[][] }> = [];
    beforeAll(async () => {
      const jobs = smooth.flatMap((b) => {
        const s = second[built.indexOf(b)];
        return [
          fdJob(b, b.objectiveGraph, b.opObjective),
          valueJob(b, b.graph, b.leaves.map((l) => l.grad)),
          ...(s ? [fdJob(b, s.graph, s.objective, s.extra), valueJob(b, s.graph, s.grads, s.extra)] : []),
        ];
      });
      results = await runTorch(jobs);
    });

    for (const b of smooth) {
      it(label(b.c), () => {
        const s = second[built.indexOf(b)];
        const at = smooth.slice(0, smooth.indexOf(b)).reduce((n, x) => n + (second[built.indexOf(x)] ? 4 : 2), 0);
        compare(b, b.leaves.map((l) => l.grad), results[at + 1]!.outputs, results[at]!.fd!, 'first order');
        if (s) compare(b, s.grads, results[at + 3]!.outputs, results[at + 2]!.fd!, 'second order');
      });
    }
  });
});

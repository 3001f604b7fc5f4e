// Every example spec (and the fixtures that use every stdlib block): the gradient of each stage's
// objective (the IR's own, from the objectives pass: every task's loss, weighted) with respect to
// every parameter.
//  - float64, per parameter: the gradient graph evaluated by the PyTorch lowering equals PyTorch
//    autograd of the objective through the model's forward, within 1e-9 of the largest value of
//    that parameter's gradient. This is the exactness check: any wrong term shows here.
//  - float32: the gradient graph lowered to ONNX, in onnxruntime, equals TensorFlow.js's tape
//    gradient through the model's TF.js forward (ops' own TF.js forms, the GRU's included), within
//    1e-5 of the largest value of the objective's gradient. Not of each parameter's: a parameter
//    whose gradient is a small sum of large terms (a task's output bias when σ(z) − y nearly
//    cancels over the batch, a gate behind a softmax) is only as exact as float32 summation of
//    those terms allows, on either side. Measured against float64 (pepnet-ple, follow.out.bias,
//    gradient 3.1e-5 from terms of ~3e-2): onnxruntime 4.5e-4 and the tape 2.2e-4 of that
//    parameter's largest value, both ~1e-8 absolute, while the gradient graph in float64 equals
//    autograd to 2e-13.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelInputs, preprocess } from '../../src/data/preprocess.js';
import { getEntry } from '../../src/ir/entry.js';
import { decomposeWithIds } from '../../src/ir/passes/decompose.js';
import { grad } from '../../src/ir/passes/grad.js';
import { planOf } from '../../src/ir/plan.js';
import { labelInput, pairInputs } from '../../src/ir/task-inputs.js';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { lowerFunction } from '../../src/lower/onnx/function.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { TORCH } from '../../src/lower/torch/ops.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { hingePairs } from '../../src/train/hinge-pairs.js';
import { checkOnnx, haveOnnxChecker, ort, ortTensor, runOnnx } from '../helpers/onnx.js';
import { randomRows } from '../helpers/rows.js';
import { haveTorch, runTorch, type TorchValue } from '../helpers/torch.js';
import { expectCloseAtScale, expectRelClose, maxAbs } from './close.js';
import { ALL_SPECS, inRepo } from '../helpers/specs.js';

const specs = ALL_SPECS;
const ROWS = 16;
const models: Record<string, Uint8Array> = {};

type Values = Record<string, { data: Float32Array | Int32Array; shape: number[] }>;

interface Case {
  /** spec file name and stage */
  name: string;
  model: IRGraph;
  objective: number;
  values: Values;
  weights: Record<string, Float32Array>;
  /** The IR gradient graph and each parameter's gradient node. */
  graph: IRGraph;
  grads: Record<string, number>;
}

/** Features of random rows, and what the losses read: labels, and the pairs of hinge tasks. */
function batchValues(model: IRGraph, spec: string): Values {
  const rows = randomRows(model, ROWS, inRepo(spec));
  const { dataset, errors } = preprocess(model, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
  expect(errors).toEqual([]);
  const values: Values = {};
  for (const [k, v] of Object.entries(modelInputs(dataset))) values[k] = { data: v.data, shape: [dataset.n, ...v.shape] };
  for (const t of model.tasks) {
    const labels = dataset.labels[t.name]!;
    if (t.loss === 'hinge') {
      const { pos, neg } = hingePairs(labels);
      const [p, n] = pairInputs(t.name);
      values[p] = { data: Int32Array.from(pos), shape: [pos.length] };
      values[n] = { data: Int32Array.from(neg), shape: [neg.length] };
    } else values[labelInput(t.name)] = { data: Float32Array.from(labels), shape: [labels.length] };
  }
  return values;
}

/** One case per distinct objective of the spec's stages. */
function casesOf(spec: string): Case[] {
  const a = analyzeFile(spec);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model = a.graph!;
  const values = batchValues(model, spec);
  const weights = initWeights(model, 7);
  const seen = new Set<number>();
  const out: Case[] = [];
  for (const stage of planOf(model).stages) {
    const objective = getEntry(model, stage.entry)?.objective;
    if (objective === undefined || seen.has(objective)) continue;
    seen.add(objective);
    // the GRU expanded, then the gradient of every parameter
    const { graph: expanded, at } = decomposeWithIds(model);
    const paramNodes = expanded.nodes.filter((n) => n.op === 'param');
    const r = grad(expanded, at(objective), paramNodes.map((n) => n.id));
    const grads: Record<string, number> = {};
    paramNodes.forEach((n, k) => r.grads[k] !== undefined && (grads[String(n.attrs.name)] = r.grads[k]!));
    out.push({ name: `${spec.split('/').pop()!} (${stage.name})`, model, objective, values, weights, graph: r.graph, grads });
  }
  expect(out.length).toBeGreaterThan(0);
  return out;
}

const cases = specs.flatMap(casesOf);

describe('gradients of every example objective: IR in onnxruntime vs the TensorFlow.js tape', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  for (const c of cases) {
    it(c.name, async () => {
      expect(verify(c.graph)).toEqual([]);
      const outputs = Object.fromEntries(Object.entries(c.grads).map(([p, id]) => [`grad:${p}`, id]));
      const bytes = lowerFunction(c.graph, { outputs, weights: c.weights });
      models[c.name] = bytes;
      const session = await ort.InferenceSession.create(bytes);
      const feeds: Record<string, ort.Tensor> = {};
      for (const k of session.inputNames) feeds[k] = ortTensor(c.values[k]!.data, c.values[k]!.shape);
      const got = await runOnnx(bytes, feeds);

      // TF.js: the tape through the forward of the model (not expanded)
      const forward = buildForward(tf, c.model, undefined, { also: [c.objective] });
      const vars = Object.fromEntries(c.model.params.map((p) => [p.name, tf.variable(tf.tensor(c.weights[p.name]!, p.shape), true, `${c.name}:${p.name}`)]));
      const inputs = Object.fromEntries(Object.entries(c.values).map(([k, v]) => [k, tf.tensor(v.data, v.shape, v.data instanceof Int32Array ? 'int32' : 'float32')]));
      const { value, grads: tape } = tf.variableGrads(() => forward(vars, inputs).nodes.get(c.objective) as tf.Scalar, Object.values(vars));
      try {
        const scale = Math.max(...c.model.params.map((p) => (tape[`${c.name}:${p.name}`] ? maxAbs(tape[`${c.name}:${p.name}`]!.dataSync()) : 0)));
        for (const p of c.model.params) {
          const want = tape[`${c.name}:${p.name}`];
          const ir = got[`grad:${p.name}`];
          // a parameter the objective does not reach: no gradient on either side
          if (!want || !ir) {
            expect([want === undefined, ir === undefined], p.name).toEqual([true, true]);
            continue;
          }
          expectCloseAtScale(ir, want.dataSync(), scale, 1e-5, p.name);
        }
      } finally {
        tf.dispose([value, ...Object.values(tape), ...Object.values(vars), ...Object.values(inputs)]);
      }
    });
  }

  it.runIf(haveOnnxChecker())('every gradient graph passes the ONNX checker (full_check)', () => {
    expect(Object.keys(models).length).toBe(cases.length);
    expect(checkOnnx(models)).toEqual({});
  });
});

describe.runIf(haveTorch())('gradients of every example objective in float64: the IR gradient graph vs PyTorch autograd', () => {
  const torchValues = (vs: Record<string, { data: ArrayLike<number>; shape: number[] }>, ids = false): Record<string, TorchValue> =>
    Object.fromEntries(Object.entries(vs).map(([k, v]) => [k, { data: v.data, shape: v.shape, ids: ids || v.data instanceof Int32Array }]));
  // The PyTorch lowering has a form for most ops; a graph with an op it lacks is skipped, by name.
  const missing = (c: Case) => [...new Set(c.graph.nodes.map((n) => n.op).filter((op) => !TORCH[op]))];
  for (const c of cases) {
    const lacks = missing(c);
    it.skipIf(lacks.length > 0)(`${c.name}${lacks.length > 0 ? `: no PyTorch form for ${lacks.join(', ')}` : ''}`, async () => {
      // one process per case
      const params = torchValues(Object.fromEntries(c.model.params.map((p) => [p.name, { data: c.weights[p.name]!, shape: p.shape }])));
      const inputs = torchValues(c.values);
      const [a, g] = await runTorch([
        { graph: c.model, outputs: [c.objective], params, inputs, autograd: true },
        { graph: c.graph, outputs: Object.values(c.grads), params, inputs },
      ]);
      const auto = a!.autograd!;
      const ir = g!.outputs;
      c.model.params.forEach((p, i) => {
        const j = Object.keys(c.grads).indexOf(p.name);
        // no gradient node: autograd finds none either (zeros)
        expectRelClose(j < 0 ? new Array<number>(auto[i]!.length).fill(0) : ir[j]!, auto[i]!, 1e-9, p.name);
      });
    }, 300_000);
  }
});

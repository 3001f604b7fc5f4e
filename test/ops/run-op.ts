// Run one op on concrete values in TensorFlow.js (the active backend) and in onnxruntime, through
// a one-node graph. Batched inputs become graph inputs (int32 ids → int64, as in a real model);
// unbatched float inputs (weights) become initializers, as parameters are.
import * as tf from '@tensorflow/tfjs-core';
import pkg from 'onnx-proto';
import { Tape } from '../../src/lower/onnx/tape.js';
import type { Attrs, DType, IRNode, Shape } from '../../src/ir/types.js';
import { OPS } from '../../src/ops/registry.js';
import { ort, runOnnx } from '../helpers/onnx.js';

const { onnx } = pkg;

export interface Value {
  data: number[];
  /** Concrete shape (the batch dimension as a number). */
  shape: number[];
  /** Symbolic shape, with 'batch' on axis 0 for batched values. */
  sym: Shape;
  dtype: DType;
}

/** A batched value (axis 0 is the batch). */
export function batched(data: number[], shape: number[], dtype: DType = 'float32'): Value {
  return { data, shape, sym: ['batch', ...shape.slice(1)], dtype };
}

/** A weight-like value without a batch axis. */
export function weight(data: number[], shape: number[]): Value {
  return { data, shape, sym: shape, dtype: 'float32' };
}

function inferNode(opName: string, ins: Value[], attrs: Attrs): IRNode {
  const op = OPS[opName];
  if (!op) throw new Error(`no op ${opName}`);
  const r = op.infer(ins.map((v) => ({ shape: v.sym, dtype: v.dtype })), attrs);
  if ('error' in r) throw new Error(`${opName}: ${r.error}`);
  return { id: 0, op: opName, inputs: [], attrs, dtype: r.dtype, shape: r.shape, span: { file: '', start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }, trace: [], scope: '' };
}

const isGraphInput = (v: Value) => v.sym[0] === 'batch' || v.dtype === 'int32';

export function opModel(opName: string, ins: Value[], attrs: Attrs): Uint8Array {
  const node = inferNode(opName, ins, attrs);
  const tape = new Tape();
  const graphInputs: pkg.onnx.IValueInfoProto[] = [];
  const dims = (s: Shape) => ({ dim: s.map((d) => (d === 'batch' ? { dimParam: 'batch' } : { dimValue: d })) });
  const names = ins.map((v, i) => {
    const name = `in${i}`;
    if (isGraphInput(v)) graphInputs.push({ name, type: { tensorType: { elemType: v.dtype === 'int32' ? 7 : 1, shape: dims(v.sym) } } });
    else tape.initializer(name, Float32Array.from(v.data), v.shape);
    return name;
  });
  const out = OPS[opName]!.onnx(tape, names, attrs, node, { param: (n) => n, input: (n) => n });
  tape.nodes.push({ opType: 'Identity', input: [out], output: ['y'] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: opName, node: tape.nodes, initializer: tape.initializers, input: graphInputs, output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: dims(node.shape) } } }] },
  });
  return onnx.ModelProto.encode(model).finish();
}

export async function runOpOnnx(opName: string, ins: Value[], attrs: Attrs, bytes = opModel(opName, ins, attrs)): Promise<Float32Array> {
  const feeds: Record<string, ort.Tensor> = {};
  ins.forEach((v, i) => {
    if (!isGraphInput(v)) return;
    feeds[`in${i}`] = v.dtype === 'int32' ? new ort.Tensor('int64', BigInt64Array.from(v.data.map((x) => BigInt(x))), v.shape) : new ort.Tensor('float32', Float32Array.from(v.data), v.shape);
  });
  return (await runOnnx(bytes, feeds)).y!;
}

/** The op's TensorFlow.js form as a function of tensors shaped like `ins` (for gradients). */
export function opTfjs(opName: string, ins: Value[], attrs: Attrs): (xs: tf.Tensor[]) => tf.Tensor {
  const node = inferNode(opName, ins, attrs);
  const none = () => {
    throw new Error('a single op has no params or inputs');
  };
  return (xs) => OPS[opName]!.tfjs(tf, xs, attrs, node, { param: none, input: none });
}

export function runOpTfjs(opName: string, ins: Value[], attrs: Attrs): { data: Float32Array; shape: number[] } {
  const f = opTfjs(opName, ins, attrs);
  return tf.tidy(() => {
    const y = f(ins.map((v) => tf.tensor(v.data, v.shape, v.dtype)));
    return { data: Float32Array.from(y.dataSync()), shape: y.shape };
  });
}

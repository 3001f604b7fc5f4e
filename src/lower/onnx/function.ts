// The ONNX lowering of chosen nodes of a graph as a function of its IR inputs: what a gradient
// (or training) graph needs, where the serving lowering (lower.ts) emits the task outputs of raw
// features. Inputs are the `input` nodes the outputs reach, named after their feature, as the
// data loader gives them (ids int64, values float32); parameters are initializers when weights
// are given, else inputs named after the parameter (a trainer feeds them each step). Only the
// nodes the outputs reach are lowered. The IR's `batch` only says "a length known when the graph
// runs": the pairs of a hinge loss ([P]) are written so too, and P is not the batch size. So the
// dynamic axes here are unnamed: a shared symbol would let onnxruntime plan buffers as if they
// were equal (and fail when they are not).
import pkg from 'onnx-proto';
import { getOp } from '../../ops/registry.js';
import { reached } from '../../ir/reach.js';
import type { IRGraph } from '../../ir/types.js';
import { valueInfo } from './lower.js';
import { Tape } from './tape.js';

const { onnx } = pkg;

export interface OnnxFunction {
  /** Output name → node. */
  outputs: Record<string, number>;
  /** Weights of the parameters that become initializers; the others become graph inputs. */
  weights?: Record<string, Float32Array>;
  name?: string;
}

export function lowerFunction(graph: IRGraph, f: OnnxFunction): Uint8Array {
  const tape = new Tape();
  const inputs: pkg.onnx.IValueInfoProto[] = [];
  const nodes = reached(graph, Object.values(f.outputs)).map((id) => graph.nodes[id]!);
  for (const n of nodes) {
    if (n.op === 'input') inputs.push(valueInfo(String(n.attrs.feature), n.dtype === 'int32' ? 'int64' : 'float32', n.shape, null));
    if (n.op !== 'param') continue;
    const name = String(n.attrs.name);
    const w = f.weights?.[name];
    if (w) tape.initializer(name, w, n.shape as number[]);
    else inputs.push(valueInfo(name, 'float32', n.shape, null));
  }
  const taken = new Set([...inputs.map((i) => i.name!), ...tape.initializers.map((i) => i.name!)]);
  const clash = Object.keys(f.outputs).filter((o) => taken.has(o));
  if (clash.length > 0) throw new Error(`lowerFunction: output names ${clash.join(', ')} are also inputs or parameters`);
  const ctx = { param: (name: string) => name, input: (feature: string) => feature };
  const values = new Map<number, string>();
  for (const n of nodes) values.set(n.id, getOp(n.op)!.onnx(tape, n.inputs.map((i) => values.get(i)!), n.attrs, n, ctx));
  const outputs = Object.entries(f.outputs).map(([name, id]) => {
    tape.nodes.push({ opType: 'Identity', name: `output_${name}`, input: [values.get(id)!], output: [name] });
    const n = graph.nodes[id]!;
    return valueInfo(name, n.dtype === 'int32' ? 'int64' : 'float32', n.shape, null);
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'recc',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: f.name ?? graph.model, node: tape.nodes, initializer: tape.initializers, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

// A small builder for ONNX graphs (the "tape" of onnxscript): ops append nodes and constants and
// get value names back; protobuf details stay in this file and lower.ts.
//
// Attribute types: ONNX checks INT vs FLOAT strictly (Softmax `axis` must be INT, LayerNormalization
// `epsilon` FLOAT). A plain number is INT when Number.isInteger, else FLOAT; that is only safe for
// attributes that are integers by nature (axis, keepdims, to, perm). Float attributes whose value
// may happen to be whole (epsilon = 1, alpha = 2) must be passed as { float } / { floats }; a
// plain number[] is INTS.
import pkg from 'onnx-proto';
import type { OnnxAttr, OnnxTape } from '../../ops/op.js';

export type { OnnxAttr, OnnxTape };

const { onnx } = pkg;

function attribute(name: string, v: OnnxAttr): pkg.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  // Plain numbers: integers become INT, others FLOAT. Use { float } / { floats } to force FLOAT.
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') return { name, type: T.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
    return { name, type: T.INTS, ints: v as number[] };
  }
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  if ('ints' in v) return { name, type: T.INTS, ints: v.ints };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.INT, i: v.int };
}

export class Tape implements OnnxTape {
  readonly nodes: pkg.onnx.INodeProto[] = [];
  readonly initializers: pkg.onnx.ITensorProto[] = [];
  readonly domains = new Set<string>();
  private counter = 0;

  // '/' cannot appear in a feature, task or parameter name, so generated names never collide with
  // the graph's inputs, outputs or initializers (PyTorch's exporter names values the same way).
  fresh(prefix: string): string {
    return `/${prefix}_${this.counter++}`;
  }

  op(type: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}, opts: { domain?: string; outputs?: number; name?: string } = {}): string {
    return this.opMulti(type, inputs, opts.outputs ?? 1, attrs, opts)[0]!;
  }

  opMulti(type: string, inputs: string[], outputs: number, attrs: Record<string, OnnxAttr> = {}, opts: { domain?: string; name?: string } = {}): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(type.toLowerCase()));
    if (opts.domain) this.domains.add(opts.domain);
    this.nodes.push({
      opType: type,
      name: opts.name ?? this.fresh(`n_${type}`),
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      ...(opts.domain ? { domain: opts.domain } : {}),
    });
    return outs;
  }

  constFloat(values: ArrayLike<number>, shape: number[]): string {
    const name = this.fresh('const');
    this.initializer(name, Float32Array.from(values as ArrayLike<number>), shape);
    return name;
  }

  constInt64(values: ArrayLike<number>, shape: number[]): string {
    const name = this.fresh('const');
    this.initializers.push({ name, dataType: onnx.TensorProto.DataType.INT64, dims: shape, int64Data: Array.from(values as ArrayLike<number>) });
    return name;
  }

  /** A float32 initializer, stored as raw little-endian bytes (a view, never a copy of a larger buffer). */
  initializer(name: string, data: Float32Array, shape: number[]): void {
    this.initializers.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims: shape, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
}

// What one primitive op is: its shape rule, FLOP count, TensorFlow.js lowering and ONNX lowering,
// together in one file per op (src/ops/<name>.ts), registered in src/ops/registry.ts.
// Only type imports of TensorFlow.js here: the front end loads ops for their shape rules and
// must not pull TensorFlow.js or onnxruntime in (`recc check` starts fast).
// The interfaces the backends implement (the ONNX tape, the TF.js context) are declared here, so
// every import points down the pipeline: lower → ops → ir.
import type * as tfc from '@tensorflow/tfjs-core';
import type { Attrs, DType, IRNode, Shape } from '../ir/types.js';

export type TF = typeof tfc;

/**
 * The ONNX graph builder an op lowers onto (src/lower/onnx/tape.ts implements it). Attribute
 * types: ONNX checks INT vs FLOAT strictly; a plain number is INT when Number.isInteger, else
 * FLOAT, so float attributes that may be whole must be passed as { float } / { floats }.
 */
export type OnnxAttr = number | string | number[] | string[] | { floats: number[] } | { ints: number[] } | { float: number } | { int: number };

export interface OnnxTape {
  /** Append a node; returns the name of its (first) output. */
  op(type: string, inputs: string[], attrs?: Record<string, OnnxAttr>, opts?: { domain?: string; outputs?: number; name?: string }): string;
  /** Append a node with several outputs. */
  opMulti(type: string, inputs: string[], outputs: number, attrs?: Record<string, OnnxAttr>, opts?: { domain?: string }): string[];
  constFloat(values: ArrayLike<number>, shape: number[]): string;
  constInt64(values: ArrayLike<number>, shape: number[]): string;
  fresh(prefix: string): string;
}

export type Tensor = tfc.Tensor;

export interface ShapeIn {
  shape: Shape;
  dtype: DType;
}

export type InferResult =
  | { shape: Shape; dtype: DType }
  | { error: string; code?: 'REC4001' | 'REC4002' | 'REC4003' | 'REC3008' };

/** A language-level builtin backed directly by this op: `relu(x)`, `concat(a, b, axis: -1)`. */
export interface Surface {
  name: string;
  /** Tensor inputs, in order. `variadic` takes all remaining positional arguments (e.g. concat). */
  inputs: string[] | 'variadic';
  /** Non-tensor arguments that become attributes, with their type and default. */
  attrs?: Array<{ name: string; type: 'int' | 'float' | 'bool' | 'string' | '[int]'; default?: number | boolean | string | number[] }>;
  doc: string;
}

/** What the TensorFlow.js forward gives an op besides its inputs. */
export interface TfjsCtx {
  param(name: string): Tensor;
  input(feature: string): Tensor;
}

/** What the ONNX lowering gives an op besides its inputs: value names in the graph. */
export interface OnnxCtx {
  param(name: string): string;
  input(feature: string): string;
}

export interface OpDef {
  name: string;
  doc: string;
  infer(inputs: ShapeIn[], attrs: Attrs): InferResult;
  /** Floating point operations for one sample (batch dimension = 1), multiply-add = 2. */
  flops(inputs: Shape[], output: Shape, attrs: Attrs): number;
  tfjs(tf: TF, inputs: Tensor[], attrs: Attrs, node: IRNode, ctx: TfjsCtx): Tensor;
  onnx(tape: OnnxTape, inputs: string[], attrs: Attrs, node: IRNode, ctx: OnnxCtx): string;
  surface?: Surface;
  /** Cases for the op-level parity test (TensorFlow.js vs onnxruntime on random inputs). */
  examples: OpExample[];
}

/** One case of the op-level parity test. */
export interface OpExample {
  inputs: ShapeIn[];
  attrs: Attrs;
  note?: string;
  /**
   * Set values for some inputs (by position), used instead of random ones where random values
   * would be invalid (indices into a batch-sized axis, class labels) or an edge case needs exact
   * values (an empty pair list, an accidental hit). The shape is concrete: the parity test's batch
   * is 3, and a dynamic axis may take any length, 0 included.
   */
  values?: Record<number, { data: number[]; shape: number[] }>;
}

/** Number of elements of a shape with the batch dimension taken as 1. */
export function sizePerSample(shape: Shape): number {
  return shape.reduce<number>((n, d) => n * (d === 'batch' ? 1 : d), 1);
}

/** `[batch, 30, 16]`: shapes written the way users write them. */
export function showShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

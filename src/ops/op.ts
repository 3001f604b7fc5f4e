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

/**
 * What an op's vector-Jacobian product (and its decomposition) writes with: it appends IR nodes to
 * the graph being differentiated (src/ir/append.ts implements it). Each node's shape and dtype
 * come from its op's own rule, so a vjp states only ops, inputs and attributes; a rule that
 * fails there is a compiler bug and throws.
 */
export interface GradBuilder {
  /** Append a node; returns its id. */
  add(op: string, inputs: number[], attrs?: Attrs): number;
  shape(id: number): Shape;
  dtype(id: number): DType;
}

/**
 * The vector-Jacobian product of an op as IR nodes: given the ids of the node's inputs, of the
 * node itself (its output, which a vjp may reuse: it stays differentiable, being a node) and of
 * dy (the gradient of the objective w.r.t. the output, of the output's shape), the gradient w.r.t.
 * each input, of that input's shape; undefined where none flows (int ids, a mask declared in
 * `constantInputs`, a piecewise-constant op, stop_gradient). The nodes it adds have vjps of their
 * own, so a gradient can be differentiated again.
 */
export type Vjp = (b: GradBuilder, inputs: number[], output: number, dy: number, attrs: Attrs) => Array<number | undefined>;

export interface OpDef {
  name: string;
  doc: string;
  infer(inputs: ShapeIn[], attrs: Attrs): InferResult;
  /** Floating point operations for one sample (batch dimension = 1), multiply-add = 2. */
  flops(inputs: Shape[], output: Shape, attrs: Attrs): number;
  tfjs(tf: TF, inputs: Tensor[], attrs: Attrs, node: IRNode, ctx: TfjsCtx): Tensor;
  onnx(tape: OnnxTape, inputs: string[], attrs: Attrs, node: IRNode, ctx: OnnxCtx): string;
  surface?: Surface;
  /** Cases for the op-level parity tests (TensorFlow.js vs onnxruntime vs PyTorch, and gradients) on random inputs. */
  examples: OpExample[];
  /** Its gradient (src/ir/passes/grad.ts calls it). An op has a vjp, or a `decompose`, or says why it has neither. */
  vjp?: Vjp;
  /**
   * The op as other IR ops, equal to its forward, for ops whose gradient is taken through that
   * form (the GRU: src/ir/passes/decompose.ts expands it before differentiation). Returns the id
   * of the node that holds the op's value.
   */
  decompose?: (b: GradBuilder, inputs: number[], attrs: Attrs) => number;
  /** Float inputs the vjp treats as constants although the op's value depends on them, each with why. */
  constantInputs?: Record<number, string>;
  /** Why the op has no gradient at all (differentiating through it is an error that says so). */
  nonDifferentiable?: string;
}

/** Uniform in [min, max), or whole numbers in min..max−1 (ties for an equality test). */
export interface ValueRange {
  min: number;
  max: number;
  integers?: boolean;
}

/** One case of the op-level tests (parity, gradients, PyTorch). */
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
  /** What random values are drawn from, per input (default: uniform in [-2, 2)); sqrt wants positive ones. */
  ranges?: Array<ValueRange | undefined>;
  /**
   * The values sit where the op is not differentiable (ties of a max): its gradient there is the
   * one TensorFlow.js takes, checked against the tape but not against finite differences.
   */
  kinks?: true;
}

/** Number of elements of a shape with the batch dimension taken as 1. */
export function sizePerSample(shape: Shape): number {
  return shape.reduce<number>((n, d) => n * (d === 'batch' ? 1 : d), 1);
}

/** `[batch, 30, 16]`: shapes written the way users write them. */
export function showShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

// What a builtin function is, and what it may ask of the elaborator when called.
import type { DiagnosticCode } from '../../diagnostics/codes.js';
import type { Span } from '../../diagnostics/span.js';
import type { Attrs, Init, ParamGroup } from '../../ir/types.js';
import type { Bound, Signature } from '../bind.js';
import type { TensorValue, Value } from '../values.js';

export interface BuiltinCtx {
  /** Add a primitive op; shape errors are reported and give the error value. */
  op(name: string, inputs: TensorValue[], attrs?: Attrs, opts?: { mask?: number | null }): Value;
  /** Declare a parameter of the current block instance (`<instance path>.<name>`). */
  param(name: string, shape: number[], init: Init, group: ParamGroup, trainable: boolean): Value;
  /** A float32 constant tensor. */
  constant(values: number[], shape: number[]): TensorValue;
  /** Report an error at the call site and return the error value. */
  error(code: DiagnosticCode, message: string, hint?: string): Value;
  span: Span;
  argSpan(name: string): Span;
}

export interface Builtin {
  name: string;
  /** One line, shown on hover and completion. */
  doc: string;
  sig: Signature;
  call(ctx: BuiltinCtx, args: Bound): Value;
}

/** Read a bound argument that the signature guarantees (after a successful bind). */
export function arg<K extends Value['kind']>(args: Bound, name: string, kind: K): Extract<Value, { kind: K }> | undefined {
  const v = args.values.get(name);
  return v && v.kind === kind ? (v as Extract<Value, { kind: K }>) : undefined;
}

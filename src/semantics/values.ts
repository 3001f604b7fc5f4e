// What an expression evaluates to while a model is elaborated. Tensors are IR nodes; numbers,
// lists and strings are compile-time constants; blocks and modules are things you can call or
// look into. `error` is the poison value after a reported error: it silences follow-on errors.
// The value types live here together: values, the checker's types, call signatures and what a
// builtin is (a new kind of value is added in this one file).
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Span } from '../diagnostics/span.js';
import type { BlockDecl } from '../syntax/ast.js';
import type { Attrs, DType, FeatureSpec, Init, ParamGroup, Shape } from '../ir/types.js';
import type { Module } from './modules.js';

export interface TensorValue {
  kind: 'tensor';
  node: number;
  shape: Shape;
  dtype: DType;
  /** For sequence tensors [batch, L, ...]: the node of their [batch, L] validity mask. */
  mask?: number;
}

export type Value =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'list'; items: Value[] }
  | { kind: 'record'; fields: Map<string, Value> }
  | TensorValue
  | { kind: 'feature'; spec: FeatureSpec; tensor?: TensorValue }
  | { kind: 'block'; decl: BlockDecl; module: Module; qualified: string }
  | { kind: 'builtin'; builtin: Builtin }
  | { kind: 'module'; module: Module; alias: string }
  | { kind: 'symbol'; name: string } // a bare option name in a settings context (`auc`, `bce`)
  | { kind: 'error' };

/** The checker's types (a parameter's declared type). */
export type Type =
  | { kind: 'tensor' | 'int' | 'float' | 'bool' | 'string' | 'feature' | 'block' | 'any' }
  | { kind: 'list'; elem: Type };

export interface ParamSig {
  name: string;
  type: Type;
  /** Has a default: may be left out. */
  optional: boolean;
  /** Only by name (attributes of variadic builtins: `concat(a, b, axis: 1)`). */
  namedOnly?: boolean;
}

export interface Signature {
  /** How the callee is named in messages, e.g. `poso.mlp`. */
  name: string;
  params: ParamSig[];
  /** Extra positional arguments are collected into a list under this name (e.g. `concat`). */
  variadic?: { name: string; type: Type };
}

/** An argument of a call, evaluated. */
export interface ArgValue {
  name?: { name: string; span: Span };
  value: Value;
  span: Span;
}

/** A call's arguments bound to its signature. */
export interface Bound {
  values: Map<string, Value>;
  spans: Map<string, Span>;
  variadic: Array<{ value: Value; span: Span }>;
}

/** What a builtin may ask of the elaborator when called. */
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

export const ERROR: Value = { kind: 'error' };

export function int(value: number): Value {
  return { kind: 'int', value };
}

/** The type of a value as the user reads it: `int`, `tensor[batch, 64]`, `[int]`. */
export function describe(v: Value): string {
  switch (v.kind) {
    case 'tensor':
      return `tensor[${v.shape.join(', ')}]`;
    case 'feature':
      return v.tensor ? `feature ${v.spec.name}: tensor[${v.tensor.shape.join(', ')}]` : `label column ${v.spec.name}`;
    case 'list':
      return v.items.length === 0 ? '[]' : `[${describe(v.items[0]!)}]`;
    case 'block':
      return `block ${v.qualified}`;
    case 'builtin':
      return `builtin ${v.builtin.name}`;
    case 'module':
      return `module ${v.alias}`;
    case 'symbol':
      return `name ${v.name}`;
    case 'record':
      return 'record';
    default:
      return v.kind;
  }
}

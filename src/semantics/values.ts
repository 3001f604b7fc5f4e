// What an expression evaluates to while a model is elaborated. Tensors are IR nodes; numbers,
// lists and strings are compile-time constants; blocks and modules are things you can call or
// look into. `error` is the poison value after a reported error: it silences follow-on errors.
import type { BlockDecl } from '../syntax/ast.js';
import type { DType, FeatureSpec, Shape } from '../ir/types.js';
import type { Module } from './modules.js';
import type { Builtin } from './builtins/builtin.js';

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

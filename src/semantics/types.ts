// The checker's types and how a value is made to fit one (a feature used as a tensor becomes its
// embedding; an int where a float is wanted becomes a float).
import type { TypeExpr } from '../syntax/ast.js';
import { describe, type TensorValue, type Type, type Value } from './values.js';

export const T = {
  tensor: { kind: 'tensor' } as Type,
  int: { kind: 'int' } as Type,
  float: { kind: 'float' } as Type,
  bool: { kind: 'bool' } as Type,
  string: { kind: 'string' } as Type,
  feature: { kind: 'feature' } as Type,
  block: { kind: 'block' } as Type,
  any: { kind: 'any' } as Type,
  list: (elem: Type): Type => ({ kind: 'list', elem }),
};

export function typeFromAst(t: TypeExpr | undefined): Type {
  if (!t) return T.any;
  if (t.name === 'list') return T.list(typeFromAst(t.elem));
  return { kind: t.name } as Type;
}

/** A type as written in a block's parameter list (`tensor`, `[int]`); `any` when none is written. */
export function typeExprText(t: TypeExpr | undefined): string {
  return !t ? 'any' : t.name === 'list' ? `[${typeExprText(t.elem)}]` : t.name;
}

export function showType(t: Type): string {
  return t.kind === 'list' ? `[${showType(t.elem)}]` : t.kind;
}

/** The tensor a value stands for, if it stands for one. */
export function asTensor(v: Value): TensorValue | undefined {
  if (v.kind === 'tensor') return v;
  if (v.kind === 'feature') return v.tensor;
  return undefined;
}

/** Make `v` fit `t`, or say why it does not. */
export function coerce(v: Value, t: Type): { ok: true; value: Value } | { ok: false; found: string } {
  if (v.kind === 'error') return { ok: true, value: v };
  switch (t.kind) {
    case 'any':
      return { ok: true, value: v };
    case 'tensor': {
      const tv = asTensor(v);
      return tv ? { ok: true, value: tv } : { ok: false, found: describe(v) };
    }
    case 'float':
      if (v.kind === 'float') return { ok: true, value: v };
      if (v.kind === 'int') return { ok: true, value: { kind: 'float', value: v.value } };
      return { ok: false, found: describe(v) };
    case 'block':
      return v.kind === 'block' || v.kind === 'builtin' ? { ok: true, value: v } : { ok: false, found: describe(v) };
    case 'list': {
      if (v.kind !== 'list') return { ok: false, found: describe(v) };
      const items: Value[] = [];
      for (const item of v.items) {
        const r = coerce(item, t.elem);
        if (!r.ok) return { ok: false, found: `a list containing ${r.found}` };
        // An item already reported makes the whole list the error value, which its readers pass on
        // silently: `[dim(x), units]` with a bad `units` is not also a shape `[4, NaN]`.
        if (r.value.kind === 'error') return r;
        items.push(r.value);
      }
      return { ok: true, value: { kind: 'list', items } };
    }
    default:
      return v.kind === t.kind ? { ok: true, value: v } : { ok: false, found: describe(v) };
  }
}

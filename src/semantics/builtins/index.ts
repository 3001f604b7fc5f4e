// Every builtin function of the language: op surfaces from the op registry (one file per op),
// plus the builtins that need more than a surface.
import { OPS } from '../../ops/registry.js';
import { T } from '../types.js';
import type { Builtin, TensorValue, Type, Value } from '../values.js';
import { numberBuiltins } from './numbers.js';
import { paramBuiltin } from './param.js';
import { tensorBuiltins } from './tensors.js';

function attrType(t: 'int' | 'float' | 'bool' | 'string' | '[int]'): Type {
  return t === '[int]' ? T.list(T.int) : T[t];
}

/** A builtin for each op that declares a surface: `relu(x)`, `concat(a, b, axis: -1)`. */
function surfaceBuiltins(): Builtin[] {
  const out: Builtin[] = [];
  for (const op of Object.values(OPS)) {
    const s = op.surface;
    if (!s) continue;
    const attrs = s.attrs ?? [];
    const variadic = s.inputs === 'variadic';
    out.push({
      name: s.name,
      doc: s.doc,
      sig: {
        name: s.name,
        params: [
          ...(variadic ? [] : (s.inputs as string[]).map((name) => ({ name, type: T.tensor, optional: false }))),
          ...attrs.map((a) => ({ name: a.name, type: attrType(a.type), optional: a.default !== undefined, namedOnly: variadic })),
        ],
        ...(variadic ? { variadic: { name: 'inputs', type: T.tensor } } : {}),
      },
      call(ctx, args) {
        const inputs = variadic
          ? args.variadic.map((a) => a.value as TensorValue)
          : (s.inputs as string[]).map((n) => args.values.get(n) as TensorValue);
        if (inputs.some((i) => i.kind !== 'tensor')) return { kind: 'error' };
        if (variadic && inputs.length === 0) return ctx.error('REC3002', `${s.name} needs at least one tensor`);
        const attrValues: Record<string, number | boolean | string | number[]> = {};
        for (const a of attrs) {
          const v: Value | undefined = args.values.get(a.name);
          if (v === undefined) {
            if (a.default !== undefined) attrValues[a.name] = a.default;
          } else if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'string') attrValues[a.name] = v.value;
          else if (v.kind === 'list') attrValues[a.name] = v.items.map((i) => (i.kind === 'int' ? i.value : 0));
        }
        return ctx.op(op.name, inputs, attrValues);
      },
    });
  }
  return out;
}

/** Every builtin by name: a table made once, never changed. */
const BUILTINS: ReadonlyMap<string, Builtin> = new Map([...surfaceBuiltins(), paramBuiltin, ...numberBuiltins, ...tensorBuiltins].map((b) => [b.name, b]));

/** All builtins by name. */
export function builtins(): ReadonlyMap<string, Builtin> {
  return BUILTINS;
}

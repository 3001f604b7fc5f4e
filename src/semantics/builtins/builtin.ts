// Reading the arguments of a builtin's call (what a builtin is: values.ts).
import type { Bound, Value } from '../values.js';

/** Read a bound argument that the signature guarantees (after a successful bind). */
export function arg<K extends Value['kind']>(args: Bound, name: string, kind: K): Extract<Value, { kind: K }> | undefined {
  const v = args.values.get(name);
  return v && v.kind === kind ? (v as Extract<Value, { kind: K }>) : undefined;
}

// Values as reuse sees them. A block call replays a template when its arguments have the same key
// (block-memo.ts); a model-level `let` takes what it built last time when the names it reads have
// the same key (let-records.ts). A key is what evaluation can see of values: their kinds, shapes,
// dtypes and compile-time contents, with each node written as its slot (the first node met is slot
// 0, …), so two keys are equal exactly when the values differ by a renaming of their nodes, and the
// two slot lists give that renaming. Blocks and modules are numbered by the syntax they hold: a
// module is made again by each analysis, its tree only when its file changed.
import type { TensorValue, Value } from './values.js';

/**
 * Numbers for the syntax trees of blocks and modules in keys (their identity, in a string), and
 * the keys of values that hold no node, each worked out once (the `let`s of a model read the same
 * few block and module values again and again).
 */
export class Ids {
  private readonly ids = new WeakMap<object, number>();
  private readonly plain = new WeakMap<Value, string>();
  private readonly specs = new WeakMap<object, string>();
  private next = 0;
  of(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.next++));
    return id;
  }

  /** A feature's spec as a string (each analysis makes its features again). */
  specKey(spec: object): string {
    let k = this.specs.get(spec);
    if (k === undefined) this.specs.set(spec, (k = JSON.stringify(spec)));
    return k;
  }

  /** The key of a value that holds no node (not a tensor, a feature with one, a list or a record), else undefined. */
  plainKey(v: Value): string | undefined {
    let k = this.plain.get(v);
    if (k === undefined) {
      k = plainKey(v, this);
      if (k !== undefined) this.plain.set(v, k);
    }
    return k;
  }
}

function plainKey(v: Value, ids: Ids): string | undefined {
  switch (v.kind) {
    case 'int':
    case 'float':
      return `${v.kind[0]}${Object.is(v.value, -0) ? '-0' : v.value}`;
    case 'bool':
      return v.value ? 'T' : 'F';
    case 'string':
      return JSON.stringify(v.value);
    case 'symbol':
      return `s${v.name}`;
    case 'feature':
      return v.tensor ? undefined : `f${ids.specKey(v.spec)}`;
    case 'block':
      return `b${ids.of(v.decl)}${v.qualified}`;
    case 'builtin':
      return `B${v.builtin.name}`;
    case 'module':
      return `M${ids.of(v.module.ast)}${v.alias}`;
    case 'error':
      return 'E';
    default:
      return undefined;
  }
}

/** A key and the nodes its slots stand for. */
export interface Keyed {
  key: string;
  slots: number[];
}

/**
 * The key of `values` (an undefined one is a name not defined), its node slots appended to
 * `slots`; undefined when one of them is `opaque` (something the caller cannot stand for).
 */
export function valueKey(values: ReadonlyArray<Value | undefined>, ids: Ids, slots: number[] = [], opaque?: (v: Value) => boolean): Keyed | undefined {
  const slotOf = (node: number) => {
    let s = slots.indexOf(node);
    if (s < 0) s = slots.push(node) - 1;
    return s;
  };
  const tensor = (t: TensorValue) => `t${slotOf(t.node)}${t.dtype}[${t.shape.join()}]${t.mask === undefined ? '' : `m${slotOf(t.mask)}`}`;
  const key = (v: Value | undefined): string | undefined => {
    if (v === undefined) return '-';
    if (opaque?.(v)) return undefined;
    switch (v.kind) {
      case 'tensor':
        return tensor(v);
      case 'list': {
        const items: string[] = [];
        for (const x of v.items) {
          const s = key(x);
          if (s === undefined) return undefined;
          items.push(s);
        }
        return `[${items.join(';')}]`;
      }
      case 'record': {
        const parts: string[] = [];
        for (const [k, x] of v.fields) {
          const s = key(x);
          if (s === undefined) return undefined;
          parts.push(`${k}=${s}`);
        }
        return `{${parts.join(';')}}`;
      }
      case 'feature':
        return v.tensor ? `f${ids.specKey(v.spec)}${tensor(v.tensor)}` : ids.plainKey(v);
      default:
        return ids.plainKey(v);
    }
  };
  const parts: string[] = [];
  for (const v of values) {
    const s = key(v);
    if (s === undefined) return undefined;
    parts.push(s);
  }
  return { key: parts.join('|'), slots };
}

/** Whether `v`, or a value in a list or record of it, is one that `p` picks. */
export function holds(v: Value, p: (v: Value) => boolean): boolean {
  if (p(v)) return true;
  if (v.kind === 'list') return v.items.some((x) => holds(x, p));
  if (v.kind === 'record') for (const x of v.fields.values()) if (holds(x, p)) return true;
  return false;
}

/** `v` with each node id mapped by `f`; undefined when `f` maps one to undefined. */
export function mapNodes(v: Value, f: (id: number) => number | undefined): Value | undefined {
  switch (v.kind) {
    case 'tensor': {
      const node = f(v.node);
      const mask = v.mask === undefined ? undefined : f(v.mask);
      if (node === undefined || (v.mask !== undefined && mask === undefined)) return undefined;
      const t: TensorValue = { kind: 'tensor', node, shape: v.shape, dtype: v.dtype };
      if (mask !== undefined) t.mask = mask;
      return t;
    }
    case 'list': {
      const items: Value[] = [];
      for (const x of v.items) {
        const r = mapNodes(x, f);
        if (!r) return undefined;
        items.push(r);
      }
      return { kind: 'list', items };
    }
    case 'record': {
      const fields = new Map<string, Value>();
      for (const [k, x] of v.fields) {
        const r = mapNodes(x, f);
        if (!r) return undefined;
        fields.set(k, r);
      }
      return { kind: 'record', fields };
    }
    case 'feature': {
      if (!v.tensor) return v;
      const tensor = mapNodes(v.tensor, f) as TensorValue | undefined;
      return tensor && { kind: 'feature', spec: v.spec, tensor };
    }
    default:
      return v;
  }
}

// What a model-level `let` built, kept for the next analysis of the same file: the language server
// analyses a spec again on every keystroke, and most `let`s of a large model build exactly what
// they built last time. A record is taken instead of evaluating the `let` when evaluating it would
// give the same thing:
//
// - the builder holds as many nodes, parameters and instances as it did before the `let` then
//   (so the nodes it would make get the same ids),
// - every name its expression reads has the same value (a tensor: the same node id, shape, dtype
//   and mask; evaluation reads nothing else of the nodes it is given),
// - its parameter names are free,
// - and it reported nothing. A diagnostic can depend on more than the values read: a "did you mean"
//   lists every name in scope, and a report already made is not repeated. A record that reported
//   something is taken only while everything before it is unchanged (the elaborator's prefix).
//
// When only the ids differ (a `let` before it now makes more or fewer nodes), the record is
// renumbered instead (relocate()): its own nodes take the ids from where the builder is now, and
// the nodes it reads the ids the names hold now.
//
// A record's nodes hold the spans of the syntax tree; an edit before the `let` moves them in place
// (syntax/reparse.ts), so a record taken after an edit has the spans of the current text.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { BuildMark, BuildSlice } from '../ir/builder.js';
import type { BlockInstance, IRNode } from '../ir/types.js';
import { sameShape } from '../ops/shapes.js';
import type { BlockDecl, Expr } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';
import type { Value } from './values.js';

export interface LetRecord {
  /** What the `let` added to the builder. */
  built: BuildSlice;
  diagnostics: Diagnostic[];
  /** Calls to report() while it was evaluated, deduplicated ones included. */
  reports: number;
  /**
   * The names the expression reads, each once: the same array in every record of the `let` (its
   * expression is the same syntax node), worked out when it was first evaluated.
   */
  names: readonly string[];
  /** The values of `names` then (undefined: not defined). */
  values: Array<Value | undefined>;
  value: Value;
  /** Every block expanded while it was evaluated (replays included): an edit of one makes it stale. */
  entered: Set<BlockDecl>;
}

const isClean = (r: LetRecord): boolean => r.reports === 0 && r.value.kind !== 'error';

/**
 * The records of a `let` to keep for the next analysis: the one of this analysis, and of the
 * earlier ones the last with a value and the last without. Typing goes back and forth between
 * the two: a name half typed poisons every `let` after it (each gives the error value without
 * reporting), the name completed brings their values back. And with a value, the last one whose
 * nodes start elsewhere: an edit that makes more or fewer nodes before the `let` (a new `let`, a
 * block's body) moves its nodes; undone, that record fits as it is, instead of every node of
 * every `let` after the edit being renumbered again.
 */
export function keep(now: LetRecord, earlier: LetRecord[] | undefined): LetRecord[] {
  // Taken as it was, alone: the usual case, kept as it is.
  if (earlier?.length === 1 && earlier[0] === now) return earlier;
  const out = [now];
  const good = earlier?.find((r) => r !== now && isClean(r));
  const bad = earlier?.find((r) => r !== now && !isClean(r));
  if (good && !isClean(now)) out.push(good);
  if (bad && isClean(now)) out.push(bad);
  const elsewhere = isClean(now) ? earlier?.find((r) => r !== now && isClean(r) && r.built.from.nodes !== now.built.from.nodes) : undefined;
  if (elsewhere) out.push(elsewhere);
  return out;
}

/** The names an expression reads (the root of `poso.gate` is `poso`), each once. */
export function freeNames(e: Expr): string[] {
  const seen = new Set<string>();
  const walk = (x: Expr): void => (x.kind === 'Name' ? void seen.add(x.name) : forEachChild(x, walk));
  walk(e);
  return [...seen];
}

const featureKey = (spec: object) => JSON.stringify(spec);

/**
 * Whether evaluation could tell the two values apart: their node ids equal, or with `ids` mapped
 * through it (an id seen first is bound; the same old id must stand for the same new one
 * everywhere). Modules and features are made again by each analysis, so they are compared by
 * what they are, not by identity. Written with loops: it runs for every value every `let` reads.
 */
function alike(a: Value | undefined, b: Value | undefined, ids?: IdMap): boolean {
  if (!a || !b || a.kind !== b.kind) return a === b;
  switch (a.kind) {
    case 'tensor': {
      const t = b as typeof a;
      return a.dtype === t.dtype && sameShape(a.shape, t.shape) && sameNode(a.node, t.node, ids) && sameNode(a.mask, t.mask, ids);
    }
    case 'int':
    case 'float':
    case 'bool':
    case 'string':
      return a.value === (b as typeof a).value;
    case 'symbol':
      return a.name === (b as typeof a).name;
    case 'list': {
      const l = b as typeof a;
      if (a.items.length !== l.items.length) return false;
      for (let i = 0; i < a.items.length; i++) if (!alike(a.items[i], l.items[i], ids)) return false;
      return true;
    }
    case 'record': {
      const r = b as typeof a;
      if (a.fields.size !== r.fields.size) return false;
      for (const [k, v] of a.fields) if (!alike(v, r.fields.get(k), ids)) return false;
      return true;
    }
    case 'feature': {
      const f = b as typeof a;
      return featureKey(a.spec) === featureKey(f.spec) && alike(a.tensor, f.tensor, ids);
    }
    case 'block': {
      const k = b as typeof a;
      return a.decl === k.decl && a.qualified === k.qualified && a.module.path === k.module.path;
    }
    case 'module': {
      const m = b as typeof a;
      return a.alias === m.alias && a.module.path === m.module.path && a.module.ast === m.module.ast;
    }
    case 'builtin':
      return a.builtin === (b as typeof a).builtin;
    case 'error':
      return true;
  }
}

/** Whether node `was` (or no node) is `is`: equal, or bound to it in `ids` (bound now if new). */
function sameNode(was: number | undefined, is: number | undefined, ids: IdMap | undefined): boolean {
  if (was === undefined || is === undefined || !ids) return was === is;
  const had = mapped(ids, was);
  if (had !== undefined) return had === is;
  ids.was.push(was);
  ids.is.push(is);
  return true;
}

/** Whether evaluation could tell the two values apart (the same node ids). */
function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  return a === b || alike(a, b);
}

/** Whether every value is one evaluation could not tell from the one at its place in `was`. */
export function sameValues(now: ReadonlyArray<Value | undefined>, was: ReadonlyArray<Value | undefined>): boolean {
  for (let i = 0; i < now.length; i++) if (!sameValue(now[i], was[i])) return false;
  return true;
}

/**
 * Node ids a record read, each with the id its name holds now: a `let` reads few tensors, so two
 * short lists searched in turn (a Map per `let` was a good part of resuming's garbage).
 */
export interface IdMap {
  was: number[];
  is: number[];
}

/** The id `was` maps to, or undefined. */
function mapped(ids: IdMap, was: number): number | undefined {
  const k = ids.was.indexOf(was);
  return k < 0 ? undefined : ids.is[k];
}

/**
 * How the ids of the nodes a record reads map to the nodes the names hold now, when the values
 * are the same but for their ids (nodes before the `let` were added or removed), or undefined.
 */
export function matchInputs(r: LetRecord, now: ReadonlyArray<Value | undefined>): IdMap | undefined {
  const ids: IdMap = { was: [], is: [] };
  for (let i = 0; i < now.length; i++) if (!alike(r.values[i], now[i], ids)) return undefined;
  return ids;
}

/**
 * The record as the same `let` would build it starting at `at`: its own nodes numbered from
 * there, the nodes it reads renumbered by `ids` (from matchInputs). Undefined when one of its
 * nodes reads a node that `ids` does not place (then the `let` is evaluated again).
 */
export function relocate(r: LetRecord, at: BuildMark, ids: IdMap, now: Array<Value | undefined>): LetRecord | undefined {
  const start = r.built.from.nodes;
  const end = start + r.built.nodes.length;
  const shift = at.nodes - start;
  let lost = false;
  const id = (x: number): number => {
    if (x >= start && x < end) return x + shift;
    const y = mapped(ids, x);
    if (y === undefined) lost = true;
    return y ?? x;
  };
  const nodes = r.built.nodes.map((n) => moved(n, shift, id));
  const value = renumber(r.value, id);
  if (lost) return undefined;
  return {
    built: {
      from: at,
      nodes,
      params: r.built.params,
      // Instances and parameters hold only the `let`'s own nodes: moved with them, if at all.
      paramNodeIds: shift === 0 ? r.built.paramNodeIds : r.built.paramNodeIds.map((x) => x + shift),
      instances: shift === 0 ? r.built.instances : r.built.instances.map((i): BlockInstance => ({ path: i.path, block: i.block, depth: i.depth, span: i.span, params: i.params, nodes: i.nodes.map((x) => x + shift) })),
      heads: r.built.heads,
    },
    diagnostics: [],
    reports: 0,
    names: r.names,
    values: now,
    value,
    entered: r.entered,
  };
}

/** Node `n` with its id moved by `shift` and its inputs renumbered by `id`: `n` itself when neither changes it. */
function moved(n: IRNode, shift: number, id: (x: number) => number): IRNode {
  const inputs = n.inputs.length === 0 ? n.inputs : n.inputs.map(id);
  if (shift === 0 && inputs.every((x, i) => x === n.inputs[i])) return n;
  // Written out, not spread: one shape for every node (as GraphBuilder makes them) is much faster.
  return { id: n.id + shift, op: n.op, inputs, attrs: n.attrs, dtype: n.dtype, shape: n.shape, span: n.span, trace: n.trace, scope: n.scope };
}

function renumber(v: Value, id: (x: number) => number): Value {
  switch (v.kind) {
    case 'tensor':
      return { ...v, node: id(v.node), ...(v.mask !== undefined ? { mask: id(v.mask) } : {}) };
    case 'list':
      return { kind: 'list', items: v.items.map((x) => renumber(x, id)) };
    case 'record':
      return { kind: 'record', fields: new Map([...v.fields].map(([k, x]) => [k, renumber(x, id)])) };
    case 'feature':
      return v.tensor ? { ...v, tensor: renumber(v.tensor, id) as typeof v.tensor } : v;
    default:
      return v;
  }
}

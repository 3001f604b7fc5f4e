// What a model-level `let` built, kept for the next analysis of the same file: the language server
// analyses a spec again on every keystroke, and most `let`s of a large model build exactly what
// they built last time. A record is taken instead of evaluating the `let` when evaluating it would
// give the same thing:
//
// - the builder holds as many nodes, parameters and instances as it did before the `let` then
//   (so the nodes it would make get the same ids),
// - every name its expression reads has the same value: the same key, and the same nodes in its
//   slots (value-key.ts; evaluation reads nothing of the nodes it is given but their ids, shapes,
//   dtypes and masks),
// - its parameter names are free,
// - and it reported nothing. A diagnostic can depend on more than the values read: a "did you mean"
//   lists every name in scope, and a report already made is not repeated. A record that reported
//   something is taken only while everything before it is unchanged (the elaborator's prefix).
//
// When only the ids differ (the same key, other nodes in its slots: a `let` before it now makes
// more or fewer nodes), the record is renumbered instead (relocate()): its own nodes take the ids
// from where the builder is now, and the nodes it reads the ids the names hold now.
//
// A record's nodes hold the spans of the syntax tree; an edit before the `let` moves them in place
// (syntax/reparse.ts), so a record taken after an edit has the spans of the current text.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { BuildMark, BuildSlice } from '../ir/builder.js';
import { renumbered } from '../ir/renumber.js';
import type { BlockInstance } from '../ir/types.js';
import { sameShape } from '../ops/shapes.js';
import type { BlockDecl, Expr } from '../syntax/ast.js';
import { forEachChild } from '../syntax/visit.js';
import { mapNodes, valueKey, type Ids, type Keyed } from './value-key.js';
import type { TensorValue, Value } from './values.js';

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
  /** The values of `names` then. */
  read: Read;
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

/**
 * The values a `let` read (undefined: a name not defined), and their key, worked out when first
 * asked for: a `let` taken as it was gives the value it gave before, the very object, so the
 * `let`s after it that read it most often see the same objects again and need no key.
 */
export class Read {
  private keyed: Keyed | undefined;
  constructor(
    readonly values: ReadonlyArray<Value | undefined>,
    readonly ids: Ids,
  ) {}
  get key(): Keyed {
    return (this.keyed ??= valueKey(this.values, this.ids)!);
  }
}

/**
 * Whether the record read what the names hold now: the same key and the same nodes in its slots.
 * Value by value first, without keys: the same object, the same tensor (node, shape, dtype and
 * mask), or the same key of a value without nodes. A list or a record needs the whole key.
 */
export function sameRead(r: LetRecord, now: Read): boolean {
  const was = r.read.values;
  let i = 0;
  for (; i < was.length; i++) {
    const same = sameValue(was[i], now.values[i], now.ids);
    if (same === false) return false;
    if (same === undefined) break;
  }
  if (i === was.length) return true;
  const [a, b] = [r.read.key, now.key];
  if (a.key !== b.key) return false;
  for (let i = 0; i < a.slots.length; i++) if (a.slots[i] !== b.slots[i]) return false;
  return true;
}

function sameValue(x: Value | undefined, y: Value | undefined, ids: Ids): boolean | undefined {
  if (x === y) return true;
  if (!x || !y || x.kind !== y.kind) return false;
  if (x.kind === 'tensor') return sameTensor(x, y as TensorValue);
  if (x.kind === 'feature') {
    const f = y as typeof x;
    return ids.specKey(x.spec) === ids.specKey(f.spec) && (x.tensor && f.tensor ? sameTensor(x.tensor, f.tensor) : x.tensor === f.tensor);
  }
  const k = ids.plainKey(x);
  return k === undefined ? undefined : k === ids.plainKey(y);
}

const sameTensor = (a: TensorValue, b: TensorValue) => a.node === b.node && a.mask === b.mask && a.dtype === b.dtype && sameShape(a.shape, b.shape);

/**
 * The record as the same `let` would build it starting at `at`, having read `now` (the same key,
 * other nodes): its own nodes numbered from there, the nodes it read renumbered to those in the
 * same slots now. Undefined when the key differs, or when one of its nodes reads a node that no
 * slot places (then the `let` is evaluated again).
 */
export function relocate(r: LetRecord, at: BuildMark, now: Read): LetRecord | undefined {
  const [was, is] = [r.read.key, now.key];
  if (was.key !== is.key) return undefined;
  const start = r.built.from.nodes;
  const end = start + r.built.nodes.length;
  const shift = at.nodes - start;
  let lost = false;
  const id = (x: number): number => {
    if (x >= start && x < end) return x + shift;
    const k = was.slots.indexOf(x);
    if (k < 0) lost = true;
    return k < 0 ? x : is.slots[k]!;
  };
  const nodes = r.built.nodes.map((n) => renumbered(n, n.id + shift, id));
  const value = mapNodes(r.value, id)!;
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
    read: now,
    value,
    entered: r.entered,
  };
}

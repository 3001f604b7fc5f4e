// Pass (serving graph): a row-wise function of a looked-up row, computed once per table row.
// When an embedding lookup `gather(T, ids)` feeds only row-wise arithmetic with weights
// (matmuls by a [K, N] weight, element-wise ops with constants, activations) before its result
// meets anything else, then f(gather(T, ids)) = gather(f(T), ids): the function applied to every
// row of the table once, and its rows looked up. In the ONNX graph f(T) reads initializers only,
// so onnxruntime computes it when the session loads (constant folding) and each request pays one
// Gather instead of f. POSO's gates are this shape: 2·σ(MLP(pc)) of a personalization code
// embedding, one MLP per gated layer, which at batch 1024 are ~17 % of the POSO-MLP reference's
// multiply-adds and at batch 1 a third of its nodes. Each element is computed by the same ops on
// the same values as before, only for every row instead of the batch's; row 0, the padding row,
// maps to what a padding id looked up before.
//
// The graph as written keeps every trained weight as its own initializer (the serving contract:
// initializers named after the IR parameters): the folded tables are computed in the graph, not
// stored in it. A table is folded only while its folded rows stay small (FOLD_BUDGET values), so a
// large id table is never multiplied out in memory.
import type { IRGraph, IRNode } from '../types.js';
import { readersOf, referencedNodes } from '../reach.js';
import { withNodes } from '../renumber.js';
import { prune } from './prune.js';

/** At most this many float32 values (4 MiB) of folded rows per table lookup. */
export const FOLD_BUDGET = 1 << 20;

const UNARY = new Set(['relu', 'sigmoid', 'tanh', 'exp', 'sqrt', 'gelu']);
const BINARY = new Set(['add', 'sub', 'mul', 'div']);

/**
 * The graph with row-wise functions of lookups from parameter tables folded into the tables.
 * `given`: nodes whose values the caller provides (an entry's inputs): never constant, never
 * folded.
 */
export function foldLookups(g: IRGraph, given: ReadonlySet<number>): IRGraph {
  const constant = constants(g, given);
  const readers = readersOf(g);
  const roots = new Set(referencedNodes(g));
  // region: node id → the lookup it is a row-wise function of
  const region = new Map<number, IRNode>();
  for (const n of g.nodes) {
    if (given.has(n.id)) continue;
    const lookup = lookupOf(g, n, region, constant);
    if (lookup) region.set(n.id, lookup);
  }
  // a region's frontier: members read by something outside the region, or an output
  const frontier = new Map<IRNode, number[]>();
  for (const [id, lookup] of region) {
    if (id === lookup.id) continue; // a lookup read as it is stays as it is
    const leaves = readers[id]!.some((c) => region.get(c) !== lookup) || roots.has(id);
    if (leaves) (frontier.get(lookup) ?? frontier.set(lookup, []).get(lookup)!).push(id);
  }
  const folded = new Set<number>();
  for (const [lookup, ids] of frontier) {
    const rows = g.nodes[lookup.inputs[0]!]!.shape[0] as number;
    const width = ids.reduce((s, id) => s + (g.nodes[id]!.shape.at(-1) as number), 0);
    if (rows * width <= FOLD_BUDGET) for (const id of ids) folded.add(id);
  }
  if (folded.size === 0) return g;

  // Rebuild in order: before a folded node, its function of the table (clones of its region's
  // members, over the table's rows); the node itself becomes the lookup of that.
  const nodes: IRNode[] = [];
  const at = new Map<number, number>();
  const clones = new Map<number, number>();
  const emit = (n: Omit<IRNode, 'id'>): number => {
    nodes.push({ ...n, id: nodes.length });
    return nodes.length - 1;
  };
  const cloneOf = (id: number, lookup: IRNode): number => {
    if (id === lookup.id) return at.get(lookup.inputs[0]!)!; // the table itself
    if (region.get(id) !== lookup) return at.get(id)!; // a constant operand
    const done = clones.get(id);
    if (done !== undefined) return done;
    const n = g.nodes[id]!;
    const inputs = n.inputs.map((i) => cloneOf(i, lookup));
    const rows = g.nodes[lookup.inputs[0]!]!.shape[0]!;
    const clone = emit({ ...n, inputs, shape: [rows, n.shape.at(-1)!] });
    clones.set(id, clone);
    return clone;
  };
  for (const n of g.nodes) {
    if (folded.has(n.id)) {
      const lookup = region.get(n.id)!;
      const table = cloneOf(n.id, lookup);
      at.set(n.id, emit({ ...n, op: 'gather', inputs: [table, at.get(lookup.inputs[1]!)!], attrs: {} }));
    } else {
      at.set(n.id, emit({ ...n, inputs: n.inputs.map((i) => at.get(i)!) }));
    }
  }
  // the lookups and region members nothing reads any more are pruned
  return prune(withNodes(g, nodes, at));
}

/** The lookup `n` is a row-wise function of, if it is one (itself, for a lookup from a table). */
function lookupOf(g: IRGraph, n: IRNode, region: ReadonlyMap<number, IRNode>, constant: ReadonlySet<number>): IRNode | undefined {
  if (n.op === 'gather') {
    const table = g.nodes[n.inputs[0]!]!;
    const ids = g.nodes[n.inputs[1]!]!;
    // a lookup from a parameter table [V, D], with ids of any shape
    return constant.has(table.id) && table.op === 'param' && table.shape.length === 2 && !constant.has(ids.id) ? n : undefined;
  }
  const variable = n.inputs.filter((i) => !constant.has(i));
  const lookups = new Set(variable.map((i) => region.get(i)));
  if (variable.length === 0 || lookups.size !== 1) return undefined;
  const lookup = [...lookups][0];
  if (!lookup) return undefined;
  // row-wise: the lookup's leading (id) axes pass through, one feature axis after them
  const idAxes = lookup.shape.length - 1;
  if (n.shape.length !== lookup.shape.length || n.dtype !== 'float32') return undefined;
  if (UNARY.has(n.op)) return lookup;
  if (n.op === 'matmul') {
    const w = g.nodes[n.inputs[1]!]!;
    return !constant.has(n.inputs[0]!) && constant.has(w.id) && w.shape.length === 2 ? lookup : undefined;
  }
  if (BINARY.has(n.op)) {
    // a constant operand broadcasts along the feature axis only, never along the id axes
    const ok = n.inputs.every((i) => !constant.has(i) || g.nodes[i]!.shape.length <= n.shape.length - idAxes);
    return ok ? lookup : undefined;
  }
  return undefined;
}

/** Nodes whose value is the same for every request: parameters, constants, and ops of those. */
function constants(g: IRGraph, given: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  for (const n of g.nodes) {
    if (given.has(n.id)) continue;
    if (n.op === 'param' || n.op === 'const' || (n.op !== 'input' && n.inputs.length > 0 && n.inputs.every((i) => out.has(i)))) out.add(n.id);
  }
  return out;
}

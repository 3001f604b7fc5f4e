// Entries: named ways into one graph. An entry says which nodes the caller provides (its inputs:
// features, labels, or inner nodes after a cut) and which it wants (its outputs, and the
// objective when it trains). A lowering emits exactly the nodes its outputs reach from its
// inputs, so one graph can hold a serving entry, a training entry per stage, and the two halves
// of a cut (LiMAML's meta block and global block).
import { DEFAULT_STAGE } from './plan.js';
import type { IRGraph } from './types.js';

export interface Entry {
  /** Name → node the caller provides. Feature inputs keep their feature's name. */
  inputs: Record<string, number>;
  /** Name → node the entry computes: task predictions by task name, or any node. */
  outputs: Record<string, number>;
  /** The scalar loss node, for entries that train. */
  objective?: number;
}

/** The entry that serves predictions: every feature and support input in, every task out. */
export const SERVE = 'serve';

/**
 * The serving entry of a graph whose entries were not recorded (graphs built by hand in tests):
 * every registered input, and every task's prediction.
 */
export function serveEntry(g: Pick<IRGraph, 'inputs' | 'tasks'>): Entry {
  return { inputs: { ...g.inputs }, outputs: Object.fromEntries(g.tasks.map((t) => [t.name, t.output])) };
}

/**
 * The entry `name` of a graph: undefined when the graph has none of that name. A graph built by
 * hand without entries has `serve`, and the single stage's entry, both serving every task.
 */
export function getEntry(g: IRGraph, name: string): Entry | undefined {
  if (g.entries) return Object.hasOwn(g.entries, name) ? g.entries[name] : undefined;
  return name === SERVE || name === DEFAULT_STAGE ? serveEntry(g) : undefined;
}

/**
 * The nodes an entry computes, ascending: every node its outputs (and, with `objective`, its
 * objective) reach, walking up the inputs of each node but not past the entry's inputs.
 */
export function entryNodes(g: Pick<IRGraph, 'nodes'>, e: Entry, opts: { objective?: boolean } = {}): number[] {
  const live = liveNodes(g, e, opts);
  const out: number[] = [];
  for (let i = 0; i < live.length; i++) if (live[i]) out.push(i);
  return out;
}

/** The nodes of entryNodes() as a mask by id (1: computed), for callers that only test ids. */
export function liveNodes(g: Pick<IRGraph, 'nodes'>, e: Entry, opts: { objective?: boolean } = {}): Uint8Array {
  const n = g.nodes.length;
  const given = new Uint8Array(n);
  for (const id of Object.values(e.inputs)) if (id >= 0 && id < n) given[id] = 1;
  const live = new Uint8Array(n);
  for (const id of [...Object.values(e.outputs), ...(opts.objective && e.objective !== undefined ? [e.objective] : [])]) if (id >= 0 && id < n) live[id] = 1;
  // one sweep down the ids: a node's inputs are earlier nodes, so each is marked before it is seen
  for (let id = n - 1; id >= 0; id--) {
    if (live[id] === 0 || given[id] === 1) continue;
    const inputs = g.nodes[id]!.inputs;
    for (let k = 0; k < inputs.length; k++) live[inputs[k]!] = 1;
  }
  return live;
}

/**
 * What is wrong with an entry of `g` (verify() reports it): a node it names that does not exist,
 * or a graph input (an `input` node) its outputs need that the entry does not provide.
 */
export function entryProblems(g: Pick<IRGraph, 'nodes'>, name: string, e: Entry): string[] {
  const problems: string[] = [];
  const named = [...Object.entries(e.inputs), ...Object.entries(e.outputs), ...(e.objective !== undefined ? [['objective', e.objective] as const] : [])];
  for (const [k, id] of named) if (!(Number.isInteger(id) && id >= 0 && id < g.nodes.length)) problems.push(`entry ${name}: ${k} names node ${id}, which does not exist`);
  if (problems.length > 0) return problems;
  const given = new Set(Object.values(e.inputs));
  const live = liveNodes(g, e, { objective: true });
  for (let id = 0; id < live.length; id++) {
    const n = g.nodes[id]!;
    if (live[id] === 1 && n.op === 'input' && !given.has(id)) problems.push(`entry ${name}: needs input ${String(n.attrs.feature)} (node ${id}) but does not provide it`);
  }
  if (e.objective !== undefined && g.nodes[e.objective]!.shape.length !== 0) problems.push(`entry ${name}: the objective (node ${e.objective}) is not a scalar`);
  return problems;
}

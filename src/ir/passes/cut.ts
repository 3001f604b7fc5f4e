// Pass: cut an entry in two at one of its nodes. The head computes the node from the entry's
// inputs; the tail reads it as an input (named `as`) and computes the entry's outputs and
// objective. Run one after the other they compute what the entry did. LiMAML uses it to split a
// model at its meta embedding: the meta block's entry ends there, the global block's starts there
// (two serving artefacts). Each half keeps only the inputs it reads.
import { getEntry, liveNodes, type Entry } from '../entry.js';
import type { IRGraph } from '../types.js';

export interface CutOptions {
  /** The entry to cut (it stays as it is). */
  entry: string;
  /** The node at which to cut. */
  at: number;
  /** The name of the cut node: the head's output, the tail's input. */
  as: string;
  /** Names of the two new entries. */
  head: string;
  tail: string;
}

/** The entry's inputs that its computation reads, as a new record. */
function inputsRead(g: IRGraph, e: Entry): Record<string, number> {
  const reached = liveNodes(g, e, { objective: true });
  return Object.fromEntries(Object.entries(e.inputs).filter(([, id]) => reached[id] === 1));
}

export function cut(g: IRGraph, o: CutOptions): IRGraph {
  const source = getEntry(g, o.entry);
  if (!source) throw new Error(`internal: cut: no entry ${o.entry}`);
  if (!(o.at >= 0 && o.at < g.nodes.length)) throw new Error(`internal: cut: no node ${o.at}`);
  for (const name of [o.head, o.tail]) if (g.entries && Object.hasOwn(g.entries, name)) throw new Error(`internal: cut: entry ${name} exists`);
  if (Object.hasOwn(source.inputs, o.as) || Object.hasOwn(source.outputs, o.as)) throw new Error(`internal: cut: ${o.as} already names an input or output of ${o.entry}`);
  const head: Entry = { inputs: {}, outputs: { [o.as]: o.at } };
  head.inputs = inputsRead(g, { inputs: source.inputs, outputs: head.outputs });
  const open: Entry = { inputs: { ...source.inputs, [o.as]: o.at }, outputs: { ...source.outputs }, ...(source.objective !== undefined ? { objective: source.objective } : {}) };
  const tail: Entry = { ...open, inputs: inputsRead(g, open) };
  return { ...g, entries: { ...(g.entries ?? {}), [o.head]: head, [o.tail]: tail } };
}

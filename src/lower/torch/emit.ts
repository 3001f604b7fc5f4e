// A graph's nodes as Python functions over PyTorch tensors: P maps parameter names, X input names
// (ids int64) to tensors. emitTorchFunction returns the values of chosen nodes (the float64
// evaluator of the gradient checks); emitEntryFunction returns an entry's named outputs (the
// exported model, module.ts). Only the nodes the outputs reach are emitted, one line per op.
import { entryNodes, type Entry } from '../../ir/entry.js';
import type { IRGraph, IRNode } from '../../ir/types.js';
import { reached } from '../../ir/reach.js';
import { TORCH, type TorchForm } from './ops.js';

/** A form for one node that replaces the table's, or undefined to keep the table's. */
export type FormOverride = (n: IRNode, ins: string[]) => string | undefined;

function nodeLine(n: IRNode, override?: FormOverride): string {
  const ins = n.inputs.map((i) => `v${i}`);
  const own = override?.(n, ins);
  if (own !== undefined) return `    v${n.id} = ${own}`;
  const form: TorchForm | undefined = TORCH[n.op];
  if (!form) throw new Error(`no PyTorch form for op ${n.op}`);
  return `    v${n.id} = ${form(ins, n.attrs, n)}`;
}

export function emitTorchFunction(graph: IRGraph, outputs: number[], name = 'forward'): string {
  const lines = [`def ${name}(P, X):`];
  for (const id of reached(graph, outputs)) lines.push(nodeLine(graph.nodes[id]!));
  lines.push(`    return [${outputs.map((o) => `v${o}`).join(', ')}]`);
  return lines.join('\n');
}

/** Python text of a string (JSON's escapes are Python's for the strings recc names). */
export const pyStr = (s: string): string => JSON.stringify(s);

/**
 * `def name(P, X, sparse=())` computing an entry (`sparse`: the tables that take sparse gradients): its inputs read from X by name (a feature,
 * a label, or an inner node after a cut), a comment line where the block path changes, and a dict
 * of its outputs by name, with its objective under "/objective" (`/` is in no user's name).
 */
export function emitEntryFunction(graph: IRGraph, name: string, entry: Entry, override?: FormOverride): string {
  const lines = [`def ${name}(P, X, sparse=()):`];
  const given = new Map(Object.entries(entry.inputs).map(([k, id]) => [id, k]));
  let scope = '';
  for (const id of entryNodes(graph, entry, { objective: true })) {
    const n = graph.nodes[id]!;
    if (given.has(id) && n.op !== 'input') {
      lines.push(`    v${id} = X[${pyStr(given.get(id)!)}]`);
      continue;
    }
    if (n.scope !== scope && n.op !== 'input') {
      scope = n.scope;
      lines.push(`    # ${scope || '(model)'}`);
    }
    lines.push(nodeLine(n, override));
  }
  const outs = Object.entries(entry.outputs).map(([k, id]) => `${pyStr(k)}: v${id}`);
  if (entry.objective !== undefined) outs.push(`"/objective": v${entry.objective}`);
  lines.push(`    return {${outs.join(', ')}}`);
  return lines.join('\n');
}

// A graph's nodes as a Python function `forward(P, X)` over PyTorch tensors: P maps parameter
// names, X feature names (ids int64) to tensors; it returns the values of `outputs`, in order.
// Only the nodes the outputs reach are emitted.
import type { IRGraph } from '../../ir/types.js';
import { reached } from '../../ir/reach.js';
import { TORCH } from './ops.js';
import { TORCH_PRELUDE } from './prelude.js';

export function emitTorchFunction(graph: IRGraph, outputs: number[], name = 'forward'): string {
  const lines = [`def ${name}(P, X):`];
  for (const id of reached(graph, outputs)) {
    const n = graph.nodes[id]!;
    const form = TORCH[n.op];
    if (!form) throw new Error(`no PyTorch form for op ${n.op}`);
    lines.push(`    v${id} = ${form(n.inputs.map((i) => `v${i}`), n.attrs, n)}`);
  }
  lines.push(`    return [${outputs.map((o) => `v${o}`).join(', ')}]`);
  return lines.join('\n');
}

/** A module: the prelude, then the function. */
export function emitTorchModule(graph: IRGraph, outputs: number[]): string {
  return `${TORCH_PRELUDE}\n\n${emitTorchFunction(graph, outputs)}\n`;
}

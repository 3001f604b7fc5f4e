// The nodes some nodes depend on (themselves included), in id order: what a pruned graph keeps,
// what a lowering of chosen outputs emits.
import type { IRGraph } from './types.js';

export function reached(graph: IRGraph, roots: number[]): number[] {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...graph.nodes[id]!.inputs);
  }
  return [...seen].sort((a, b) => a - b);
}

// The padding row of feature tables. Id 0 is padding (an empty cell, the unused tail of a
// sequence, an empty support slot), and row 0 of every feature table is a constant zero vector,
// as PyTorch's `padding_idx`: it is initialised to zero (init.ts), never updated (the optimizers
// skip it, clipping ignores its gradient) and so saved as zero. A sum over a padded sequence then
// needs no mask, and a mean only the count of its items (the serving graph's lean pooling,
// src/ir/passes/lean-pooling.ts). Weights written before this rule may hold a non-zero row 0:
// they are used as they are, and the serving graph keeps their masks (zeroPaddingRow).
import type { IRGraph } from './types.js';

/** The tables whose row 0 is padding: the tables of the id, seq and bucketize features. */
export function paddedTables(graph: Pick<IRGraph, 'features'>): Set<string> {
  const out = new Set<string>();
  for (const f of graph.features) if (f.kind === 'id' || f.kind === 'seq' || f.kind === 'bucketize') out.add(f.table);
  return out;
}

/** Zero row 0 of a row-major table `width` values wide, in place. */
export function clearPaddingRow(table: Float32Array, width: number): void {
  table.fill(0, 0, Math.min(width, table.length));
}

/** True when row 0 of the table is exactly zero (both signs of zero count). */
export function zeroPaddingRow(table: Float32Array, width: number): boolean {
  for (let i = 0; i < Math.min(width, table.length); i++) if (table[i] !== 0) return false;
  return true;
}

/** The padded tables whose row 0 is zero in `weights` (those missing there are left out). */
export function zeroPaddedTables(graph: Pick<IRGraph, 'features' | 'params'>, weights: Record<string, Float32Array>): Set<string> {
  const out = new Set<string>();
  const padded = paddedTables(graph);
  for (const p of graph.params) {
    const w = weights[p.name];
    if (padded.has(p.name) && w && zeroPaddingRow(w, p.shape[1] ?? 1)) out.add(p.name);
  }
  return out;
}

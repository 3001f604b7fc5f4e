// Embedding tables whose gradient is a set of rows. A table that the graph only ever reads
// through lookups (`gather(table, ids)` with ids straight from a feature input) has a gradient
// that is zero outside the rows those ids name, so its optimizer can visit just those rows: the
// sparse update of PyTorch's SparseAdam and TensorFlow's sparse apply ops (see optimizer.ts for
// what that means for Adam). Which rows a batch touches is read from the batch's id arrays,
// before any tensor exists.
import type { IRGraph } from '../ir/types.js';

export interface SparseTable {
  param: string;
  rows: number;
  width: number;
  /** The features whose ids index the table. */
  features: string[];
}

/**
 * The trained rank-2 parameters used only as the table of `gather` nodes whose ids are a feature
 * input, among the given nodes (an entry's; by default all). Anything else (a table also multiplied, ids computed
 * by the graph) is not listed and is updated densely.
 */
export function sparseTables(
  graph: IRGraph,
  among: readonly number[] = graph.nodes.map((n) => n.id),
  trained: ReadonlySet<string> = new Set(graph.params.filter((p) => p.trainable).map((p) => p.name)),
): Map<string, SparseTable> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes = among.map((id) => graph.nodes[id]!);
  // ids must come from a declared feature: its ids are in the batch's `inputs` by that name
  const declared = new Set(graph.features.filter((f) => f.kind === 'id' || f.kind === 'seq' || f.kind === 'bucketize').map((f) => f.name));
  const paramOf = new Map<number, string>();
  for (const n of nodes) if (n.op === 'param' && typeof n.attrs.name === 'string') paramOf.set(n.id, n.attrs.name);
  const features = new Map<string, Set<string>>();
  const excluded = new Set<string>();
  for (const n of nodes) {
    n.inputs.forEach((input, slot) => {
      const name = paramOf.get(input);
      if (name === undefined) return;
      const ids = byId.get(n.inputs[1] ?? -1);
      if (n.op === 'gather' && slot === 0 && ids?.op === 'input' && typeof ids.attrs.feature === 'string' && declared.has(ids.attrs.feature)) {
        const set = features.get(name) ?? new Set<string>();
        set.add(ids.attrs.feature);
        features.set(name, set);
      } else excluded.add(name);
    });
  }
  // a parameter that is itself a task's output would be read whole
  for (const t of graph.tasks) for (const id of [t.output, t.logit]) if (paramOf.has(id)) excluded.add(paramOf.get(id)!);
  const out = new Map<string, SparseTable>();
  for (const p of graph.params) {
    const used = features.get(p.name);
    if (!trained.has(p.name) || p.shape.length !== 2 || !used || excluded.has(p.name)) continue;
    out.set(p.name, { param: p.name, rows: p.shape[0]!, width: p.shape[1]!, features: [...used].sort() });
  }
  return out;
}

/**
 * The distinct in-range ids of the table's features in this batch, ascending. `seen` is scratch
 * space of at least `table.rows` bytes, all zero on entry and on return.
 */
export function touchedRows(table: SparseTable, inputs: Record<string, ArrayLike<number>>, seen: Uint8Array): Int32Array {
  let count = 0;
  for (const f of table.features) {
    const ids = inputs[f];
    if (!ids) throw new Error(`internal: the batch has no ids for feature ${f}, which indexes ${table.param}`);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i]!;
      // out-of-range ids look up nothing (the lookup kernels give zeros) and train nothing
      if (r >= 0 && r < table.rows && seen[r] === 0) {
        seen[r] = 1;
        count++;
      }
    }
  }
  const rows = new Int32Array(count);
  let k = 0;
  for (let r = 0; r < table.rows && k < count; r++) {
    if (seen[r] === 1) {
      rows[k++] = r;
      seen[r] = 0;
    }
  }
  return rows;
}

// Pass: lookups whose rows the host gathers. Each lookup `gather(T, f)` of a listed table T by a
// feature f's ids is rewritten to read two new graph inputs instead: `rows:T`, the rows of T
// this batch touches ([n, D], n known when the graph runs), and `ids:T:f`, f's ids renumbered
// into those rows. The rest of the graph is copied onto the rewritten lookups; f itself stays an
// input wherever something else reads it (a padding mask). Differentiated with respect to
// `rows:T`, the graph gives T's gradient on the touched rows only ([n, D]), which a sparse
// optimizer applies row by row, instead of a whole-table gradient that is zero but for those
// rows (the ort backend's choice, src/train/ort/lookup-feeds.ts). The copies are appended, as
// passes/substitute.ts does; the original lookups are left unreached.
import { GraphAppender } from '../append.js';
import { reached } from '../reach.js';
import type { IRGraph } from '../types.js';

export const rowsInput = (table: string): string => `rows:${table}`;
export const idsInput = (table: string, feature: string): string => `ids:${table}:${feature}`;

export interface HostTable {
  /** The parameter's name. */
  param: string;
  width: number;
  /** The features whose ids index it. */
  features: readonly string[];
}

export interface HostLookups {
  graph: IRGraph;
  /** `outputs`, moved onto the rewritten graph. */
  outputs: number[];
  /** Per table, its `rows:T` input node. */
  rows: Map<string, number>;
}

export function hostLookups(g: IRGraph, outputs: number[], tables: readonly HostTable[]): HostLookups {
  const b = new GraphAppender(g);
  const rows = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const t of tables) {
    rows.set(t.param, b.input(rowsInput(t.param), 'float32', ['batch', t.width]));
    for (const f of t.features) {
      const feature = g.inputs[f];
      if (feature === undefined) throw new Error(`internal: ${t.param} is looked up by ${f}, which is no graph input`);
      ids.set(idsInput(t.param, f), b.input(idsInput(t.param, f), 'int32', g.nodes[feature]!.shape));
    }
  }
  const tableOf = (id: number) => {
    const n = g.nodes[id]!;
    return n.op === 'param' && rows.has(String(n.attrs.name)) ? String(n.attrs.name) : undefined;
  };
  const at = new Map<number, number>();
  for (const id of reached(g, outputs)) {
    const n = g.nodes[id]!;
    const table = n.op === 'gather' ? tableOf(n.inputs[0]!) : undefined;
    if (table !== undefined) {
      const by = g.nodes[n.inputs[1]!]!;
      const local = by.op === 'input' ? ids.get(idsInput(table, String(by.attrs.feature))) : undefined;
      if (local === undefined) throw new Error(`internal: ${table} is looked up by node ${by.id}, not by a listed feature`);
      at.set(id, b.copy(n, [rows.get(table)!, local]));
    } else if (n.inputs.some((i) => tableOf(i) !== undefined)) {
      throw new Error(`internal: node ${id} (${n.op}) reads ${tableOf(n.inputs.find((i) => tableOf(i) !== undefined)!)} other than by a lookup`);
    } else if (n.inputs.some((i) => at.has(i))) at.set(id, b.copy(n, n.inputs.map((i) => at.get(i) ?? i)));
  }
  const moved = outputs.map((o) => at.get(o) ?? o);
  const { graph, at: to } = b.finish(moved);
  return { graph, outputs: moved.map(to), rows: new Map([...rows].map(([t, id]) => [t, to(id)])) };
}

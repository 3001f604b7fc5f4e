// Pass (serving graph): pooling without padding masks where the padding is already zero.
// `sum(seq)` and `mean(seq)` of an embedded sequence are pool(gather(T, ids), mask(ids)): the
// mask multiplies every looked-up row by 0 or 1 before the sum. When row 0 of T (the padding row,
// padding-rows.ts) is zero, the padding positions already hold zero vectors, so the product
// changes nothing: a sum is a plain reduction over the sequence axis, and a mean needs the mask
// only for its count. The outputs are bit for bit the same (x·1 = x, and the padding terms are
// +0 either way); ONNX Runtime keeps the mask ops it is given (Equal → Not → Cast → Unsqueeze →
// Mul per feature, 40 of the 106 nodes of the POSO-MLP reference), and PyTorch's export, whose
// `padding_idx` rows are zero, has none. Max pooling keeps its mask: a zero vector is not
// "nothing" to a max. Training keeps the masked form, whose gradient never reaches row 0.
import type { IRGraph, IRNode } from '../types.js';
import { prune } from './prune.js';

/** The graph with masks dropped from sum and mean pooling over the tables `zeroPadded` names. */
export function leanPooling(g: IRGraph, zeroPadded: ReadonlySet<string>): IRGraph {
  let changed = false;
  const nodes = g.nodes.map((n): IRNode => {
    if (n.op !== 'pool' || (n.attrs.mode !== 'sum' && n.attrs.mode !== 'mean')) return n;
    const x = g.nodes[n.inputs[0]!]!;
    const m = g.nodes[n.inputs[1]!]!;
    const table = x.op === 'gather' ? g.nodes[x.inputs[0]!]! : undefined;
    // the mask must be that of the very ids the rows were looked up by
    if (!table || table.op !== 'param' || !zeroPadded.has(String(table.attrs.name)) || m.op !== 'mask' || m.inputs[0] !== x.inputs[1]) return n;
    changed = true;
    if (n.attrs.mode === 'sum') return { ...n, op: 'reduce', inputs: [x.id], attrs: { mode: 'sum', axis: 1, keepdims: false } };
    return { ...n, attrs: { ...n.attrs, zero_padded: true } };
  });
  // a sum's mask may now be read by nothing: prune drops it
  return changed ? prune({ ...g, nodes }) : g;
}

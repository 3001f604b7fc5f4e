// The TensorFlow.js lowering: one entry of the IR (by default `serve`) as a pure function of
// (params, inputs), each node its entry computes through its op's `tfjs` form. No tfjs-layers:
// training needs per-group optimizers and stop-gradient, and both are plain functions of this.
import type * as tfc from '@tensorflow/tfjs-core';
import { entryNodes, getEntry, SERVE } from '../../ir/entry.js';
import type { IRGraph } from '../../ir/types.js';
import { getOp } from '../../ops/registry.js';

export type Tensor = tfc.Tensor;

export interface ForwardResult {
  /** The entry's outputs by name: task predictions (probabilities, values, class probabilities). */
  outputs: Record<string, Tensor>;
  /** Scores before the output activation (what the losses take) of the tasks the entry computes. */
  logits: Record<string, Tensor>;
  /** The entry's objective, when it has one. */
  objective?: Tensor;
  /** Every computed node's value by node id (for inspection and tests; inside tf.tidy they are freed). */
  nodes: Map<number, Tensor>;
}

/** `inputs`: features by name, and any other input of the entry (an inner node after a cut) by its name. */
export type Forward = (params: Record<string, Tensor>, inputs: Record<string, Tensor>) => ForwardResult;

/**
 * `objective`: compute the entry's objective too (it reads labels: pass them as inputs). `also`:
 * nodes to compute besides the entry's outputs (a gradient graph's nodes), read from `nodes`.
 */
export function buildForward(tf: typeof tfc, graph: IRGraph, entryName = SERVE, opts: { objective?: boolean; also?: readonly number[] } = {}): Forward {
  const found = getEntry(graph, entryName);
  if (!found) throw new Error(`internal: ${graph.model} has no entry ${entryName}`);
  const entry = opts.also ? { ...found, outputs: { ...found.outputs, ...Object.fromEntries(opts.also.map((id) => [`%${id}`, id])) } } : found;
  const withObjective = !!opts.objective && entry.objective !== undefined;
  const order = entryNodes(graph, entry, { objective: withObjective });
  // entry inputs that are inner nodes (a cut) take their value by name, not through their op
  const given = new Map(Object.entries(entry.inputs).filter(([, id]) => graph.nodes[id]!.op !== 'input').map(([k, id]) => [id, k]));
  const ops = order.map((id) => {
    const op = getOp(graph.nodes[id]!.op);
    if (!op) throw new Error(`internal: no op ${graph.nodes[id]!.op}`);
    return op;
  });
  const tasks = graph.tasks.filter((t) => entry.outputs[t.name] === t.output);
  return (params, inputs) => {
    const values = new Map<number, Tensor>();
    const ctx = {
      param: (name: string) => {
        const p = params[name];
        if (!p) throw new Error(`missing weights for parameter ${name}`);
        return p;
      },
      input: (feature: string) => {
        const x = Object.hasOwn(inputs, feature) ? inputs[feature] : undefined;
        if (!x) throw new Error(`missing input for feature ${feature}`);
        return x;
      },
    };
    order.forEach((id, i) => {
      const n = graph.nodes[id]!;
      const name = given.get(id);
      values.set(id, name !== undefined ? ctx.input(name) : ops[i]!.tfjs(tf, n.inputs.map((j) => values.get(j)!), n.attrs, n, ctx));
    });
    // output and task names are the user's: records without a prototype
    const outputs: Record<string, Tensor> = Object.create(null);
    for (const [k, id] of Object.entries(found.outputs)) outputs[k] = values.get(id)!;
    const logits: Record<string, Tensor> = Object.create(null);
    for (const t of tasks) logits[t.name] = values.get(t.logit)!;
    return { outputs, logits, ...(withObjective ? { objective: values.get(entry.objective!)! } : {}), nodes: values };
  };
}

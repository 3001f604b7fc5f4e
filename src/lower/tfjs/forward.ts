// The TensorFlow.js lowering: the IR as a pure function of (params, inputs), each node through
// its op's `tfjs` form. No tfjs-layers: training needs per-group optimizers and stop-gradient,
// and both are plain functions of this.
import type * as tfc from '@tensorflow/tfjs-core';
import type { IRGraph } from '../../ir/types.js';
import { getOp } from '../../ops/registry.js';

export type Tensor = tfc.Tensor;

export interface ForwardResult {
  /** Task predictions: probabilities (binary), values, class probabilities. */
  outputs: Record<string, Tensor>;
  /** Task scores before the output activation (what the losses take). */
  logits: Record<string, Tensor>;
  /** Every node's value by node id (for inspection and tests; inside tf.tidy they are freed). */
  nodes: Map<number, Tensor>;
}

export type Forward = (params: Record<string, Tensor>, inputs: Record<string, Tensor>) => ForwardResult;

export function buildForward(tf: typeof tfc, graph: IRGraph): Forward {
  const ops = graph.nodes.map((n) => {
    const op = getOp(n.op);
    if (!op) throw new Error(`internal: no op ${n.op}`);
    return op;
  });
  return (params, inputs) => {
    const values = new Map<number, Tensor>();
    const ctx = {
      param: (name: string) => {
        const p = params[name];
        if (!p) throw new Error(`missing weights for parameter ${name}`);
        return p;
      },
      input: (feature: string) => {
        const x = inputs[feature];
        if (!x) throw new Error(`missing input for feature ${feature}`);
        return x;
      },
    };
    graph.nodes.forEach((n, i) => {
      values.set(n.id, ops[i]!.tfjs(tf, n.inputs.map((j) => values.get(j)!), n.attrs, n, ctx));
    });
    const outputs: Record<string, Tensor> = {};
    const logits: Record<string, Tensor> = {};
    for (const t of graph.tasks) {
      outputs[t.name] = values.get(t.output)!;
      logits[t.name] = values.get(t.logit)!;
    }
    return { outputs, logits, nodes: values };
  };
}

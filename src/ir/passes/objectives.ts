// Pass: the losses as graph nodes. For every task, its label input and its loss (loss ops,
// src/ops: bce_logits, mse_loss, softmax_ce, hinge_pairs) reduced to a scalar; for every stage of
// the plan, its entry's objective, the weighted sum of its tasks' losses, and the inputs that sum
// reads. Every backend then takes the loss from the graph. Nodes are appended; nothing before
// them changes, so the serving entry lowers exactly as before.
import { getEntry, serveEntry, SERVE, type Entry } from '../entry.js';
import { planOf } from '../plan.js';
import { labelInput, pairInputs } from '../task-inputs.js';
import type { Attrs, DType, IRGraph, IRNode, Shape, TaskSpec } from '../types.js';
import { getOp } from '../../ops/registry.js';

export function objectives(g: IRGraph): IRGraph {
  const nodes = [...g.nodes];
  const inputs = { ...g.inputs };
  const add = (op: string, ins: number[], attrs: Attrs, like: IRNode): number => {
    const r = getOp(op)!.infer(ins.map((i) => ({ shape: nodes[i]!.shape, dtype: nodes[i]!.dtype })), attrs);
    if ('error' in r) throw new Error(`internal: objectives: ${op}: ${r.error}`);
    nodes.push({ id: nodes.length, op, inputs: ins, attrs, dtype: r.dtype, shape: r.shape, span: like.span, trace: like.trace, scope: like.scope });
    return nodes.length - 1;
  };
  const input = (name: string, dtype: DType, shape: Shape, like: IRNode): number => {
    const existing = inputs[name];
    if (existing !== undefined) return existing;
    const id = add('input', [], { feature: name, dtype, shape: shape.map((d) => (d === 'batch' ? -1 : d)) }, like);
    inputs[name] = id;
    return id;
  };
  const loss = (t: TaskSpec): number => {
    if (t.objective !== undefined) return t.objective;
    const at = nodes[t.logit]!;
    if (t.loss === 'hinge') {
      const [pos, neg] = pairInputs(t.name).map((n) => input(n, 'int32', ['batch'], at));
      return add('hinge_pairs', [t.logit, pos!, neg!], {}, at);
    }
    const y = input(labelInput(t.name), 'float32', ['batch'], at);
    const op = { bce: 'bce_logits', mse: 'mse_loss', softmax_ce: 'softmax_ce' }[t.loss];
    return add('batch_mean', [add(op, [t.logit, y], {}, at)], {}, at);
  };
  const tasks = g.tasks.map((t) => ({ ...t, objective: loss(t) }));
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const entries: Record<string, Entry> = { ...(g.entries ?? { [SERVE]: serveEntry(g) }) };
  for (const stage of planOf(g).stages) {
    const e = getEntry({ ...g, entries }, stage.entry) ?? serveEntry(g);
    if (e.objective !== undefined) continue;
    // Σ weight · loss, in task order: ((l₁·w₁) + l₂·w₂) + …
    let total: number | undefined;
    const read: Record<string, number> = {};
    for (const name of stage.tasks) {
      const t = byName.get(name)!;
      const like = nodes[t.objective]!;
      const term = add('mul', [t.objective, add('const', [], { value: [t.weight], shape: [] }, like)], {}, like);
      total = total === undefined ? term : add('add', [total, term], {}, like);
      // a task that brings its own objective (next_item) reads no label input
      for (const n of t.loss === 'hinge' ? pairInputs(name) : [labelInput(name)]) if (inputs[n] !== undefined) read[n] = inputs[n];
      Object.assign(read, t.inputs ?? {});
    }
    if (total === undefined) continue;
    entries[stage.entry] = { ...e, inputs: { ...e.inputs, ...read }, objective: total };
  }
  return { ...g, nodes, inputs, tasks, entries };
}

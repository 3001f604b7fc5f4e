// The ONNX graphs an onnxruntime training stage runs. The step graph: the stage entry's objective
// (ir/passes/objectives.ts), each task's loss, and the gradient of the objective with respect to
// every trained parameter (the GRU expanded first, ir/passes/decompose.ts; then the IR gradient
// pass, ir/passes/grad.ts), lowered with lowerFunction. Trained parameters are graph inputs (the
// runner feeds its typed arrays each step); frozen ones are initializers. The predict graph: the
// entry's outputs from the features (a next_item task's evaluation node instead), trained
// parameters again as inputs. Tables listed as gathered
// on the host are read through `rows:T` and `ids:T:f` inputs (ir/passes/host-lookups.ts), and
// their gradient output holds the gathered rows' gradients only.
import { getEntry } from '../../ir/entry.js';
import { decomposeWithIds } from '../../ir/passes/decompose.js';
import { grad } from '../../ir/passes/grad.js';
import { hostLookups, idsInput, rowsInput, type HostTable } from '../../ir/passes/host-lookups.js';
import type { StagePlan } from '../../ir/plan.js';
import type { IRGraph } from '../../ir/types.js';
import { lowerFunction } from '../../lower/onnx/function.js';

export const LOSS = 'loss';
const taskLoss = (task: string) => `loss:${task}`;
const gradOf = (param: string) => `grad:${param}`;
export const outputOf = (task: string) => `out:${task}`;

export interface StepGraph<T extends HostTable = HostTable> {
  bytes: Uint8Array;
  /** Trained parameters a gradient reaches, and the output that holds it. */
  grads: Array<{ param: string; output: string }>;
  /** Each task's loss output, for naming the one that diverged. */
  tasks: Array<{ task: string; output: string }>;
  /** The tables gathered on the host: their rows input and, per feature, its renumbered ids input. */
  gathered: Array<{ table: T; rows: string; ids: Array<{ feature: string; input: string }> }>;
}

/** Weights of the parameters that stay as they are in the stage (initializers). */
export function frozenWeights(graph: IRGraph, trained: ReadonlySet<string>, weights: Record<string, Float32Array>): Record<string, Float32Array> {
  return Object.fromEntries(graph.params.filter((p) => !trained.has(p.name) && weights[p.name]).map((p) => [p.name, weights[p.name]!]));
}

/** `host`: trained lookup-only tables whose rows the runner gathers (ort/lookup-feeds.ts). */
export function stepGraph<T extends HostTable>(graph: IRGraph, stage: StagePlan, trained: ReadonlySet<string>, weights: Record<string, Float32Array>, host: readonly T[] = []): StepGraph<T> {
  const objective = getEntry(graph, stage.entry)?.objective;
  if (objective === undefined) throw new Error(`internal: stage ${stage.name} has no objective`);
  const { graph: expanded, at } = decomposeWithIds(graph);
  const scored = graph.tasks.filter((t) => t.objective !== undefined);
  const looked = hostLookups(expanded, [at(objective), ...scored.map((t) => at(t.objective!))], host);
  const [loss, ...taskLosses] = looked.outputs;
  const hosted = new Set(host.map((t) => t.param));
  const wrt = [
    ...looked.graph.nodes.filter((n) => n.op === 'param' && trained.has(String(n.attrs.name)) && !hosted.has(String(n.attrs.name))).map((n) => ({ param: String(n.attrs.name), node: n.id })),
    ...host.map((t) => ({ param: t.param, node: looked.rows.get(t.param)! })),
  ];
  const r = grad(looked.graph, loss!, wrt.map((w) => w.node));
  const outputs: Record<string, number> = { [LOSS]: loss! };
  const tasks = scored.map((t, k) => ({ task: t.name, output: taskLoss(t.name), node: taskLosses[k]! }));
  for (const t of tasks) outputs[t.output] = t.node;
  const grads: StepGraph<T>['grads'] = [];
  wrt.forEach(({ param }, k) => {
    const g = r.grads[k];
    if (g === undefined) return;
    grads.push({ param, output: gradOf(param) });
    outputs[gradOf(param)] = g;
  });
  const bytes = lowerFunction(r.graph, { outputs, weights: frozenWeights(graph, trained, weights), name: `${graph.model}.${stage.name}.step` });
  const gathered = host.map((table) => ({ table, rows: rowsInput(table.param), ids: table.features.map((feature) => ({ feature, input: idsInput(table.param, feature) })) }));
  return { bytes, grads, tasks: tasks.map(({ task, output }) => ({ task, output })), gathered };
}

export function predictGraph(graph: IRGraph, stage: StagePlan, trained: ReadonlySet<string>, weights: Record<string, Float32Array>): Uint8Array {
  const entry = getEntry(graph, stage.entry);
  if (!entry) throw new Error(`internal: stage ${stage.name} has no entry ${stage.entry}`);
  // a next_item task is evaluated from its per-row loss (semantics/next-item.ts), as on TensorFlow.js
  const evaluatedBy = new Map(graph.tasks.flatMap((t) => (t.evaluation !== undefined ? [[t.name, t.evaluation] as const] : [])));
  const outputs = Object.fromEntries(Object.entries(entry.outputs).map(([task, node]) => [outputOf(task), evaluatedBy.get(task) ?? node]));
  return lowerFunction(graph, { outputs, weights: frozenWeights(graph, trained, weights), name: `${graph.model}.${stage.name}.predict` });
}

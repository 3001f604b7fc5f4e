// The TensorFlow.js training backend for one stage: the stage's entry as a forward function over
// tf.Variables (trainable only where the stage trains them), one fused optimizer per group, and
// the supervised step (or MAML's, maml-step.ts); a model with a meta block predicts adapted.
import { randomUUID } from 'node:crypto';
import type * as tfc from '@tensorflow/tfjs-core';
import { emptyDataset } from '../data/preprocess.js';
import { entryNodes, getEntry } from '../ir/entry.js';
import { paddedTables } from '../ir/padding-rows.js';
import { buildForward } from '../lower/tfjs/forward.js';
import { evaluationForward, predict } from './evaluate.js';
import { groupOptimizers, optimizerSnapshot } from './group-optimizers.js';
import { mamlTraining } from './maml-step.js';
import { adaptedPredictions } from './meta-embed.js';
import type { RunnerInit, StageRunner } from './runner.js';
import { sparseTables } from './sparse-tables.js';
import { divergedTask, supervisedStep, type SupervisedStep } from './supervised-step.js';

type TF = typeof tfc;

export function tfjsRunner(tf: TF, init: RunnerInit): StageRunner {
  const { graph, stage } = init;
  const entry = getEntry(graph, stage.entry);
  if (!entry) throw new Error(`internal: stage ${stage.name} has no entry ${stage.entry}`);
  const nodes = entryNodes(graph, entry);
  const reads = new Set(nodes.flatMap((id) => (graph.nodes[id]!.op === 'param' ? [String(graph.nodes[id]!.attrs.name)] : [])));
  const params = graph.params.filter((p) => reads.has(p.name));
  const trains = new Set(stage.trainable);
  // Row 0 of feature tables is padding: a constant zero no optimizer moves (ir/padding-rows.ts).
  const padded = paddedTables(graph);
  const optimizers = groupOptimizers(init, params, padded);
  // Unique per runner: tfjs registers variables by name, and runs may share a process.
  const prefix = `${randomUUID()}:`;
  const vars: Record<string, tfc.Variable> = Object.create(null); // parameter names are the user's
  for (const p of params) {
    const w = init.weights[p.name];
    if (!w) throw new Error(`internal: no weights for ${p.name}`);
    const value = tf.tensor(w, p.shape);
    vars[p.name] = tf.variable(value, trains.has(p.name), `${prefix}${p.name}`);
    value.dispose(); // the variable holds the buffer now
  }
  // Lookup-only embedding tables: their optimizer visits the rows the batch touched (sparse-tables.ts).
  const sparse = sparseTables(graph, nodes, trains);
  // next_item tasks are evaluated from their per-row loss (semantics/next-item.ts)
  const { forward: outputs, instead } = evaluationForward(tf, graph, stage.entry);
  const maml = stage.step.kind === 'maml' ? mamlTraining(tf, graph, stage) : undefined;
  // a model with a meta block is scored adapted, whatever the stage's step (train.ts)
  const adapted = graph.meta ? adaptedPredictions(tf, graph, stage, init.adaptOn ?? emptyDataset()) : undefined;
  const s: SupervisedStep = {
    forward: buildForward(tf, graph, stage.entry, { objective: true }),
    tasks: graph.tasks,
    vars,
    trained: stage.trainable.map((n) => vars[n]!),
    nameOf: new Map(params.map((p) => [vars[p.name]!.name, p.name])),
    optimizers,
    sparse,
    seen: new Uint8Array(Math.max(0, ...[...sparse.values()].map((t) => t.rows))),
    padded,
    seed: stage.settings.seed,
    ...(stage.settings.clipNorm ? { clipNorm: stage.settings.clipNorm } : {}),
  };
  return {
    step: (batch, step) => (maml ? maml.step(s, batch, step) : supervisedStep(tf, s, batch, step)),
    diverged: (batch, step) => (maml ? 'the query loss of the batch\'s tasks' : divergedTask(tf, s, batch, step)),
    predict: (ds) => (adapted ? adapted(vars, ds) : predict(tf, outputs, vars, ds, 4096, instead)),
    weights: () => Object.fromEntries(params.map((p) => [p.name, Float32Array.from(vars[p.name]!.dataSync())])),
    optimizerState: (step) => optimizerSnapshot(optimizers, params, step),
    dispose() {
      for (const v of Object.values(vars)) v.dispose();
    },
  };
}

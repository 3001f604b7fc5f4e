// One supervised optimizer step on TensorFlow.js: the stage's objective (the weighted sum of its
// tasks' losses, a node of the graph: ir/passes/objectives.ts) on a batch, its gradients once over
// every trained parameter, global-norm clipping, then each group's optimizer applies its own
// learning rate to its own parameters (embedding tables sparsely, to the rows the batch touched).
// The unit a MAML step (LiMAML) replaces.
import type * as tfc from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/preprocess.js';
import type { TaskSpec } from '../ir/types.js';
import type { Forward } from '../lower/tfjs/forward.js';
import { clipByGlobalNorm } from './clip-norm.js';
import { batchTensors } from './evaluate.js';
import type { FusedOptimizer, ParamUpdate } from './fused-optimizer.js';
import { touchedRows, type SparseTable } from './sparse-tables.js';
import { taskTensors } from './task-tensors.js';

type TF = typeof tfc;

export interface SupervisedStep {
  /** The stage entry's forward pass; its objective is the loss. */
  forward: Forward;
  tasks: readonly TaskSpec[];
  vars: Record<string, tfc.Variable>;
  /** The variables trained, in parameter declaration order (the gradient and clipping order). */
  trained: tfc.Variable[];
  /** Variable name → parameter name. */
  nameOf: Map<string, string>;
  /** One optimizer per group, with the parameters it updates and its learning rate at a step. */
  optimizers: Array<{ optimizer: FusedOptimizer; params: Set<string>; lr: (step: number) => number }>;
  sparse: Map<string, SparseTable>;
  /** Scratch for touchedRows: at least as long as the largest sparse table. */
  seen: Uint8Array;
  /** Tables whose row 0 is padding: its gradient does not count towards clipping. */
  padded: ReadonlySet<string>;
  clipNorm?: number;
  /** The stage's seed (sampled negatives are drawn from it and the step). */
  seed: number;
}

/** Features, labels and pairs of a batch, as the entry's inputs. */
function stepInputs(tf: TF, s: Pick<SupervisedStep, 'tasks' | 'seed'>, batch: Dataset, step: number): Record<string, tfc.Tensor> {
  return { ...batchTensors(tf, batch), ...taskTensors(tf, s.tasks, batch, { seed: s.seed, step }) };
}

/** One step; returns the loss before it (nothing is updated when it is not finite). */
export function supervisedStep(tf: TF, s: SupervisedStep, batch: Dataset, step: number): number {
  return tf.tidy(() => {
    const inputs = stepInputs(tf, s, batch, step);
    const { value, grads } = tf.variableGrads(() => s.forward(s.vars, inputs).objective as tfc.Scalar, s.trained);
    const loss = value.dataSync()[0]!;
    if (!Number.isFinite(loss)) return loss;
    const clipped = s.clipNorm ? clipByGlobalNorm(tf, grads, s.clipNorm, (k) => s.padded.has(s.nameOf.get(k)!)).grads : grads;
    for (const o of s.optimizers) {
      const mine: ParamUpdate[] = [];
      for (const [varName, grad] of Object.entries(clipped)) {
        const name = s.nameOf.get(varName)!;
        if (!o.params.has(name)) continue;
        const table = s.sparse.get(name);
        mine.push({ name, variable: s.vars[name]!, grad, rows: table ? touchedRows(table, batch.inputs, s.seen) : undefined });
      }
      if (mine.length > 0) o.optimizer.apply(tf, mine, o.lr(step));
    }
    return loss;
  });
}

/** The task whose loss is not finite on this batch. */
export function divergedTask(tf: TF, s: Pick<SupervisedStep, 'forward' | 'tasks' | 'vars' | 'seed'>, batch: Dataset, step: number): string {
  return tf.tidy(() => {
    const { nodes } = s.forward(s.vars, stepInputs(tf, s, batch, step));
    for (const t of s.tasks) {
      const l = nodes.get(t.objective!)!.dataSync()[0]!;
      if (!Number.isFinite(l)) return `task \`${t.name}\` (${t.loss} loss ${l})`;
    }
    return 'the weighted sum of the task losses';
  });
}

// What a training backend gives the loop for one stage: a step, predictions, and its weights and
// optimizer state for checkpoints. The loop (loop.ts) knows nothing else of the backend, nor of
// the kind of step it runs; tfjs-runner.ts is the TensorFlow.js one, ort-runner.ts the
// onnxruntime one (whose session runs asynchronously: a runner may return promises).
import type { Dataset } from '../data/preprocess.js';
import type { IRGraph } from '../ir/types.js';
import type { StagePlan } from '../ir/plan.js';
import type { NamedTensor } from '../io/safetensors.js';
import type { OptimizerState } from './checkpoint.js';
import type { Schedule } from './schedule.js';

/** One optimizer's state for a checkpoint: what `state.optimizer[group]` lists, and the slot tensors. */
export interface OptimizerSnapshot {
  groups: Record<string, { kind: string; lr: number; step: number; slots: string[] }>;
  /** `<parameter>/<slot>` → tensor. */
  slots: Record<string, NamedTensor>;
}

export interface RunnerInit {
  /** The stage's view of the graph (plan.ts stageGraph). */
  graph: IRGraph;
  stage: StagePlan;
  /** Weights of (at least) every parameter the stage's entry reads. */
  weights: Record<string, Float32Array>;
  /** Optimizer state by group, when resuming inside the stage. */
  optimizers?: Record<string, OptimizerState>;
  schedule: Schedule;
  /** A MAML stage's evaluation: the support rows its test tasks adapt on before their query rows are scored. */
  adaptOn?: Dataset;
}

export interface StageRunner {
  /**
   * One optimizer step on a batch, as the stage's step kind defines it, at optimizer step `step`
   * (0-based, for the learning-rate schedule). Returns the loss before the update; when it is not
   * finite nothing was updated.
   */
  step(batch: Dataset, step: number): number | Promise<number>;
  /** Which part of the loss is not finite on this batch, for the error message. */
  diverged(batch: Dataset, step: number): string | Promise<string>;
  /** The entry's outputs for every row (binary: probability; regression: value; multiclass: n × C). */
  predict(ds: Dataset): Record<string, Float32Array> | Promise<Record<string, Float32Array>>;
  /** Copies of the current weights of the parameters the runner holds. */
  weights(): Record<string, Float32Array>;
  optimizerState(step: number): OptimizerSnapshot;
  dispose(): void;
}

/** Problems restoring optimizer state into a stage: a saved group the stage does not have. */
export function unknownSavedGroups(saved: Record<string, OptimizerState>, stage: StagePlan): string[] {
  const mine = new Set(stage.optimizers.map((o) => o.group));
  // A group saved without slots or steps (a group with nothing to train) carries nothing.
  return Object.entries(saved)
    .filter(([g, s]) => !mine.has(g) && (s.step > 0 || Object.keys(s.slots).length > 0))
    .map(([g]) => `the checkpoint holds optimizer state for group \`${g}\`, which stage \`${stage.name}\` does not train`);
}

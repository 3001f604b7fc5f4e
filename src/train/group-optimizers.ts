// A stage's optimizers, one per parameter group, with their learning rate at a step and, when
// resuming inside the stage, their saved state; and the snapshot a checkpoint records. Shared by
// the training backends (tfjs-runner.ts, ort-runner.ts).
import type { IRGraph } from '../ir/types.js';
import { FusedOptimizer } from './fused-optimizer.js';
import { unknownSavedGroups, type OptimizerSnapshot, type RunnerInit } from './runner.js';
import { learningRate } from './schedule.js';
import { TrainError } from './train-error.js';

export interface GroupOptimizer {
  group: string;
  optimizer: FusedOptimizer;
  params: Set<string>;
  lr: (step: number) => number;
}

/** The stage's optimizers, restored from `init.optimizers` when given (a TrainError when they do not fit). */
export function groupOptimizers(init: RunnerInit, params: IRGraph['params'], padded: ReadonlySet<string>): GroupOptimizer[] {
  const optimizers = init.stage.optimizers.map((o) => ({ group: o.group, optimizer: new FusedOptimizer(o.spec, padded), params: new Set(o.params), lr: (step: number) => learningRate(o.spec.lr, step, init.schedule) }));
  if (init.optimizers) {
    const problems = unknownSavedGroups(init.optimizers, init.stage);
    const sizes = Object.fromEntries(params.map((p) => [p.name, p.shape.reduce((a, d) => a * d, 1)]));
    for (const o of optimizers) {
      const s = init.optimizers[o.group];
      if (!s) continue;
      problems.push(...o.optimizer.load(s.slots, s.step, sizes).map((p) => `the ${o.group} optimizer: ${p}`));
    }
    if (problems.length > 0) throw new TrainError(`the checkpoint's optimizer state does not fit the spec:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return optimizers;
}

/** Every group's state at optimizer step `step`, for a checkpoint. */
export function optimizerSnapshot(optimizers: readonly GroupOptimizer[], params: IRGraph['params'], step: number): OptimizerSnapshot {
  const shapes = Object.fromEntries(params.map((p) => [p.name, p.shape]));
  const out: OptimizerSnapshot = { groups: {}, slots: {} };
  for (const o of optimizers) {
    const mine = o.optimizer.slots(shapes);
    Object.assign(out.slots, mine);
    out.groups[o.group] = { kind: o.optimizer.spec.kind, lr: o.lr(step), step: o.optimizer.step, slots: Object.keys(mine) };
  }
  return out;
}

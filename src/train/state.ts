// Where a run starts: afresh (seeded weights for every parameter, the first stage, step 0), or
// from the checkpoint in its output directory (its weights, the stage it was in, its step, epoch
// and batch, and that stage's optimizer state).
import { join } from 'node:path';
import type { TrainPlan } from '../ir/plan.js';
import type { IRGraph } from '../ir/types.js';
import { initWeights } from '../lower/tfjs/init.js';
import { CHECKPOINT, loadCheckpoint, optimizerStates, tableSizes, type OptimizerState, type TrainState } from './checkpoint.js';
import { startFromPretrained, type Pretrained } from './pretrained.js';
import { TrainError } from './train-error.js';

export interface RunStart {
  state: TrainState;
  /** Every parameter's weights. */
  weights: Record<string, Float32Array>;
  /** The index in the plan of the stage to run first. */
  stage: number;
  /** That stage's optimizer state, when resuming inside it. */
  optimizers?: Record<string, OptimizerState>;
}

/** A fresh state at the start of a stage (step 0 of its first epoch), after `before` if any. */
export function stageState(graph: IRGraph, plan: TrainPlan, index: number, before?: TrainState): TrainState {
  const named = plan.stages.length > 1;
  return {
    ...(named ? { stage: plan.stages[index]!.name } : {}),
    step: 0,
    ...(before ? { doneSteps: (before.doneSteps ?? 0) + before.step } : {}),
    epoch: 0,
    batchInEpoch: 0,
    seed: graph.train.seed,
    model: graph.model,
    tables: tableSizes(graph),
    losses: before?.losses ?? [],
    history: before?.history ?? [],
  };
}

/** A run's start from another run's weights (pretrained.ts), else afresh. */
function freshStart(graph: IRGraph, plan: TrainPlan, o: { log: (line: string) => void; pretrained?: Pretrained }): RunStart {
  const weights = initWeights(graph, graph.train.seed);
  if (!o.pretrained) return { state: stageState(graph, plan, 0), weights, stage: 0 };
  const r = startFromPretrained(graph, plan, weights, o.pretrained);
  if ('error' in r) throw new TrainError(r.error);
  const reshaped = r.reshaped.length === 0 ? '' : `; ${r.reshaped.length} of another shape start fresh (${r.reshaped.slice(0, 3).join('; ')}${r.reshaped.length > 3 ? '; …' : ''})`;
  o.log(`starting${plan.stages.length > 1 ? ` at stage ${plan.stages[r.stage]!.name}` : ''} from ${o.pretrained.file}: ${r.loaded} parameter tensors loaded by name${reshaped}${r.ignored > 0 ? `, ${r.ignored} of the file's not in this spec` : ''}`);
  return { state: stageState(graph, plan, r.stage), weights: r.weights, stage: r.stage };
}

export function startRun(graph: IRGraph, plan: TrainPlan, o: { outDir: string; resume: boolean; log: (line: string) => void; pretrained?: Pretrained }): RunStart {
  if (!o.resume) return freshStart(graph, plan, o);
  const ck = loadCheckpoint(o.outDir, graph);
  if (ck && 'error' in ck) throw new TrainError(ck.error);
  if (!ck) {
    o.log('no checkpoint to resume from: starting afresh');
    return freshStart(graph, plan, o);
  }
  const fresh = { weights: initWeights(graph, graph.train.seed) };
  const stage = ck.state.stage === undefined ? 0 : plan.stages.findIndex((s) => s.name === ck.state.stage);
  if (stage < 0) throw new TrainError(`${join(o.outDir, CHECKPOINT)} was written in stage \`${ck.state.stage}\`, which the spec does not have (its stages: ${plan.stages.map((s) => s.name).join(', ')})`);
  const saved = optimizerStates(ck);
  if ('error' in saved) throw new TrainError(saved.error);
  const weights = { ...fresh.weights, ...Object.fromEntries(Object.entries(ck.weights).map(([k, v]) => [k, v.data])) };
  const s = ck.state;
  o.log(`resuming from step ${s.step}${s.stage !== undefined ? ` of stage ${s.stage}` : ''} (epoch ${s.epoch + 1}, batch ${s.batchInEpoch})`);
  return { state: s, weights, stage, optimizers: saved.groups };
}

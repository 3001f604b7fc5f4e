// The training plan: how a program trains, as data. A list of stages run in order; each names
// the entry it trains (its objective is that entry's), which parameters it trains (the rest of
// the entry's are frozen), the optimizer of each trained parameter, its step kind and its
// batching, and its settings (batch, epochs, data, split, metrics, schedule …). Each stage starts
// from the previous stage's weights, by parameter name. A spec without stages is a plan of one
// stage named `train`. The front end builds it (src/semantics/plan.ts); the trainer runs it.
import type { IRGraph, OptimizerSpec, ParamGroup, TrainSpec } from './types.js';

/** The name of the single stage of a spec that declares none (and of its entry). */
export const DEFAULT_STAGE = 'train';

/** The parameters of one group that one optimizer trains in a stage. */
export interface OptimizerAssignment {
  group: ParamGroup;
  spec: OptimizerSpec;
  /** Parameter names, in declaration order. */
  params: string[];
}

/**
 * What one optimizer step does: a supervised step on a batch of rows, or MAML's (LiMAML, Alg. 2a):
 * per task, `steps` SGD steps of `lr` on the parameters of group `group` over the task's support
 * rows, then the outer step on the query rows (train/maml-step.ts).
 */
export type StepKind =
  | { kind: 'supervised' }
  /** `lrScale`: the factor the stage's optimizer learning rates were scaled by (tasks_per_batch / lr_tasks), for the log. */
  | { kind: 'maml'; group: ParamGroup; steps: number; lr: number; order: 'first' | 'second'; lrScale?: number };

/**
 * How a stage forms batches: shuffled rows, or shuffled tasks (the rows sharing a value of `key`,
 * in data order), `perBatch` tasks a batch, each split into its first `support` fraction of rows
 * (the support set) and the rest (the query set).
 */
export type Batching = { kind: 'rows' } | { kind: 'tasks'; key: string; perBatch: number; support: number };

export interface StagePlan {
  name: string;
  /** The entry it trains; its objective is the stage's loss. */
  entry: string;
  /** The tasks it trains and evaluates: the model's tasks and the stage's own. */
  tasks: string[];
  /** The entry's parameters that this stage trains; the entry's other parameters stay as they are. */
  trainable: string[];
  /** Parameters of the entry that this stage does not train. */
  frozen: string[];
  /** One optimizer per group that has trainable parameters; together they cover `trainable` once. */
  optimizers: OptimizerAssignment[];
  step: StepKind;
  batching: Batching;
  settings: TrainSpec;
}

export interface TrainPlan {
  stages: StagePlan[];
}

/** Number of values of each parameter, by name. */
export function paramSizes(params: ReadonlyArray<{ name: string; shape: number[] }>): Map<string, number> {
  return new Map(params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
}

/**
 * The plan of a graph: the one the front end built, or, for a graph built by hand without one, a
 * single stage over the serving tasks that trains every parameter declared trainable, each with
 * its declared group's optimizer (else `dense`'s).
 */
export function planOf(g: Pick<IRGraph, 'plan' | 'params' | 'tasks' | 'train'>): TrainPlan {
  if (g.plan) return g.plan;
  const trainable = g.params.filter((p) => p.trainable).map((p) => p.name);
  const byGroup = new Map<string, string[]>();
  for (const p of g.params) {
    if (!p.trainable) continue;
    const group = Object.hasOwn(g.train.optimizer, p.group) ? p.group : 'dense';
    (byGroup.get(group) ?? byGroup.set(group, []).get(group)!).push(p.name);
  }
  const stage: StagePlan = {
    name: DEFAULT_STAGE,
    entry: DEFAULT_STAGE,
    tasks: g.tasks.map((t) => t.name),
    trainable,
    frozen: g.params.filter((p) => !p.trainable).map((p) => p.name),
    optimizers: [...byGroup].map(([group, params]) => ({ group, spec: g.train.optimizer[group]!, params })),
    step: { kind: 'supervised' },
    batching: { kind: 'rows' },
    settings: g.train,
  };
  return { stages: [stage] };
}

/** The graph as one stage sees it: its tasks only, its settings as the `train` section. */
export function stageGraph(g: IRGraph, stage: StagePlan): IRGraph {
  const tasks = new Set(stage.tasks);
  return { ...g, tasks: g.tasks.filter((t) => tasks.has(t.name)), train: stage.settings };
}

/** The graph as serving sees it: the last stage's view (its tasks are the `serve` entry's outputs). */
export function servingGraph(g: IRGraph): IRGraph {
  const plan = planOf(g);
  return stageGraph(g, plan.stages[plan.stages.length - 1]!);
}

// The IR: the contract between the front end and the lowerings. A model is a graph of primitive
// ops (src/ops/) with inferred shapes, parameters declared with stable path names, the features
// that feed it, and the tasks it predicts. Plain data: it serialises to JSON for snapshots.
import type { Span } from '../diagnostics/span.js';
import type { Expr } from '../syntax/ast.js';
import type { Entry } from './entry.js';
import type { MetaSpec } from './meta.js';
import type { TrainPlan } from './plan.js';

export type DType = 'float32' | 'int32';
/** A dimension: a number, or the batch dimension (always axis 0 when present). */
export type Dim = number | 'batch';
export type Shape = Dim[];
export type AttrValue = number | string | boolean | number[] | string[];
export type Attrs = Record<string, AttrValue>;

export interface IRNode {
  id: number;
  op: string; // a key of the op registry
  inputs: number[]; // ids of earlier nodes
  attrs: Attrs;
  dtype: DType;
  shape: Shape;
  /** The user's text that made this node: the call site in the model (never inside stdlib). */
  span: Span;
  /** Call stack from the model down to the innermost expression (stdlib lines included). */
  trace: Span[];
  /** Path of the block instance that created it, e.g. `trunk.gate0`; '' at the model level. */
  scope: string;
}

export type Init =
  | { kind: 'glorot_uniform'; fanIn: number; fanOut: number }
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; limit: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number };

/**
 * A parameter group's name. Every parameter is declared in one group: `embedding` (feature
 * tables), `dense` (the default) or any name a block gives (`param(…, group: "patch")`); a spec
 * adds groups of its own by path patterns (`groups: { net: net.* }`), and each group may have its
 * own optimizer (PEPNet §2.3) or be frozen in a stage.
 */
export type ParamGroup = string;

/** The groups every model has: feature tables, and everything else. */
export const BUILTIN_GROUPS = ['embedding', 'dense'] as const;

export interface ParamDecl {
  /** Stable path name, e.g. `trunk.gate0.dense1.kernel`; checkpoints are keyed by it. */
  name: string;
  shape: number[];
  init: Init;
  group: ParamGroup;
  /**
   * As declared: false for `param(…, trainable: false)`. Whether a parameter trains is decided
   * per stage by the training plan (plan.ts), which starts from this.
   */
  trainable: boolean;
  span: Span;
}

/** Categorical ids come from a vocabulary, or from hashing into buckets. */
export type IdSource =
  | { kind: 'vocab'; values: string[]; file?: string }
  | { kind: 'hash'; buckets: number };

/**
 * Id convention for every embedded feature: row 0 is padding (masked out of pooling and
 * attention), row 1 is out-of-vocabulary for vocabularies, and real values start at 1 (hash,
 * bucket) or 2 (vocabulary). See src/data/preprocess.ts.
 */
export type FeatureSpec =
  | { kind: 'id'; name: string; column: string; source: IdSource; dim: number; table: string; rows: number }
  | {
      kind: 'seq';
      name: string;
      column: string;
      source: IdSource;
      dim: number;
      table: string; // own table, or the table of the feature it shares
      rows: number;
      maxLen: number;
      sep: string;
    }
  | { kind: 'bucketize'; name: string; column: string; boundaries: number[]; dim: number; table: string; rows: number }
  | { kind: 'dense'; name: string; column: string; size: number }
  | { kind: 'label'; name: string; column: string };

/**
 * A support set (CMML §2, §3.2): for each sample, the earlier samples of the same task (rows with
 * the same `key` value, in data order), the most recent `size` of them, oldest first, left-aligned
 * and padded. Each support item is the pair of its `items` features and its label. The graph
 * reads it from the inputs `<name>.<item>` ([batch, size] ids or [batch, size, n] values, encoded
 * like the item feature), `<name>.label` ([batch, size]) and `<name>.mask` ([batch, size], 1 for
 * an item, 0 for padding). See src/data/support.ts.
 */
export interface SupportSpec {
  name: string;
  /** The column whose value names the task (a scenario, a user). */
  key: string;
  size: number;
  /** Names of the model's features that make up a support item (id, bucketize or dense). */
  items: string[];
  /** The label of each support item: a label expression, like a task's. */
  label: Expr;
}

export type LossKind = 'bce' | 'mse' | 'hinge' | 'softmax_ce';
export type TaskKind = 'binary' | 'regression' | 'multiclass' | 'next_item';

export interface TaskSpec {
  name: string;
  kind: TaskKind;
  classes: number; // 1 for binary and regression
  /** A safe expression over label columns (src/data/label-expr.ts evaluates it). */
  label: Expr;
  loss: LossKind;
  weight: number;
  /** The node holding the prediction: probability (binary), value, or class probabilities. */
  output: number;
  /** The node holding the pre-activation score (logit); equals output for regression. */
  logit: number;
  /** The task's loss on a batch, a scalar node (the objectives pass adds it). */
  objective?: number;
  /**
   * next_item: a [batch, 2] node, each row's summed loss and its number of predicted positions
   * (evaluation's held-out loss; semantics/next-item.ts).
   */
  evaluation?: number;
  /** next_item with a sampled softmax: how many negatives the trainer draws per batch. */
  negatives?: number;
  /** Graph inputs the task's objective reads besides features and labels, by name (its negatives). */
  inputs?: Record<string, number>;
}

export interface OptimizerSpec {
  kind: 'adam' | 'adagrad' | 'sgd';
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  initialAccumulator?: number;
}

export type SplitSpec =
  | { kind: 'random'; test: number }
  | { kind: 'by_key'; key: string; test: number }
  | { kind: 'chronological'; by: string; test: number };

export type MetricSpec =
  | { kind: 'auc' }
  | { kind: 'gauc'; by: string }
  | { kind: 'logloss' }
  | { kind: 'mse' }
  | { kind: 'mae' }
  | { kind: 'recall'; k: number; by: string }
  | { kind: 'ndcg'; k: number; by: string };

export type DataSource =
  | { kind: 'file'; path: string }
  | { kind: 'synth'; setting: string; options: Record<string, number> };

export interface TrainSpec {
  /** The optimizer of each group that has one; `embedding` and `dense` always do. */
  optimizer: Record<ParamGroup, OptimizerSpec>;
  batch: number;
  epochs: number;
  split: SplitSpec;
  metrics: MetricSpec[];
  seed: number;
  clipNorm?: number;
  /** Linear warm-up over this many optimizer steps … */
  warmupSteps?: number;
  /** … or over this fraction (0, 1) of the stage's steps, rounded up (src/train/schedule.ts). */
  warmupFraction?: number;
  /** After warm-up: constant learning rate (default) or cosine decay to 0 over the run. */
  lrDecay?: 'constant' | 'cosine';
  earlyStop?: { patience: number };
  /** A column whose values name user groups (e.g. new vs regular): metrics per group. */
  groupBy?: string;
  data?: DataSource;
}

/** One call of a block (stdlib or user), for `recc stats` and hover. */
export interface BlockInstance {
  path: string; // e.g. `trunk` or `trunk.gate0`
  block: string; // qualified name, e.g. `poso.mlp`
  depth: number;
  span: Span; // call site
  params: string[]; // names of params declared inside (nested included)
  /** Set when a stage's graft elaborated the call again (semantics/graft.ts): that stage's name. */
  stage?: string;
  nodes: number[]; // ids of nodes created inside (nested included)
}

export interface IRGraph {
  model: string;
  file: string;
  features: FeatureSpec[];
  /** Support sets (CMML); absent when the model has none. */
  supports?: SupportSpec[];
  /** Node id of the `input` node of each non-label feature and of each support-set input. */
  inputs: Record<string, number>;
  nodes: IRNode[];
  params: ParamDecl[];
  /** Every task of every stage. */
  tasks: TaskSpec[];
  /** The model's `train` section: the settings every stage starts from. */
  train: TrainSpec;
  pcs: Array<{ name: string; node: number }>;
  instances: BlockInstance[];
  /**
   * Named ways into the graph (entry.ts): `serve` (features in, the final stage's task predictions
   * out) and one per stage of the plan, named after it, whose objective is that stage's loss.
   */
  entries: Record<string, Entry>;
  /** Parameter groups: name → parameter names, in declaration order (builtin, declared and spec-defined). */
  groups: Record<ParamGroup, string[]>;
  /** How the model trains: its stages in order (plan.ts). */
  plan: TrainPlan;
  /** LiMAML's meta block (meta.ts); absent when the model has none. */
  meta?: MetaSpec;
}

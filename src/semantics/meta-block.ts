// `meta_block NAME by KEY { inner { steps: n, lr: α, order: second | first } … return … }` (LiMAML,
// paper 001 §4): its body is elaborated like a block's, its parameters (`NAME.…`) are θ_meta, a
// group named NAME, and its value, the meta embedding, is bound to NAME for the rest of the model
// (the global block). The training plan's stage then takes MAML steps over tasks grouped by KEY.
//
// Checked here: the inner settings (REC5030), a body that returns a [batch, d] float tensor and
// reads parameters (REC5031), that the global block shares no parameter with the meta block
// (θ_meta is adapted per task, the global block would read the unadapted one: REC5032), that the
// global block reads the embedding (REC5033), the task losses the MAML step can differentiate
// (REC5034), one meta block per model (REC5035), the task batching settings (REC5036), a stage's
// `step:` (REC5009), and a meta block beside a stage that grafts (REC5002, not supported yet).
//
// With stages, each stage of a model with a meta block is a MAML stage unless it says
// `step: supervised` (a warm-up of θ_global and θ_meta on rows, say); every stage is evaluated as
// the model serves, each held-out task adapted on its support rows.
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import { entryNodes } from '../ir/entry.js';
import type { MamlOrder, MetaSpec } from '../ir/meta.js';
import type { Batching, StagePlan, StepKind } from '../ir/plan.js';
import type { FeatureSpec, IRNode, TaskSpec } from '../ir/types.js';
import type { Expr, Field, MetaBlockDecl } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { onceEach, unset } from './options.js';
import { Scope } from './scope.js';
import { asTensor } from './types.js';
import { describe, ERROR, type Value } from './values.js';

/**
 * Paper defaults (§6.4): one inner step, second order as Alg. 2a writes it, 128 tasks a batch,
 * 75 % support, and the optimizers' learning rates written for 32 tasks a batch (the paper went
 * from 32 to 128 tasks per batch, scaling the global lr linearly).
 */
// warmupFraction: §6.4 warms the global learning rate up without saying for how long; its source
// for large-batch training (Goyal et al. 2017, the paper's [5]) warms up over 5 of 90 epochs.
export const META_DEFAULTS = { steps: 1, lr: 0.01, order: 'second' as MamlOrder, tasksPerBatch: 128, supportFraction: 0.75, lrTasks: 32, warmupFraction: 0.05 };

/** The train section's settings of task batching (read only for a model with a meta block). */
export const TASK_FIELDS = ['tasks_per_batch', 'support_fraction', 'lr_tasks'];

export interface TaskBatching {
  perBatch: number;
  support: number;
  /** Tasks per batch the optimizers' learning rates are written for (linear scaling to perBatch). */
  lrTasks: number;
}

const BAD_TASK_FIELD: Record<string, string> = {
  tasks_per_batch: '`tasks_per_batch` is an int ≥ 1',
  support_fraction: "`support_fraction` is a fraction between 0 and 1 (of each task's rows, in time order, that are its support set)",
  lr_tasks: '`lr_tasks` is an int ≥ 1: the tasks per batch the learning rates are written for',
};

type Draft = Omit<MetaSpec, 'params' | 'support'>;

/** The settings of a meta block's `inner { … }`. */
export const INNER = ['steps', 'lr', 'order'];
/** The values of `inner { order: … }`. */
export const ORDERS: readonly MamlOrder[] = ['second', 'first'];

function readInner(fields: readonly Field[], el: Elaborator, f: Frame): Pick<MetaSpec, 'steps' | 'lr' | 'order'> {
  const out = { steps: META_DEFAULTS.steps, lr: META_DEFAULTS.lr, order: META_DEFAULTS.order };
  for (const fl of onceEach(fields, '`inner`', el, f)) {
    const k = fl.name.name;
    const e = fl.value;
    if (k === 'order') {
      const name = e.kind === 'Name' ? e.name : undefined;
      if (name === 'first' || name === 'second') out.order = name;
      else {
        const alts = name === undefined ? [] : suggestNames(name, ORDERS);
        el.report('REC5030', e.span, '`order` is `second` (through the inner gradients, Alg. 2a) or `first` (the first-order approximation)', f, { hint: didYouMean(alts), suggestions: fixWith(alts, e.span) });
      }
    } else if (k === 'steps' || k === 'lr') {
      const v = el.evalExpr(e, f);
      const x = v.kind === 'int' || v.kind === 'float' ? v.value : undefined;
      if (k === 'steps' && x !== undefined && Number.isInteger(x) && x >= 1 && x <= 20) out.steps = x;
      else if (k === 'lr' && x !== undefined && x > 0 && Number.isFinite(x)) out.lr = x;
      else if (v.kind !== 'error') el.report('REC5030', e.span, k === 'steps' ? '`steps` is the number of inner SGD steps, an int from 1 to 20' : '`lr` is the inner learning rate α, a positive number', f);
    } else {
      const alts = suggestNames(k, unset(INNER, fields));
      el.report('REC5030', fl.name.span, `\`inner\` has no setting \`${k}\``, f, { hint: didYouMean(alts) ?? 'its settings are `steps`, `lr` and `order`', suggestions: fixWith(alts, fl.name.span, 'rename to') });
    }
  }
  return out;
}

/** Elaborate a meta block: its value (bound to its name) and, when well formed, its draft spec. */
export function declareMetaBlock(item: MetaBlockDecl, el: Elaborator, f: Frame, features: readonly FeatureSpec[], earlier: Draft | undefined): { draft?: Draft; value: Value } {
  if (earlier) el.report('REC5035', item.name.span, `a model has one meta block; \`${earlier.name}\` is declared already`, f, { hint: 'put both parts in one meta block (its embedding may concatenate them)' });
  const inner = readInner(item.inner, el, f);
  // Its parameters are `NAME.…`: the body is a block instance named after the meta block.
  const body: Frame = { ...f, scope: new Scope(f.scope), path: item.name.name, counters: new Map() };
  const v = el.execBody(item.body, body);
  if (v === undefined) {
    el.report('REC5031', item.name.span, `meta block \`${item.name.name}\` ends without \`return\``, f, { hint: 'end it with `return <the meta embedding>`, e.g. `return mlp(user_feats, [64, 32])`' });
    return { value: ERROR };
  }
  const t = asTensor(v);
  if (!t || t.dtype !== 'float32' || t.shape.length !== 2 || t.shape[0] !== 'batch') {
    if (v.kind !== 'error') el.report('REC5031', item.name.span, `the meta embedding is a [batch, d] float tensor, found ${describe(v)}`, f, { hint: 'return e.g. `dense(user_feats, 32)` or a flattened embedding' });
    return { value: v.kind === 'error' ? v : ERROR };
  }
  const feature = features.find((s) => s.name === item.key.name && s.kind !== 'label');
  const key = feature ? feature.column : item.key.name;
  return { draft: { name: item.name.name, key, embedding: t.node, ...inner, span: item.name.span }, value: t };
}

export interface MetaContext {
  nodes: readonly IRNode[];
  tasks: readonly TaskSpec[];
  groups: Readonly<Record<string, string[]>>;
  /** The `graft:` fields of the stages (a meta block beside a graft is not supported yet). */
  grafts: ReadonlyArray<{ span: Span }>;
  /** `support_fraction`: what a held-out task adapts on (MetaSpec.support). */
  support: number;
  /** Whether every task declared elaborated (one that did not may be the one reading the embedding). */
  allTasks: boolean;
}

const paramsOf = (nodes: readonly IRNode[], ids: readonly number[]) => [...new Set(ids.flatMap((id) => (nodes[id]!.op === 'param' ? [String(nodes[id]!.attrs.name)] : [])))];

/** The meta block's spec once the whole model is elaborated; undefined (after reporting) when it cannot train. */
export function finishMetaBlock(d: Draft, el: Elaborator, f: Frame, c: MetaContext): MetaSpec | undefined {
  if (c.grafts.length > 0) {
    el.report('REC5002', c.grafts[0]!.span, 'a stage that grafts, in a model with a `meta_block`, is not supported yet', f, { hint: 'graft in a model without a meta block' });
    return undefined;
  }
  const params = paramsOf(c.nodes, entryNodes({ nodes: c.nodes as IRNode[] }, { inputs: {}, outputs: { m: d.embedding } }));
  if (params.length === 0) {
    el.report('REC5031', d.span, `meta block \`${d.name}\` has no parameters to adapt`, f, { hint: 'its embedding must go through a layer or a table, e.g. `dense(user_feats, 32)`' });
    return undefined;
  }
  const global = entryNodes({ nodes: c.nodes as IRNode[] }, { inputs: { m: d.embedding }, outputs: Object.fromEntries(c.tasks.map((t) => [t.name, t.output])) });
  if (!global.includes(d.embedding)) {
    // not with a task that failed (it may be the reader) or with none at all (REC5001 says so)
    if (c.allTasks && c.tasks.length > 0) el.report('REC5033', d.span, `no task reads the meta embedding \`${d.name}\``, f, { hint: `use it in the global block, e.g. \`let x = concat(${d.name}, item_feats)\`` });
    return undefined;
  }
  const mine = new Set(params);
  const shared = paramsOf(c.nodes, global).filter((p) => mine.has(p));
  if (shared.length > 0) {
    el.report('REC5032', d.span, `the global block reads ${shared.length === 1 ? 'parameter' : 'parameters'} of meta block \`${d.name}\` (${shared.slice(0, 3).map((p) => `\`${p}\``).join(', ')}${shared.length > 3 ? ', …' : ''}): θ_meta is adapted per task, the global block would read it unadapted`, f, {
      hint: 'give the global block its own layers and tables (a feature\'s table is one parameter: use a second feature on the same column)',
    });
    return undefined;
  }
  const bad = c.tasks.filter((t) => t.loss !== 'bce' && t.loss !== 'mse');
  if (bad.length > 0) {
    el.report('REC5034', d.span, `MAML differentiates the task losses twice; task \`${bad[0]!.name}\`'s ${bad[0]!.loss} loss is not supported with a meta block`, f, { hint: 'use binary (bce) or regression (mse) tasks' });
    return undefined;
  }
  if (Object.hasOwn(c.groups, d.name)) {
    el.report('REC2002', d.span, `\`${d.name}\` already names a parameter group`, f, { hint: 'rename the meta block (its parameters form a group of its name)' });
    return undefined;
  }
  return { ...d, params, support: c.support };
}

/** The values of a stage's `step:` (the plan's step kinds); in a model with a meta block MAML's by default. */
export const STEPS: readonly StepKind['kind'][] = ['maml', 'supervised'];

/** A stage's `step:` field, checked: a name among STEPS, and `maml` only in a model with a meta block. */
export function readStageStep(fl: Field | undefined, el: Elaborator, f: Frame, meta: boolean): StepKind['kind'] {
  const byDefault = meta ? 'maml' : 'supervised';
  if (!fl) return byDefault;
  const e = fl.value;
  const name = e.kind === 'Name' ? e.name : undefined;
  if (name !== 'maml' && name !== 'supervised') {
    const alts = name === undefined ? [] : suggestNames(name, STEPS);
    el.report('REC5009', e.span, "a stage's `step` is `maml` (LiMAML's step over tasks, the default with a meta block) or `supervised` (a step over rows)", f, { hint: didYouMean(alts), suggestions: fixWith(alts, e.span) });
    return byDefault;
  }
  if (name === 'maml' && !meta) {
    el.report('REC5009', e.span, '`step: maml` adapts a meta block per task: the model has no `meta_block`', f, { hint: 'remove `step`, or add a meta block' });
    return byDefault;
  }
  return name;
}

/** `tasks_per_batch`, `support_fraction` and `lr_tasks` from the train section's fields. */
export function readTaskBatching(rest: ReadonlyMap<string, Field>, el: Elaborator, f: Frame, meta: boolean): TaskBatching {
  const out = { perBatch: META_DEFAULTS.tasksPerBatch, support: META_DEFAULTS.supportFraction, lrTasks: META_DEFAULTS.lrTasks };
  for (const k of TASK_FIELDS) {
    const fl = rest.get(k);
    if (!fl) continue;
    if (!meta) {
      el.report('REC5036', fl.name.span, `\`${k}\` sets MAML's task batches: the model has no \`meta_block\``, f, { hint: 'remove it, or add a meta block' });
      continue;
    }
    const v = el.evalExpr(fl.value as Expr, f);
    const x = v.kind === 'int' || v.kind === 'float' ? v.value : NaN;
    if (k === 'tasks_per_batch' && Number.isInteger(x) && x >= 1) out.perBatch = x;
    else if (k === 'lr_tasks' && Number.isInteger(x) && x >= 1) out.lrTasks = x;
    else if (k === 'support_fraction' && x > 0 && x < 1) out.support = x;
    else if (v.kind !== 'error') el.report('REC5036', fl.value.span, BAD_TASK_FIELD[k]!, f);
  }
  return out;
}

/**
 * A stage of a model with a meta block (each, unless it says `step: supervised`), made a MAML
 * stage over task batches with §6.4's large-batch recipe unless the spec says otherwise: clip norm
 * 1.0 on the outer step, a linear warm-up over the first 5 % of the steps, and every optimizer's
 * learning rate scaled linearly from `lr_tasks` to `tasks_per_batch` tasks a batch.
 */
export function mamlStage(stage: StagePlan, meta: MetaSpec, batching: TaskBatching): StagePlan {
  const tasks: Batching = { kind: 'tasks', key: meta.key, perBatch: batching.perBatch, support: batching.support };
  const { warmupSteps, warmupFraction } = stage.settings;
  const warmup = warmupSteps === undefined && warmupFraction === undefined ? { warmupFraction: META_DEFAULTS.warmupFraction } : {};
  const settings = { ...stage.settings, clipNorm: stage.settings.clipNorm ?? 1.0, ...warmup };
  const scale = batching.perBatch / batching.lrTasks;
  const optimizers = stage.optimizers.map((o) => ({ ...o, spec: { ...o.spec, lr: o.spec.lr * scale } }));
  return { ...stage, step: { kind: 'maml', group: meta.name, steps: meta.steps, lr: meta.lr, order: meta.order, lrScale: scale }, batching: tasks, settings, optimizers };
}

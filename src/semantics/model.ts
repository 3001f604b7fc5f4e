// Elaborates one `model` declaration into an IR graph: features first, then personalization
// codes and `let`s in order, then tasks, then the train section.
import { GraphBuilder } from '../ir/builder.js';
import { liveNodes, SERVE, type Entry } from '../ir/entry.js';
import { GLOBAL_ENTRY } from '../ir/meta.js';
import { UNADAPTED_ENTRY } from '../ir/passes/limaml.js';
import { DEFAULT_STAGE } from '../ir/plan.js';
import type { IRGraph, SupportSpec, TaskSpec } from '../ir/types.js';
import type { BlockDecl, FeatureDecl, LetStmt, ModelDecl, StageDecl, TaskDecl, TrainSection } from '../syntax/ast.js';
import { Elaborator, type Frame } from './elaborate.js';
import { declareFeatures } from './features.js';
import { declareMetaBlock, finishMetaBlock, mamlStage, readStageStep, readTaskBatching, TASK_FIELDS } from './meta-block.js';
import type { Module, ModuleLoader, ReadChecked } from './modules.js';
import { Scope } from './scope.js';
import { declareSupport } from './support.js';
import { graftStage } from './graft.js';
import { PlanBuilder, type StageDraft } from './plan.js';
import { elaborateTask } from './tasks.js';
import { checkDataColumns, type DataColumns } from './data-columns.js';
import { readSettings, readTrain, TRAIN_FIELDS } from './train-section.js';
import { asTensor } from './types.js';
import { checkMetricTasks } from './metric-tasks.js';
import { checkModelSize } from './model-size.js';
import { describe, ERROR, type Value } from './values.js';

/** What a stage reads besides the settings: what it freezes, trains and grafts, and how it steps. */
const STAGE_OWN_FIELDS = ['freeze', 'train', 'graft', 'step'];
/** The fields of `train { … }` (completion offers them): the settings, `groups`, and LiMAML's task batching. */
export const TRAIN_SECTION_FIELDS = [...TRAIN_FIELDS, 'groups', ...TASK_FIELDS];
/** The fields of a `stage { … }` besides its tasks. */
export const STAGE_SECTION_FIELDS = [...TRAIN_FIELDS, ...STAGE_OWN_FIELDS];

export interface ModelResult {
  graph: IRGraph;
  elaborator: Elaborator;
  /** The model scope after elaboration (for hover: the value of each name). */
  scope: Scope;
  /** The columns of the model's data, when they are known before training (for completion). */
  dataColumns?: DataColumns;
}

/** The elaboration of an earlier version of the model, and the blocks edited since (the language server). */
export interface Resume {
  elaborator: Elaborator;
  model: ModelDecl;
  stale: Set<BlockDecl>;
}

/** `resume`: the previous version's elaboration, to reuse what did not change (see Elaborator.resume). */
export function elaborateModel(model: ModelDecl, root: Module, loader: ModuleLoader, readFile: ReadChecked, resume?: Resume, memoise = true): ModelResult {
  const builder = new GraphBuilder();
  const el = new Elaborator(builder, loader, memoise);
  if (resume) el.resume(resume.elaborator, model, resume.model, resume.stale);
  const scope = new Scope(el.globalScope(root));
  const f: Frame = { module: root, scope, path: '', counters: new Map(), trace: [], stack: [] };

  const featureDecls: FeatureDecl[] = model.items.flatMap((i) => (i.kind === 'Features' ? i.features : []));
  const features = declareFeatures(featureDecls, el, f, readFile, root.path);

  const pcs: IRGraph['pcs'] = [];
  const supports: SupportSpec[] = [];
  const tasks: TaskDecl[] = [];
  const stages: StageDecl[] = [];
  let train: TrainSection | undefined;
  let lastLet: { value: Value; span: LetStmt['span'] } | undefined;
  let metaDraft: ReturnType<typeof declareMetaBlock>['draft'];
  // declared, even when its body has an error (then there is no draft)
  let hasMeta = false;
  /** Whether the model defines `name` already (reported: REC2002). */
  const taken = (name: string, span: LetStmt['span']) => {
    const twice = scope.hasOwn(name);
    if (twice) el.report('REC2002', span, `\`${name}\` is already defined in this model`, f, { hint: 'choose another name' });
    return twice;
  };
  const define = (name: string, value: Value, span: LetStmt['span']) => {
    taken(name, span);
    scope.define(name, { value, span });
  };

  // `let trunk = poso.mlp(…)`: the call's instance is named `trunk`; other calls inside the
  // expression are `trunk.<callee><k>`, sharing its counters.
  const evalLet = (item: LetStmt, lf: Frame): Value => {
    const at: Frame = { ...lf, path: item.name.name, counters: new Map<string, number>() };
    return item.value.kind === 'Call' ? callAsInstance(el, item.value, at) : el.evalExpr(item.value, at);
  };
  const evalModelLet = (item: LetStmt) => evalLet(item, f);

  for (const item of model.items) {
    switch (item.kind) {
      case 'Pc': {
        const v = el.evalExpr(item.value, { ...f, path: item.name.name, counters: new Map() });
        const t = asTensor(v);
        const ok = t && t.shape.length === 2;
        if (v.kind !== 'error' && !ok) {
          el.report('REC5003', item.value.span, `a personalization code is a [batch, d] tensor (e.g. an embedded feature), found ${describe(v)}`, f);
        }
        if (ok) pcs.push({ name: item.name.name, node: t.node });
        // reported: its uses are not (the error value)
        define(item.name.name, ok ? t : ERROR, item.name.span);
        break;
      }
      case 'Let': {
        // A second `let` of a name is not elaborated: its parameters would be the first's (`net.dense0.kernel`).
        const v = taken(item.name.name, item.name.span) ? ERROR : el.modelLet(item, scope, evalModelLet);
        scope.define(item.name.name, { value: v, span: item.name.span });
        lastLet = { value: v, span: item.value.span };
        break;
      }
      case 'Task':
        tasks.push(item);
        break;
      case 'Train':
        if (train) el.report('REC2002', item.span, 'the model has two `train` sections', f, { hint: 'merge them' });
        train = item;
        break;
      case 'Support': {
        const { spec, value } = declareSupport(item, el, f, features);
        if (spec) supports.push(spec);
        define(item.name.name, value, item.name.span);
        break;
      }
      case 'Stage':
        stages.push(item);
        break;
      case 'MetaBlock': {
        const { draft, value } = declareMetaBlock(item, el, f, features, metaDraft);
        metaDraft ??= draft;
        hasMeta = true;
        define(item.name.name, value, item.name.span);
        break;
      }
      case 'Features':
        break;
    }
  }

  // Tasks have their own namespace, one for the whole model: a stage's tasks are named like any.
  const taskSpecs: TaskSpec[] = [];
  const taskNames = new Set<string>();
  const elaborateTasks = (decls: readonly TaskDecl[], tf: Frame = f, defaultFrom = lastLet): string[] => {
    const names: string[] = [];
    for (const t of decls) {
      if (taskNames.has(t.name.name)) {
        el.report('REC2002', t.name.span, `task \`${t.name.name}\` is defined twice`, f);
        continue;
      }
      taskNames.add(t.name.name);
      // The serving graph names its inputs after features and its outputs after tasks.
      if (features.some((f) => f.name === t.name.name && f.kind !== 'label')) {
        el.report('REC5004', t.name.span, `task \`${t.name.name}\` has the name of an input feature`, f, { hint: 'the ONNX graph names inputs after features and outputs after tasks: rename the task' });
        continue;
      }
      const spec = elaborateTask(t, el, tf, features, defaultFrom);
      if (spec) {
        taskSpecs.push(spec);
        names.push(spec.name);
      }
    }
    return names;
  };
  const modelTasks = elaborateTasks(tasks);
  // A stage that grafts (PeterRec) elaborates the model's `let`s again with its patches inserted,
  // and its tasks read them (graft.ts).
  const lets = model.items.filter((i): i is LetStmt => i.kind === 'Let');
  const grafted = new Map<StageDecl, string[]>();
  const stageTasks = stages.map((s) => {
    const graft = s.fields.find((x) => x.name.name === 'graft');
    if (!graft) return elaborateTasks(s.tasks);
    if (tasks.length > 0) el.report('REC5022', graft.name.span, `stage \`${s.name.name}\` grafts, so it cannot also train the model's tasks, which read the network without its patches`, f, { hint: 'declare the tasks inside the stages' });
    const g = graftStage(el, s.name.name, graft.value, lets, scope, f, evalLet);
    if (!g) return elaborateTasks(s.tasks); // reported; the tasks still elaborate (no follow-on errors)
    grafted.set(s, g.params);
    return elaborateTasks(s.tasks, { ...f, scope: g.scope }, g.lastLet);
  });
  if (tasks.length === 0 && stages.every((s) => s.tasks.length === 0)) el.report('REC5001', model.name.span, `model \`${model.name.name}\` has no task`, f, { hint: 'add e.g. `task click : binary(label: clicked)`' });

  // feature names are the user's: `inputs.__proto__ = id` would set a prototype, not a key
  const inputs: Record<string, number> = Object.fromEntries(builder.inputs.map((n) => [String(n.attrs.feature), n.id]));

  // Entries: one per stage (the model's tasks and its own), and `serve`, the final stage's.
  const byName = new Map(taskSpecs.map((t) => [t.name, t]));
  const entryOf = (names: readonly string[]): Entry => ({ inputs: { ...inputs }, outputs: Object.fromEntries(names.map((n) => [n, byName.get(n)!.output])) });
  // The parameters an entry reads, in the order declared.
  const paramsOf = (e: Entry) => builder.paramsAmong(liveNodes(builder, e));
  const modelSettings = readTrain(train, el, f, TASK_FIELDS);
  const planner = new PlanBuilder(el, f, builder.params);
  planner.defineGroups(modelSettings.rest.get('groups')?.value);
  const entries: Record<string, Entry> = {};
  let planned;
  if (stages.length === 0) {
    entries[DEFAULT_STAGE] = entryOf(modelTasks);
    planned = planner.single(modelSettings, modelTasks, paramsOf(entries[DEFAULT_STAGE]), model.name.span);
  } else {
    const drafts: StageDraft[] = [];
    stages.forEach((s, i) => {
      const name = s.name.name;
      if (name === SERVE || Object.hasOwn(entries, name)) {
        el.report('REC5009', s.name.span, name === SERVE ? 'a stage cannot be named `serve`: that is the serving entry' : `stage \`${name}\` is defined twice`, f, { hint: 'rename the stage' });
        return;
      }
      // a model with a meta block serves through two more entries (ir/meta.ts, ir/passes/limaml.ts)
      if (hasMeta && (name === GLOBAL_ENTRY || name === UNADAPTED_ENTRY)) {
        el.report('REC5009', s.name.span, `a stage of a model with a meta block cannot be named \`${name}\`: that is the name of one of its serving entries`, f, { hint: 'rename the stage' });
        return;
      }
      const settings = readSettings(s.fields, el, f, modelSettings.spec, `stage ${name}`, STAGE_OWN_FIELDS);
      if (tasks.length === 0 && s.tasks.length === 0) {
        el.report('REC5009', s.name.span, `stage \`${name}\` trains nothing: it has no task`, f, { hint: 'add a task inside the stage, e.g. `task click : binary(label: clicked)`, or one in the model' });
        return;
      }
      const own = [...modelTasks, ...stageTasks[i]!];
      if (own.length === 0) return; // its tasks are reported
      entries[name] = entryOf(own);
      drafts.push({ name, span: s.name.span, settings, tasks: own, entryParams: paramsOf(entries[name]), grafted: grafted.get(s) ?? [] });
    });
    planned = planner.staged(drafts);
  }
  const batching = readTaskBatching(modelSettings.rest, el, f, hasMeta);
  const grafts = stages.flatMap((s) => s.fields.filter((x) => x.name.name === 'graft').map((x) => ({ span: x.name.span })));
  const allTasks = taskSpecs.length === tasks.length + stages.reduce((n, s) => n + s.tasks.length, 0);
  const meta = metaDraft && finishMetaBlock(metaDraft, el, f, { nodes: builder.nodes, tasks: taskSpecs, groups: planned.groups, grafts, support: batching.support, allTasks });
  // each stage's `step:` (checked even when the meta block is not well formed)
  const steps = new Map(stages.map((s) => [s.name.name, readStageStep(s.fields.find((x) => x.name.name === 'step'), el, f, hasMeta)]));
  if (meta) {
    planned.groups[meta.name] = meta.params;
    planned.plan.stages = planned.plan.stages.map((s) => (steps.get(s.name) === 'supervised' ? s : mamlStage(s, meta, batching)));
  }
  const last = planned.plan.stages[planned.plan.stages.length - 1];
  entries[SERVE] = entryOf(last ? last.tasks : modelTasks);
  // what training allocates and the ONNX models hold: the parameters some entry reads
  checkModelSize(el, f, builder.params, () => [...new Set(Object.values(entries).flatMap((e) => paramsOf(e)))]);

  // inputs a task's objective reads (a sampled softmax's negatives): registered, but in no entry
  // until the objectives pass adds them to their stages'
  const objectiveInputs: Record<string, number> = Object.assign(Object.create(null), ...taskSpecs.map((t) => t.inputs ?? {}));
  const graph: IRGraph = {
    model: model.name.name,
    file: root.path,
    features,
    ...(supports.length > 0 ? { supports } : {}),
    inputs: { ...inputs, ...objectiveInputs },
    nodes: builder.nodes,
    params: builder.params,
    tasks: taskSpecs,
    train: modelSettings.spec,
    pcs,
    instances: builder.instances,
    entries,
    groups: planned.groups,
    plan: planned.plan,
    ...(meta ? { meta } : {}),
  };
  // a stage's own settings, then the model's
  const fieldsOf = (stage: string) => [...(stages.find((s) => s.name.name === stage)?.fields ?? []), ...(train?.fields ?? [])];
  const dataColumns = checkDataColumns(el, graph, fieldsOf, readFile, f);
  checkMetricTasks(el, f, graph.plan, taskSpecs, fieldsOf);
  return { graph, elaborator: el, scope, ...(dataColumns ? { dataColumns } : {}) };
}

/** Evaluate `callee(args)` so that, when it is a block, its instance takes the frame's path. */
function callAsInstance(el: Elaborator, call: Extract<LetStmt['value'], { kind: 'Call' }>, f: Frame): Value {
  const callee = el.evalExpr(call.callee, f);
  const args = call.args.map((a) => ({
    ...(a.name ? { name: { name: a.name.name, span: a.name.span } } : {}),
    value: el.evalExpr(a.value, f),
    span: a.value.span,
  }));
  return el.call(callee, args, call.span, call.callee.span, f, callee.kind === 'block' ? f.path : undefined, f.counters);
}

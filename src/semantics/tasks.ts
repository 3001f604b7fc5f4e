// `task name : binary(label: rating >= 4) { from: trunk, tower: [64], weight: 1.0 }`.
// A task reads a tensor (`from`, by default the model's last `let`), runs it through a tower
// (the stdlib `mlp`, then a `dense` to the output width) and activates it for its kind.
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import { evalLabel, labelColumns, type LabelError } from '../data/label-expr.js';
import { labelProblem } from '../data/preprocess.js';
import type { FeatureSpec, LossKind, TaskKind, TaskSpec } from '../ir/types.js';
import type { Expr, TaskDecl } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { elaborateNextItem } from './next-item.js';
import { callOptions, onceEach, unset } from './options.js';
import { asTensor } from './types.js';
import { describe, type Value } from './values.js';
import { holds } from './value-key.js';

export const TASK_KINDS: Record<TaskKind, { losses: LossKind[]; options: string[] }> = {
  binary: { losses: ['bce', 'hinge'], options: ['label', 'loss'] },
  regression: { losses: ['mse'], options: ['label', 'loss'] },
  multiclass: { losses: ['softmax_ce'], options: ['label', 'loss', 'classes'] },
  next_item: { losses: ['softmax_ce'], options: ['label', 'loss'] }, // next-item.ts
};
/** The fields of a task's `{ … }`. */
export const TASK_FIELDS = ['from', 'tower', 'weight'];

/** Label expressions are data, not code: only label columns, literals and operators. */
export function checkLabelExpr(e: Expr, labels: FeatureSpec[], el: Elaborator, f: Frame): boolean {
  switch (e.kind) {
    case 'Number':
    case 'Bool':
    case 'String':
      return true;
    case 'Paren':
      return checkLabelExpr(e.expr, labels, el, f);
    case 'Unary':
      return checkLabelExpr(e.operand, labels, el, f);
    case 'Binary':
      if (e.op === '@') {
        el.report('REC3008', e.span, '`@` is not allowed in a label expression', f);
        return false;
      }
      if (!checkLabelExpr(e.left, labels, el, f) || !checkLabelExpr(e.right, labels, el, f)) return false;
      if (e.op === '/' && constantLabel(e.right) === 0) {
        el.report('REC3008', e.span, 'division by zero', f);
        return false;
      }
      return true;
    case 'Name': {
      if (labels.some((l) => l.name === e.name)) return true;
      const alts = suggestNames(e.name, labels.map((l) => l.name));
      el.report('REC2008', e.span, `\`${e.name}\` is not a label column`, f, {
        hint: didYouMean(alts) ?? `declare it in \`features\` as \`${e.name}: label\``,
        suggestions: fixWith(alts, e.span),
      });
      return false;
    }
    default:
      el.report('REC3008', e.span, 'a label expression may use label columns, numbers, comparisons and `and`/`or`/`not` only', f);
      return false;
  }
}

/** The value of a label expression that reads no column (`5`, `1 - 1`): the same on every row. */
function constantLabel(e: Expr): number | LabelError | undefined {
  return labelColumns(e).length === 0 ? evalLabel(e, () => undefined) : undefined;
}

/**
 * Why a label that reads no column fails on every row, as training would find on the first
 * (`binary(label: 5)`); undefined for one that reads a column or is fine.
 */
function constantLabelProblem(e: Expr, task: Pick<TaskSpec, 'kind' | 'classes'>): string | undefined {
  const v = constantLabel(e);
  return v === undefined ? undefined : typeof v === 'number' ? labelProblem(task, v) : v.error;
}

/**
 * A checked label expression over the data's columns: each label feature's name becomes the
 * column it reads (`rating: label(column: "stars")` makes `rating == 5` read `stars`). The
 * nodes keep their spans, so an error about a column points at the name written.
 */
export function overColumns(e: Expr, labels: FeatureSpec[]): Expr {
  switch (e.kind) {
    case 'Name': {
      const column = labels.find((l) => l.name === e.name)?.column;
      return column === undefined || column === e.name ? e : { ...e, name: column };
    }
    case 'Paren': {
      const expr = overColumns(e.expr, labels);
      return expr === e.expr ? e : { ...e, expr };
    }
    case 'Unary': {
      const operand = overColumns(e.operand, labels);
      return operand === e.operand ? e : { ...e, operand };
    }
    case 'Binary': {
      const [left, right] = [overColumns(e.left, labels), overColumns(e.right, labels)];
      return left === e.left && right === e.right ? e : { ...e, left, right };
    }
    default:
      return e;
  }
}

function intList(v: Value): number[] | undefined {
  if (v.kind !== 'list') return undefined;
  const out = v.items.map((i) => (i.kind === 'int' ? i.value : NaN));
  return out.some(Number.isNaN) ? undefined : out;
}

/** Elaborate one task into its tower and output nodes. */
export function elaborateTask(t: TaskDecl, el: Elaborator, f: Frame, features: FeatureSpec[], defaultFrom: { value: Value; span: Span } | undefined): TaskSpec | undefined {
  const name = t.name.name;
  const head = t.head;
  const kindName = head.kind === 'Call' && head.callee.kind === 'Name' ? head.callee.name : head.kind === 'Name' ? head.name : undefined;
  if (!kindName || !(kindName in TASK_KINDS)) {
    const alts = kindName ? suggestNames(kindName, Object.keys(TASK_KINDS)) : [];
    const at = head.kind === 'Call' ? head.callee.span : head.span;
    el.report('REC5004', at, `unknown task kind${kindName ? ` \`${kindName}\`` : ''}`, f, {
      hint: didYouMean(alts) ?? 'use `binary(label: …)`, `regression(label: …)` or `multiclass(label: …, classes: N)`',
      suggestions: fixWith(alts, at),
    });
    return undefined;
  }
  const kind = kindName as TaskKind;
  if (kind === 'next_item') return elaborateNextItem(t, el, f, features, defaultFrom);
  const spec = TASK_KINDS[kind];
  const given = callOptions(kind, head.kind === 'Call' ? head.args : [], ['label'], spec.options, el, f);
  let label = given.get('label');
  let loss: LossKind = spec.losses[0]!;
  let classes = 1;
  const lossExpr = given.get('loss');
  if (lossExpr) {
    const l = lossExpr.kind === 'Name' ? lossExpr.name : undefined;
    if (!l || !spec.losses.includes(l as LossKind)) {
      el.report('REC3008', lossExpr.span, `\`${kind}\` tasks take the loss ${spec.losses.map((x) => `\`${x}\``).join(' or ')}`, f);
    } else loss = l as LossKind;
  }
  const classesExpr = given.get('classes');
  if (classesExpr) {
    const v = el.evalExpr(classesExpr, f);
    if (v.kind !== 'int' || v.value < 2) el.report('REC3008', classesExpr.span, '`classes` must be an int ≥ 2', f);
    else classes = v.value;
  }
  if (!label) {
    el.report('REC3002', head.span, `task \`${name}\` needs a label: \`${kind}(label: …)\``, f);
    return undefined;
  }
  if (kind === 'multiclass' && classes < 2) {
    // a `classes` given is reported above when it is not an int ≥ 2
    if (!classesExpr) el.report('REC3002', head.span, 'a multiclass task needs `classes: N`', f);
    return undefined;
  }
  const labels = features.filter((s) => s.kind === 'label');
  if (!checkLabelExpr(label, labels, el, f)) return undefined;
  const constant = constantLabelProblem(label, { kind, classes });
  if (constant) {
    el.report('REC3008', label.span, `this label is the same on every row: ${constant}`, f, { hint: 'read a label column, e.g. `label: clicked` or `label: rating >= 4`' });
    return undefined;
  }
  label = overColumns(label, labels);

  let from = defaultFrom;
  let tower: number[] = [];
  let weight = 1;
  for (const fl of onceEach(t.fields, `task \`${name}\``, el, f)) {
    const key = fl.name.name;
    if (!TASK_FIELDS.includes(key)) {
      const alts = suggestNames(key, unset(TASK_FIELDS, t.fields));
      el.report('REC3011', fl.name.span, `a task has no field \`${key}\``, f, { hint: didYouMean(alts) ?? `its fields are ${TASK_FIELDS.join(', ')}`, suggestions: fixWith(alts, fl.name.span, 'rename to') });
      continue;
    }
    const v = el.evalExpr(fl.value, { ...f, path: name });
    if (v.kind === 'error') return undefined;
    if (key === 'from') from = { value: v, span: fl.value.span };
    else if (key === 'tower') {
      const units = intList(v);
      const bad = units?.find((u) => u <= 0);
      if (!units) el.report('REC3001', fl.value.span, `\`tower\` is a list of layer widths like [64, 32], found ${describe(v)}`, f);
      else if (bad !== undefined) el.report('REC3008', fl.value.span, `the layer widths of \`tower\` must be positive, found ${bad}`, f, { hint: 'e.g. `tower: [64, 32]`; `tower: []` for none' });
      else tower = units;
    } else if (key === 'weight') {
      if ((v.kind !== 'int' && v.kind !== 'float') || v.value <= 0) el.report('REC3008', fl.value.span, '`weight` must be a positive number', f);
      else weight = v.value;
    }
  }
  if (!from) {
    el.report('REC5004', t.name.span, `task \`${name}\` has no input`, f, { hint: 'add `{ from: <tensor> }` or a `let` before the task' });
    return undefined;
  }
  // The `let` it defaults to failed, or holds a failed value (a list of a block's failed outputs):
  // that is reported where it failed, not again here.
  if (holds(from.value, (v) => v.kind === 'error')) return undefined;
  const x = asTensor(from.value);
  if (!x || x.shape.length !== 2) {
    el.report('REC3001', from.span, `a task reads a [batch, d] tensor, found ${describe(from.value)}`, f, {
      hint: x ? 'pool or flatten it first: `mean(x)`, `flatten(x)`' : undefined,
    });
    return undefined;
  }
  // The tower and the output layer are the prelude's `mlp` and `dense`, named `<task>.tower`
  // and `<task>.out`.
  const tf: Frame = { ...f, path: name, counters: new Map() };
  // (from the prelude itself: a spec may define its own `mlp` or `dense`)
  const mlp = el.preludeBlock('mlp');
  const dense = el.preludeBlock('dense');
  if (!mlp || !dense) throw new Error('internal: the prelude lacks mlp/dense');
  let h: Value = x;
  if (tower.length > 0) {
    h = el.callBlock(mlp, [
      { value: h, span: from.span },
      { value: { kind: 'list', items: tower.map((u) => ({ kind: 'int' as const, value: u })) }, span: t.span },
    ], t.span, tf, `${name}.tower`);
  }
  if (h.kind === 'error') return undefined;
  const logit = el.callBlock(dense, [{ value: h, span: t.span }, { value: { kind: 'int', value: classes }, span: t.span }], t.span, tf, `${name}.out`);
  const lt = asTensor(logit);
  if (!lt) return undefined;
  let out = lt;
  if (kind !== 'regression') {
    const o = asTensor(el.op(kind === 'binary' ? 'sigmoid' : 'softmax', [lt], kind === 'binary' ? {} : { axis: -1 }, t.span, tf));
    if (!o) return undefined;
    out = o;
  }
  return { name, kind, classes, label, loss, weight, output: out.node, logit: lt.node };
}

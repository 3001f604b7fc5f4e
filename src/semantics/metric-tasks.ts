// A metric of the train section that no task of a stage reports is a warning at its name: the
// evaluation computes each metric for the task kinds it is defined on (train/evaluate.ts), and
// left out the others without a word (`metrics: [logloss]` on a regression model reported mse).
import type { TrainPlan } from '../ir/plan.js';
import type { MetricSpec, TaskSpec } from '../ir/types.js';
import type { Expr, Field } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import type { SettingFields } from './data-columns.js';
import { settingCallName } from './train-section.js';

/** The metrics of the train section each task kind reports (multiclass: accuracy and logloss always; next_item: nll). */
export const METRICS_OF: Record<TaskSpec['kind'], ReadonlySet<MetricSpec['kind']>> = {
  binary: new Set(['auc', 'gauc', 'logloss', 'mse', 'mae', 'recall', 'ndcg']),
  regression: new Set(['mse', 'mae', 'ndcg']),
  multiclass: new Set(['logloss']),
  next_item: new Set(),
};

export function checkMetricTasks(el: Elaborator, f: Frame, plan: TrainPlan, tasks: readonly TaskSpec[], fieldsOf: SettingFields): void {
  // a task that failed is missing from the plan: what it would report is unknown
  if (el.diagnostics.some((d) => d.severity === 'error')) return;
  const kinds = new Map(tasks.map((t) => [t.name, t.kind]));
  const warned = new Set<Expr>();
  for (const stage of plan.stages) {
    const reporting = new Set(stage.tasks.flatMap((t) => [...METRICS_OF[kinds.get(t) ?? 'next_item']]));
    // the `metrics:` the stage reads: its own, else the model's
    const field: Field | undefined = fieldsOf(stage.name).find((x) => x.name.name === 'metrics');
    if (!field) continue;
    const items = field.value.kind === 'List' ? field.value.items : [field.value];
    for (const m of stage.settings.metrics) {
      if (reporting.has(m.kind)) continue;
      const at = items.find((e) => settingCallName(e) === m.kind);
      if (!at || warned.has(at)) continue;
      warned.add(at);
      const own = [...new Set(stage.tasks.map((t) => `${kinds.get(t)} \`${t}\``))].join(', ');
      el.report('REC5014', at.span, `no task of ${plan.stages.length > 1 ? `stage \`${stage.name}\`` : 'the model'} reports \`${m.kind}\` (its tasks: ${own}), so it is not computed`, f, {
        hint: 'binary tasks report auc, gauc, logloss, mse, mae, recall and ndcg; regression tasks mse, mae and ndcg; multiclass tasks accuracy and logloss; next_item tasks nll',
      });
    }
  }
}

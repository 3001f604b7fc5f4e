// The paper benchmarks' common report (issue 20): results by model × group × task × metric over
// seeds, oracle rows scored with the setting's hidden truth, paired differences by seed, and the
// `--out FILE.json` form
//   { "rows": [{ model, group, task, metric, mean, sd, seeds, n }], "oracle": [same], "paired": [...] }
// where `n` is the mean number of test rows behind the cell (per seed) and `seeds` the seeds used.
import { renameSync, writeFileSync } from 'node:fs';
import { slice } from '../../dist/data/preprocess.js';
import { evaluate } from '../../dist/train/evaluate.js';
import { fmtMeanSd, meanSd } from './compare.mjs';

/**
 * results[model][task][group][metric] = [value per seed]; counts[group] = [test rows per seed]
 * (or countsByTask[task][group], where tasks of one group are scored on different rows).
 */
export function newResults() {
  return { results: {}, oracle: {}, counts: {}, seeds: [] };
}

/** Record one run's evaluation (the shape of `train(...).evaluation`) under `name`. */
export function record(into, name, evaluation) {
  for (const [task, groups] of Object.entries(evaluation.tasks)) {
    for (const [group, row] of Object.entries(groups)) {
      for (const [metric, v] of Object.entries(row)) (((((into[name] ??= {})[task] ??= {})[group] ??= {})[metric] ??= [])).push(v);
    }
  }
}

/**
 * Score the test rows with given per-task scores (the hidden truth) through the same evaluation as
 * the models, so oracle and model cells are the same metric on the same rows.
 */
export function oracleEvaluation(graph, dataset, test, scoresByTask) {
  const ds = slice(dataset, test);
  const preds = Object.fromEntries(Object.entries(scoresByTask).map(([t, s]) => [t, Float32Array.from(test, (i) => s[i])]));
  return evaluate(graph, preds, ds);
}

/** Count the test rows of each group of `groupBy` (and `all`) for one seed. */
export function countGroups(report, dataset, test, groupBy) {
  const c = { all: test.length };
  if (groupBy) for (const i of test) c[`${groupBy}=${dataset.keys[groupBy][i]}`] = (c[`${groupBy}=${dataset.keys[groupBy][i]}`] ?? 0) + 1;
  for (const [g, n] of Object.entries(c)) (report.counts[g] ??= []).push(n);
}

const values = (xs) => xs.map((v) => (v === null ? NaN : v));

function rowsOf(results, counts, seeds, countsByTask = {}) {
  const out = [];
  for (const [model, tasks] of Object.entries(results)) {
    for (const [task, groups] of Object.entries(tasks)) {
      for (const [group, metrics] of Object.entries(groups)) {
        for (const [metric, xs] of Object.entries(metrics)) {
          const { mean, sd } = meanSd(values(xs));
          out.push({ model, group, task, metric, mean, sd, seeds, n: meanSd(countsByTask[task]?.[group] ?? counts[group] ?? []).mean, values: xs });
        }
      }
    }
  }
  return out;
}

/** Paired differences `a − b` by seed for every task × group × metric both have. */
export function paired(results, a, b) {
  const out = [];
  for (const [task, groups] of Object.entries(results[a] ?? {})) {
    for (const [group, metrics] of Object.entries(groups)) {
      for (const [metric, xs] of Object.entries(metrics)) {
        const ys = results[b]?.[task]?.[group]?.[metric];
        if (!ys) continue;
        const d = values(xs).map((x, k) => x - values(ys)[k]);
        const { mean, sd } = meanSd(d);
        out.push({ model: a, baseline: b, task, group, metric, diffs: d, mean, sd, ratio: sd > 0 ? mean / sd : NaN });
      }
    }
  }
  return out;
}

/** Print a table: one line per model × task, a column per group, `mean ± sd`. */
export function printTable(title, results, groups, metric, width = 20) {
  console.log(`\n${title}`);
  console.log(`${'model'.padEnd(22)}${'task'.padEnd(11)}${groups.map((g) => g.padStart(width)).join('')}`);
  for (const [name, tasks] of Object.entries(results)) {
    for (const [task, byGroup] of Object.entries(tasks)) {
      console.log(`${name.padEnd(22)}${task.padEnd(11)}${groups.map((g) => fmtMeanSd(values(byGroup[g]?.[metric] ?? [])).padStart(width)).join('')}`);
    }
  }
}

/** Metrics where lower is better (errors and losses): a negative difference is a lead. */
export const lowerIsBetter = (metric) => /mse|mae|log/i.test(metric);

/**
 * Print paired differences: the per-seed values, mean ± sd, and mean / sd (|mean| > 2 sd: beyond
 * noise). `widths` sets the pair and group columns (default 34 and 24) for longer names.
 */
export function printPaired(list, widths = {}) {
  const { pair = 34, group = 24 } = widths;
  for (const p of list) {
    const lead = lowerIsBetter(p.metric) ? -p.mean : p.mean;
    const verdict = !(p.sd > 0) ? '' : lead > 2 * p.sd ? 'ahead beyond 2 sd' : lead < -2 * p.sd ? 'behind beyond 2 sd' : 'within 2 sd';
    console.log(
      `  ${`${p.model} − ${p.baseline}`.padEnd(pair)}${p.task.padEnd(11)}${p.group.padEnd(group)}${p.metric.padEnd(8)} ` +
        `${fmtMeanSd(p.diffs, 4, true).padStart(18)}  mean/sd ${Number.isFinite(p.ratio) ? p.ratio.toFixed(1).padStart(5) : '  n/a'}  ${verdict}` +
        `   by seed: ${p.diffs.map((d) => `${d >= 0 ? '+' : ''}${d.toFixed(4)}`).join(' ')}`,
    );
  }
}

/** Write the issue-20 JSON report, atomically (a temporary file beside it, renamed over it). */
export function writeReport(file, report, extra = {}) {
  const seeds = report.seeds;
  const json = {
    ...extra,
    rows: rowsOf(report.results, report.counts, seeds, report.countsByTask),
    oracle: rowsOf(report.oracle, report.counts, seeds, report.countsByTask),
    paired: report.paired ?? [],
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(json, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  renameSync(tmp, file);
  console.log(`wrote ${file}`);
}

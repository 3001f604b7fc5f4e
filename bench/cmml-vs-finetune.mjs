// CMML against a fine-tuned baseline on unseen tasks (CMML §4.2, Table 2's DCN / DCN-F rows), on
// the CMML synthetic setting (src/data/synth/cmml.ts: every scenario has its own bias and
// preference; a model blind to the scenario can learn only the shared part).
//
// Meta-training: the scenarios of the training split, every sample with its support set (the
// earlier samples of its scenario). Meta-testing, on the held-out scenarios: each scenario's
// samples in time order, the first half its support set, the second half its query. Every model
// is scored on the same query samples:
//   baseline      the backbone MLP trained on the training scenarios (examples/cmml-baseline.rec)
//   baseline-F    the same, then fine-tuned per test scenario on its support half (Adam, full
//                 batch, `--ft-steps` steps at each learning rate of `--ft-lr`, a comma-separated
//                 list; one row per rate): gradient adaptation, as MeLU/DCN-F
//   cmml          examples/cmml-scenario.rec (SE + MLP hybrid + FiLM), reading the support half as
//                 its support set: feed-forward adaptation, no gradient at test time
//   cmml-dot      the same with the paper's default hybrid context, the dot product C ⊙ x
// The same for the user-specific setting (src/data/synth/cmml-user.ts; users are tasks, ratings,
// MSE): examples/cmml-user-baseline.rec, its fine-tuned form, examples/cmml-user.rec (PE + MLP
// hybrid + weight modulation) and its dot-product form.
// Reported, not asserted. Run after `npm run build`:
//   node bench/cmml-vs-finetune.mjs [--seeds 3] [--setting scenario|user|both]
//     [--rows N] [--epochs 4] [--ft-steps 10] [--ft-lr 0.005,0.001,0.0002] [--models baseline,cmml,cmml-dot]
// `--models baseline` trains and fine-tunes the baseline only (minutes, where CMML's GRU takes most
// of the hour): every model is scored on the same query samples, so its rows compare with CMML's
// rows of a full run on the same seeds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { slice } from '../dist/data/preprocess.js';
import { buildForward } from '../dist/lower/tfjs/forward.js';
import { predict, batchTensors } from '../dist/train/evaluate.js';
import { taskTensors } from '../dist/train/task-tensors.js';
import { analyze } from '../dist/semantics/analyze.js';
import { auc, gauc, gradedNdcgAtK, logloss, mae, mse } from '../dist/train/metrics.js';
import { compileExample, fmtMeanSd, paramCounts, parseArgs, root, runOnce, startBackend } from './lib/compare.mjs';
import { newResults, paired, printPaired, record, writeReport } from './lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { seeds: 3, setting: 'both', rows: 0, epochs: 4, ftSteps: 10, ftLr: '0.005,0.001,0.0002', models: 'baseline,cmml,cmml-dot', out: '' });
const wanted = new Set(String(opts.models).split(',').map((m) => m.trim()));
for (const m of wanted) if (!['baseline', 'cmml', 'cmml-dot'].includes(m)) throw new Error(`--models: baseline, cmml, cmml-dot: ${m}`);
const ftRates = String(opts.ftLr).split(',').map(Number);
if (ftRates.some((r) => !(r > 0))) throw new Error(`--ft-lr: positive learning rates, comma-separated: ${opts.ftLr}`);
const { tf, backend, runner } = await startBackend();
const SETTINGS = {
  scenario: { baseline: 'examples/cmml-baseline.rec', cmml: 'examples/cmml-scenario.rec', key: 'scenario', task: 'click', rows: 60_000 },
  user: { baseline: 'examples/cmml-user-baseline.rec', cmml: 'examples/cmml-user.rec', key: 'user_id', task: 'rating', rows: 40_000 },
};

/** Meta-test split of the held-out rows: per scenario, in time order, first half support, rest query. */
function metaTest(ds, test, key) {
  const byTask = new Map();
  for (const r of test) {
    const k = ds.keys[key][r];
    if (!byTask.has(k)) byTask.set(k, []);
    byTask.get(k).push(r);
  }
  const tasks = [];
  for (const [key, rows] of byTask) {
    rows.sort((a, b) => a - b); // dataset order is time order
    const half = Math.floor(rows.length / 2);
    if (half < 1 || rows.length - half < 2) continue;
    tasks.push({ key, support: rows.slice(0, half), query: rows.slice(half) });
  }
  return tasks;
}

/**
 * The query rows of every task, with each row's support set replaced by its task's support half
 * (the most recent `size` of it), so CMML reads exactly what the fine-tuned baseline trains on.
 */
function queryWithSupportHalf(ds, tasks, key) {
  const rows = tasks.flatMap((t) => t.query);
  const q = slice(ds, rows);
  for (const s of q.supports ?? []) {
    const size = s.spec.size;
    s.index.fill(-1);
    let i = 0;
    for (const t of tasks) {
      const recent = t.support.slice(-size);
      for (const _ of t.query) {
        recent.forEach((r, j) => (s.index[i * size + j] = r));
        i++;
      }
    }
  }
  return { q, keys: rows.map((r) => ds.keys[key][r]) };
}

const METRICS = {
  click: { AUC: (p, y) => auc(p, y), 'GAUC (by task)': (p, y, k) => gauc(p, y, k).value, 'log loss': (p, y) => logloss(p, y) },
  rating: { MSE: (p, y) => mse(p, y), MAE: (p, y) => mae(p, y), 'NDCG@3 (by user)': (p, y, k) => gradedNdcgAtK(p, y, k, 3).value },
};

/** An example with the paper's default hybrid context: `hybrid(ctx, x, mode: "mlp", …)` → `hybrid(ctx, x)`. */
function dotVariant(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const dot = text.replace(/cmml\.hybrid\(ctx, x, mode: "mlp", units: \[\d+\]\)/, 'cmml.hybrid(ctx, x)');
  if (dot === text) throw new Error(`${file}: no MLP hybrid context to replace`);
  const r = analyze(dot, join(root, file));
  if (!r.graph) throw new Error(`${file} (dot): ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.graph;
}

function scores(task, pred, labels, keys) {
  return Object.fromEntries(Object.entries(METRICS[task]).map(([name, f]) => [name, f(pred, labels, keys)]));
}

/** Predictions of `graph` with `weights` on a dataset. */
function predictWith(graph, weights, ds, task) {
  const forward = buildForward(tf, graph);
  const params = Object.fromEntries(graph.params.map((p) => [p.name, tf.tensor(weights[p.name], p.shape)]));
  const out = predict(tf, forward, params, ds)[task];
  Object.values(params).forEach((t) => t.dispose());
  return out;
}

/** Per task: fine-tune a copy of the weights on the support half (the graph's objective), predict the query half. */
function fineTuned(graph, weights, ds, tasks, task, lr) {
  const train = buildForward(tf, graph, 'train', { objective: true });
  const forward = buildForward(tf, graph);
  const trained = graph.tasks.filter((t) => t.name === task);
  const preds = [];
  for (const t of tasks) {
    const vars = Object.fromEntries(graph.params.map((p) => [p.name, tf.variable(tf.tensor(weights[p.name], p.shape))]));
    const opt = tf.train.adam(lr);
    const sup = slice(ds, t.support);
    const inputs = { ...batchTensors(tf, sup), ...taskTensors(tf, trained, sup) };
    for (let k = 0; k < opts.ftSteps; k++) {
      opt.minimize(() => train(vars, inputs).objective);
    }
    preds.push(...predict(tf, forward, vars, slice(ds, t.query))[task]);
    opt.dispose();
    Object.values(inputs).forEach((x) => x.dispose());
    Object.values(vars).forEach((v) => v.dispose());
  }
  return Float32Array.from(preds);
}

const report = { ...newResults(), paired: [] };
console.log(`CMML synthetic settings: ${opts.epochs} epochs, seeds 1..${opts.seeds}, backend ${backend}; fine-tuning ${opts.ftSteps} Adam steps, lr ${ftRates.join(' / ')}`);
for (const [setting, cfg] of Object.entries(SETTINGS)) {
  if (opts.setting !== 'both' && opts.setting !== setting) continue;
  const rows = opts.rows || cfg.rows;
  const all = { baseline: () => compileExample(cfg.baseline), cmml: () => compileExample(cfg.cmml), 'cmml-dot': () => dotVariant(cfg.cmml) };
  const specs = Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k)).map(([k, f]) => [k, f()]));
  console.log(`\n${setting}-specific (${rows} rows): parameters ${Object.entries(specs).map(([k, g]) => `${k} ${paramCounts(g).total}`).join(', ')}`);
  const ftName = (lr) => `baseline-F ${lr}`;
  const results = Object.fromEntries(Object.keys(specs).flatMap((k) => (k === 'baseline' ? ['baseline', ...ftRates.map(ftName)] : [k])).map((k) => [k, []]));
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const fit = (graph) => runOnce(tf, graph, { seed, rows, epochs: opts.epochs, runner });
    // the seed fixes the rows and the split, the same for every model
    const fitted = {};
    for (const [k, g] of Object.entries(specs)) fitted[k] = await fit(g);
    const any = Object.values(fitted)[0];
    const tasks = metaTest(any.dataset, any.test, cfg.key);
    const queryRows = tasks.flatMap((t) => t.query);
    const keys = queryRows.map((r) => any.dataset.keys[cfg.key][r]);
    const labels = slice(any.dataset, queryRows).labels[cfg.task];
    const t0 = performance.now();
    const row = {};
    const base = fitted.baseline;
    if (base) {
      row.baseline = scores(cfg.task, predictWith(base.graph, base.weights, slice(base.dataset, queryRows), cfg.task), labels, keys);
      for (const lr of ftRates) row[ftName(lr)] = scores(cfg.task, fineTuned(base.graph, base.weights, base.dataset, tasks, cfg.task, lr), labels, keys);
    }
    for (const k of ['cmml', 'cmml-dot']) {
      if (!fitted[k]) continue;
      const { q } = queryWithSupportHalf(fitted[k].dataset, tasks, cfg.key);
      row[k] = scores(cfg.task, predictWith(fitted[k].graph, fitted[k].weights, q, cfg.task), labels, keys);
    }
    const adaptSeconds = (performance.now() - t0) / 1000;
    for (const [k, v] of Object.entries(row)) results[k].push(v);
    (report.counts[`${setting}: unseen tasks`] ??= []).push(queryRows.length);
    console.log(
      `  seed ${seed}: ${tasks.length} unseen tasks, ${queryRows.length} query samples; ` +
        Object.entries(row).map(([k, v]) => `${k} ${Object.entries(v).map(([m, x]) => `${m.split(' ')[0]} ${x.toFixed(4)}`).join(' ')}`).join(' | ') +
        `  (train: ${Object.entries(fitted).map(([k, r]) => `${k} ${r.seconds.toFixed(0)} s`).join(', ')}; adaptation + scoring ${adaptSeconds.toFixed(0)} s)`,
    );
  }
  const names = Object.keys(METRICS[cfg.task]);
  console.log(`\n${setting}-specific, unseen tasks, query half; mean ± sd over ${opts.seeds} seeds`);
  console.log(`${'model'.padEnd(20)}${names.map((n) => n.padStart(22)).join('')}`);
  for (const [k, rs] of Object.entries(results)) console.log(`${k.padEnd(20)}${names.map((n) => fmtMeanSd(rs.map((r) => r[n])).padStart(22)).join('')}`);
  // for --out: results[model][task][group][metric] = [per seed], the group being the setting's unseen tasks
  for (const [k, rs] of Object.entries(results)) for (const r of rs) record(report.results, k, { tasks: { [cfg.task]: { [`${setting}: unseen tasks`]: r } } });
  if (results.cmml && results.baseline) {
    for (const ft of Object.keys(results).filter((k) => k.startsWith('baseline'))) report.paired.push(...paired(report.results, 'cmml', ft).filter((p) => p.group.startsWith(setting)));
  }
}
if (opts.out) {
  report.seeds = Array.from({ length: opts.seeds }, (_, k) => k + 1);
  console.log('\nCMML − baseline, paired by seed');
  printPaired(report.paired);
  writeReport(opts.out, report, { bench: 'cmml-vs-finetune', opts, backend });
}

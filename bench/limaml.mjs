// LiMAML's Table 3 (paper 001 §6.2) in direction, on the synthetic setting (src/data/synth/limaml.ts:
// a user's latent preference shows in the user's features only through noise; the user's own
// labels reveal more). For each seed, the same data, split and held-out users for every model;
// each held-out user's rows in time order, the first 75 % its support (validation) rows, the last
// 25 % its query (test) rows, which alone are scored:
//   vanilla            examples/limaml-vanilla.rec, supervised (Adam)      ± per-task fine-tuning of
//                      every parameter (--ft-steps SGD steps of --ft-lr on the support rows)
//   MAML (whole net)   examples/limaml-maml-whole.rec, MAML over every layer but the logit layer
//                      ± per-task adaptation of those layers (its inner steps) on the support rows
//   LiMAML (MLP)       examples/limaml-mlp.rec        ± the meta embedding adapted on the support
//   LiMAML (id)        examples/limaml-id.rec           rows (Alg. 2b: its latest support row) or not
//   LiMAML (MLP, warm) examples/limaml-warm.rec       the MLP model, its stage `warm` (2 supervised
//                      epochs on rows) before the MAML epochs, ± adapted as LiMAML (MLP)
// AUC over all query rows and sliced by users with fewer than 25 / 25 or more test samples, mean ±
// sd over seeds; then LiMAML (MLP) training time per epoch with n = 1, 2, 3 inner steps (Table 6).
// Oracle rows: the same query rows scored with the setting's true logit (src/data/synth/limaml.ts
// `limamlSynth(...).truth`: 1.5 p_u·q_i/√8 + b_i + c, what the clicks were drawn from).
// Paired by seed (the same data, split and query rows): LiMAML (MLP / id, adapted) − vanilla
// (fine-tuned), the paper's claim (Table 3: LiMAML ahead), and MAML (adapted) − MAML (not adapted).
// Reported, not asserted. Run after `npm run build`, under the shared lock:
//   node bench/limaml.mjs [--seeds 3] [--rows 20000] [--epochs 4] [--meta-epochs E]
//                                   [--tasks-per-batch N] [--ft-steps 3] [--ft-lr 0.05] [--skip-timing 1] [--out FILE.json]
// RECC_BACKEND=ort trains on onnxruntime (evaluation stays on TensorFlow.js), as every paper bench.
// --tasks-per-batch patches the plan and keeps the specs' learning rates (no lr_tasks scaling).
// --out writes the issue-20 report (bench/lib/report.mjs): a row per model × slice (group
// `all`, `task_samples=fewer than 25`, `task_samples=25 or more`), task `click`, metric `auc`; the
// model names carry the variant, e.g. `vanilla (fine-tuned)`, `LiMAML (MLP, adapted)`.
import { slice } from '../dist/data/preprocess.js';
import { limamlSynth } from '../dist/data/synth/limaml.js';
import { buildForward } from '../dist/lower/tfjs/forward.js';
import { predict } from '../dist/train/evaluate.js';
import { fineTuner } from '../dist/train/fine-tune.js';
import { metaPredict, metaRunner } from '../dist/train/meta-embed.js';
import { auc } from '../dist/train/metrics.js';
import { splitTestTasks, TASK_SLICE } from '../dist/train/task-split.js';
import { compileExample, fmtMeanSd, parseArgs, runOnce, startBackend } from './lib/compare.mjs';
import { newResults, paired, printPaired, record, writeReport } from './lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { seeds: 3, rows: 20_000, epochs: 4, metaEpochs: 0, tasksPerBatch: 0, ftSteps: 3, ftLr: 0.05, timeEpochRows: 0, skipTiming: 0, out: '' });
const { tf, backend, runner } = await startBackend();
const SLICES = ['all', 'fewer than 25', '25 or more'];
/** The report's group of a slice: `all`, or the evaluation's group column = value (as countGroups names groups). */
const GROUP = (s) => (s === 'all' ? 'all' : `${TASK_SLICE}=${s}`);
const SUPPORT_FRACTION = 0.75;

/** AUC of the query rows, overall and per slice. */
function scores(p, query) {
  const y = query.labels.click;
  const out = { all: auc(p, y) };
  for (const s of SLICES.slice(1)) {
    const idx = query.keys[TASK_SLICE].flatMap((v, i) => (v === s ? [i] : []));
    out[s] = auc(idx.map((i) => p[i]), idx.map((i) => y[i]));
  }
  return out;
}

/** The query rows scored with the true logit of the rows the run generated. */
function oracleScores(graph, ds, query, idx, seed) {
  const spec = graph.train.data;
  const { rows, truth } = limamlSynth({ ...spec.options, seed: spec.options.seed ?? seed, rows: opts.rows });
  if (rows.length !== ds.n) throw new Error(`oracle: ${rows.length} generated rows, ${ds.n} in the dataset`);
  const y = query.labels.click;
  if (idx.length !== query.n || idx.some((r, k) => Number(rows[r].clicked) !== y[k] || ds.labels.click[r] !== y[k])) throw new Error('oracle: query rows do not line up with the generated rows');
  return scores(Float64Array.from(idx, (r) => truth.logit[r]), query);
}

/** `--tasks-per-batch N` for the MAML stages (default: each spec's). */
function withTasksPerBatch(g) {
  if (!opts.tasksPerBatch) return g;
  return { ...g, plan: { stages: g.plan.stages.map((s) => (s.batching.kind === 'tasks' ? { ...s, batching: { ...s.batching, perBatch: opts.tasksPerBatch } } : s)) } };
}

/** A staged model's MAML stage trains the MAML models' epochs; its supervised stage its own. */
function withMetaEpochs(g) {
  const epochs = opts.metaEpochs || opts.epochs;
  return { ...g, plan: { stages: g.plan.stages.map((s) => (s.step.kind === 'maml' ? { ...s, settings: { ...s.settings, epochs } } : s)) } };
}

// `plain` / `tuned`: the model names of the two variants (without / with per-task adaptation)
const MODELS = [
  { name: 'vanilla', file: 'examples/limaml-vanilla.rec', kind: 'vanilla', plain: 'vanilla (not fine-tuned)', tuned: 'vanilla (fine-tuned)' },
  { name: 'MAML (whole net)', file: 'examples/limaml-maml-whole.rec', kind: 'whole', plain: 'MAML (whole net, not adapted)', tuned: 'MAML (whole net, adapted)' },
  { name: 'LiMAML (MLP)', file: 'examples/limaml-mlp.rec', kind: 'limaml', plain: 'LiMAML (MLP, not adapted)', tuned: 'LiMAML (MLP, adapted)' },
  { name: 'LiMAML (id)', file: 'examples/limaml-id.rec', kind: 'limaml', plain: 'LiMAML (id, not adapted)', tuned: 'LiMAML (id, adapted)' },
  { name: 'LiMAML (MLP, warm)', file: 'examples/limaml-warm.rec', kind: 'limaml', staged: true, plain: 'LiMAML (MLP, warm, not adapted)', tuned: 'LiMAML (MLP, warm, adapted)' },
];
// the paper's claims, paired by seed: LiMAML ahead of the fine-tuned vanilla model; adaptation helps MAML
const PAIRS = [
  ['LiMAML (MLP, adapted)', 'vanilla (fine-tuned)'],
  ['LiMAML (id, adapted)', 'vanilla (fine-tuned)'],
  ['LiMAML (MLP, warm, adapted)', 'vanilla (fine-tuned)'],
  ['LiMAML (MLP, warm, adapted)', 'LiMAML (MLP, adapted)'],
  ['MAML (whole net, adapted)', 'MAML (whole net, not adapted)'],
];
const ORACLE = 'oracle (true score)';
const report = newResults(); // results[model].click[group].auc = [per seed]
/** One scoring (`scores(...)`: AUC per slice) as an evaluation, recorded under `name`. */
const put = (into, name, s) => record(into, name, { tasks: { click: Object.fromEntries(SLICES.map((k) => [GROUP(k), { auc: s[k] }])) } });
const speeds = new Map();
const pairsOf = () => PAIRS.flatMap(([a, b]) => paired(report.results, a, b));
const save = (extra = {}) =>
  writeReport(opts.out, { ...report, paired: pairsOf() }, { bench: 'limaml', setting: 'limaml', opts: { ...opts, seeds: report.seeds.length }, backend, files: Object.fromEntries(MODELS.map((m) => [m.name, m.file])), speeds: Object.fromEntries(speeds), ...extra });
const started = performance.now();

for (let seed = 1; seed <= opts.seeds; seed++) {
  report.seeds.push(seed);
  for (const m of MODELS) {
    const g0 = withTasksPerBatch(m.staged ? withMetaEpochs(compileExample(m.file)) : compileExample(m.file));
    const epochs = m.staged ? undefined : m.kind === 'vanilla' ? opts.epochs : opts.metaEpochs || opts.epochs;
    const r = await runOnce(tf, g0, { seed, rows: opts.rows, epochs, runner });
    const g = r.graph;
    const { support, query, queryRows } = splitTestTasks(r.dataset, 'user_id', r.test, SUPPORT_FRACTION);
    if (m === MODELS[0]) {
      // the seed fixes the rows, the split and so the query rows, the same for every model
      const c = { all: query.n };
      for (const v of query.keys[TASK_SLICE]) c[v] = (c[v] ?? 0) + 1;
      for (const k of SLICES) (report.counts[GROUP(k)] ??= []).push(c[k] ?? 0);
      put(report.oracle, ORACLE, oracleScores(g, r.dataset, query, queryRows, seed));
    }
    const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(r.weights[p.name], p.shape)]));
    let plain;
    let tuned;
    if (m.kind === 'limaml') {
      plain = metaPredict(tf, metaRunner(tf, g, 0), metaRunner(tf, g, 0), params, slice(support, []), query).click;
      tuned = metaPredict(tf, metaRunner(tf, g, g.meta.steps), metaRunner(tf, g, 0), params, support, query).click;
    } else {
      plain = predict(tf, buildForward(tf, g), params, query).click;
      const adapt = m.kind === 'whole' ? g.meta.params : g.plan.stages[0].trainable;
      const o = m.kind === 'whole' ? { steps: g.meta.steps, lr: g.meta.lr } : { steps: opts.ftSteps, lr: opts.ftLr };
      tuned = fineTuner(tf, g, 'user_id', adapt, o)(params, support, query).click;
    }
    for (const t of Object.values(params)) t.dispose();
    put(report.results, m.plain, scores(plain, query));
    put(report.results, m.tuned, scores(tuned, query));
    (speeds.get(m.name) ?? speeds.set(m.name, []).get(m.name)).push({ sps: r.samplesPerSecond, seconds: r.seconds });
    process.stderr.write(`seed ${seed} ${m.name}: ${r.seconds.toFixed(0)} s, AUC no-FT ${scores(plain, query).all.toFixed(4)} FT ${scores(tuned, query).all.toFixed(4)}\n`);
  }
  // written after every seed, so a run cut short keeps the seeds it finished
  if (opts.out) save();
}

console.log(`\nLiMAML Table 3 on synth(limaml, rows: ${opts.rows}), ${opts.seeds} seeds, ${opts.epochs} epochs (MAML models: ${opts.metaEpochs || opts.epochs}, tasks per batch ${opts.tasksPerBatch || 'as the specs'}), backend ${backend}; held-out users (by_key 0.3), query AUC (mean ± sd)`);
console.log(`vanilla fine-tuning: ${opts.ftSteps} SGD steps of lr ${opts.ftLr} on every parameter; MAML/LiMAML: their inner steps (1 step, lr 0.5)\n`);
const line = (row, byGroup) => console.log([row.padEnd(34), ...SLICES.map((s) => fmtMeanSd((byGroup[GROUP(s)]?.auc ?? []).map((v) => (v === null ? NaN : v))).padStart(18))].join(' '));
console.log(['model'.padEnd(34), ...SLICES.map((s) => s.padStart(18))].join(' '));
for (const [row, tasks] of Object.entries(report.results)) line(row, tasks.click);
for (const [row, tasks] of Object.entries(report.oracle)) line(row, tasks.click);
console.log(`${'query rows per seed'.padEnd(34)} ${SLICES.map((s) => String(Math.round(report.counts[GROUP(s)].reduce((a, b) => a + b, 0) / report.counts[GROUP(s)].length)).padStart(18)).join(' ')}`);
console.log(`(${ORACLE}: the query rows scored with the setting's true logit 1.5 p_u·q_i/√8 + b_i + c, not a model; src/data/synth/limaml.ts)`);
console.log('\ntraining speed (samples/s, mean over seeds):');
for (const [name, v] of speeds) console.log(`  ${name.padEnd(20)} ${Math.round(v.reduce((a, x) => a + x.sps, 0) / v.length)}`);
console.log(`\npaired by seed (same data, split, query rows), AUC; LiMAML Table 3: LiMAML ahead of the fine-tuned vanilla model, adaptation helps MAML`);
printPaired(pairsOf(), { pair: 59, group: 28 });
console.log(`\nwall time ${((performance.now() - started) / 60000).toFixed(1)} min (training and scoring)`);
if (opts.out) save();

// Table 6: time per epoch of LiMAML (MLP) with n inner steps (1 epoch each, seed 1)
if (opts.skipTiming) process.exit(0);
console.log('\nLiMAML (MLP) time per epoch by inner steps n (1 epoch, seed 1):');
const base = compileExample('examples/limaml-mlp.rec');
let first;
const timing = [];
for (const n of [1, 2, 3]) {
  const stage = base.plan.stages[0];
  const g = { ...base, meta: { ...base.meta, steps: n }, plan: { stages: [{ ...stage, step: { ...stage.step, steps: n } }] } };
  const r = await runOnce(tf, g, { seed: 1, rows: opts.timeEpochRows || opts.rows, epochs: 1, runner });
  const perEpoch = r.dataset.n > 0 ? r.seconds : NaN;
  first ??= perEpoch;
  console.log(`  n = ${n}: ${perEpoch.toFixed(1)} s per epoch (${Math.round(r.samplesPerSecond)} samples/s in steps), ${(perEpoch / first).toFixed(2)}× n = 1`);
  timing.push({ innerSteps: n, secondsPerEpoch: perEpoch, samplesPerSecond: r.samplesPerSecond });
}
if (opts.out) save({ timing });

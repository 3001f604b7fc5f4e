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
// AUC over all query rows and sliced by users with fewer than 25 / 25 or more test samples, mean ±
// sd over seeds; then LiMAML (MLP) training time per epoch with n = 1, 2, 3 inner steps (Table 6).
// Reported, not asserted. Run after `npm run build`, under the shared lock:
//   node bench/limaml.mjs [--seeds 3] [--rows 20000] [--epochs 4] [--meta-epochs E]
//                                   [--tasks-per-batch N] [--ft-steps 3] [--ft-lr 0.05] [--skip-timing 1]
// RECC_BACKEND=ort trains on onnxruntime (evaluation stays on TensorFlow.js), as every paper bench.
// --tasks-per-batch patches the plan and keeps the specs' learning rates (no lr_tasks scaling).
import { slice } from '../dist/data/preprocess.js';
import { buildForward } from '../dist/lower/tfjs/forward.js';
import { predict } from '../dist/train/evaluate.js';
import { fineTuner } from '../dist/train/fine-tune.js';
import { metaPredict, metaRunner } from '../dist/train/meta-embed.js';
import { auc } from '../dist/train/metrics.js';
import { splitTestTasks, TASK_SLICE } from '../dist/train/task-split.js';
import { compileExample, fmtMeanSd, parseArgs, runOnce, startBackend } from './lib/compare.mjs';

const opts = parseArgs(process.argv.slice(2), { seeds: 3, rows: 20_000, epochs: 4, metaEpochs: 0, tasksPerBatch: 0, ftSteps: 3, ftLr: 0.05, timeEpochRows: 0, skipTiming: 0 });
const { tf, backend, runner } = await startBackend();
const SLICES = ['all', 'fewer than 25', '25 or more'];

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

/** `--tasks-per-batch N` for the models trained by MAML (default: each spec's). */
function withTasksPerBatch(g) {
  const stage = g.plan.stages[0];
  if (!opts.tasksPerBatch || stage.batching.kind !== 'tasks') return g;
  return { ...g, plan: { stages: [{ ...stage, batching: { ...stage.batching, perBatch: opts.tasksPerBatch } }] } };
}

const MODELS = [
  { name: 'vanilla', file: 'examples/limaml-vanilla.rec', kind: 'vanilla' },
  { name: 'MAML (whole net)', file: 'examples/limaml-maml-whole.rec', kind: 'whole' },
  { name: 'LiMAML (MLP)', file: 'examples/limaml-mlp.rec', kind: 'limaml' },
  { name: 'LiMAML (id)', file: 'examples/limaml-id.rec', kind: 'limaml' },
];
const results = new Map(); // row name → slice → [per seed]
const put = (row, s) => {
  const r = results.get(row) ?? Object.fromEntries(SLICES.map((k) => [k, []]));
  for (const k of SLICES) r[k].push(s[k]);
  results.set(row, r);
};
const speeds = new Map();

for (let seed = 1; seed <= opts.seeds; seed++) {
  for (const m of MODELS) {
    const g0 = withTasksPerBatch(compileExample(m.file));
    const r = await runOnce(tf, g0, { seed, rows: opts.rows, epochs: m.kind === 'vanilla' ? opts.epochs : opts.metaEpochs || opts.epochs, runner });
    const g = r.graph;
    const { support, query } = splitTestTasks(r.dataset, 'user_id', r.test, 0.75);
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
    put(`${m.name}, no fine-tuning`, scores(plain, query));
    put(`${m.name}, fine-tuned`, scores(tuned, query));
    (speeds.get(m.name) ?? speeds.set(m.name, []).get(m.name)).push({ sps: r.samplesPerSecond, seconds: r.seconds });
    process.stderr.write(`seed ${seed} ${m.name}: ${r.seconds.toFixed(0)} s, AUC no-FT ${scores(plain, query).all.toFixed(4)} FT ${scores(tuned, query).all.toFixed(4)}\n`);
  }
}

console.log(`\nLiMAML Table 3 on synth(limaml, rows: ${opts.rows}), ${opts.seeds} seeds, ${opts.epochs} epochs (MAML models: ${opts.metaEpochs || opts.epochs}, tasks per batch ${opts.tasksPerBatch || 'as the specs'}), backend ${backend}; held-out users (by_key 0.3), query AUC (mean ± sd)`);
console.log(`vanilla fine-tuning: ${opts.ftSteps} SGD steps of lr ${opts.ftLr} on every parameter; MAML/LiMAML: their inner steps (1 step, lr 0.5)\n`);
console.log(['model'.padEnd(34), ...SLICES.map((s) => s.padStart(18))].join(' '));
for (const [row, r] of results) console.log([row.padEnd(34), ...SLICES.map((s) => fmtMeanSd(r[s]).padStart(18))].join(' '));
console.log('\ntraining speed (samples/s, mean over seeds):');
for (const [name, v] of speeds) console.log(`  ${name.padEnd(20)} ${Math.round(v.reduce((a, x) => a + x.sps, 0) / v.length)}`);

// Table 6: time per epoch of LiMAML (MLP) with n inner steps (1 epoch each, seed 1)
if (opts.skipTiming) process.exit(0);
console.log('\nLiMAML (MLP) time per epoch by inner steps n (1 epoch, seed 1):');
const base = compileExample('examples/limaml-mlp.rec');
let first;
for (const n of [1, 2, 3]) {
  const stage = base.plan.stages[0];
  const g = { ...base, meta: { ...base.meta, steps: n }, plan: { stages: [{ ...stage, step: { ...stage.step, steps: n } }] } };
  const r = await runOnce(tf, g, { seed: 1, rows: opts.timeEpochRows || opts.rows, epochs: 1, runner });
  const perEpoch = r.dataset.n > 0 ? r.seconds : NaN;
  first ??= perEpoch;
  console.log(`  n = ${n}: ${perEpoch.toFixed(1)} s per epoch (${Math.round(r.samplesPerSecond)} samples/s in steps), ${(perEpoch / first).toFixed(2)}× n = 1`);
}

// PeterRec's transfer comparison (seeds/004, Table 3) on the synthetic PeterRec setting
// (src/data/synth/peterrec.ts: latent user types shape item sequences; `age` follows the type).
// Per seed: NextItNet is pretrained once by next-item prediction on every user's sequence; then
// the profile task (age, 4 classes) is fine-tuned on the first `--labelled` users (half of them
// held out for evaluation) from the pretrained weights, loaded by name (src/train/pretrained.ts),
// as each of:
//   FineAll     every parameter trained (the network, the item table, the head)
//   FineCLS     only the head (the network and the item table frozen)
//   FineLast    the last residual block and the head
//   PeterRec-s  serial patches grafted after each conv, + every block's LN2, + the head
//   PeterRec-p  parallel patches beside each conv (with the official code's extra copy of x), same
//   Scratch     FineAll's model trained from random weights (no pretraining)
// The same six for cold-start items (ColdRec; src/data/synth/peterrec.ts `peterrec_cold`): the
// first `--cold-users` users each like one target-domain item (never in the sequences) and see one random
// one (BCE); `--ranked` further users each rank their liked item among 99 random target items.
// Reported: profile accuracy on the held-out labelled users, HR@5 and MRR@5 (1 positive among 100)
// for cold-start items (mean ± sd over seeds), and the trained fraction of FineAll's parameters,
// beside the paper's direction and fractions. Not asserted.
// Oracle rows score the same held-out rows with the setting's hidden truth (src/data/synth/peterrec.ts),
// not a model: profile, the user's true type as the age (the Bayes rule knowing the type, 0.9 + 0.1/4
// in expectation); cold start, the true score of each candidate given the user's type
// (`peterrecTruth(...).likedScore`: π_z(cluster) / cluster size, the Bayes ranking knowing the type),
// HR@5 / MRR@5 in expectation over a random order of tied candidates (items of one cluster tie).
// Paired by seed (same pretrained weights, rows and split): PeterRec-s − FineCLS, PeterRec-p − FineCLS,
// PeterRec-s − FineAll (the paper: PeterRec ≈ FineAll > FineCLS) and FineAll − Scratch (pretraining helps).
// Run after `npm run build`, under the bench lock:
//   node bench/peterrec-transfer.mjs [--seeds 3] [--users 6000]
//        [--labelled 1000] [--cold-users 600] [--ranked 100] [--pre-epochs 2] [--epochs 8] [--channels 32]
//        [--bottleneck 8]
//        [--tasks profile,cold] [--out FILE.json]
// RECC_BACKEND=ort trains on onnxruntime, as every paper bench. --out writes the issue-20 report
// (bench/lib/report.mjs): a row per variant × task (`profile`: `accuracy`; `cold`: `hr@5`, `mrr@5`), group `all`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preprocess } from '../dist/data/preprocess.js';
import { split } from '../dist/data/split.js';
import { slice } from '../dist/data/preprocess.js';
import { peterrecColdRows, peterrecRows, peterrecTruth } from '../dist/data/synth/peterrec.js';
import { buildForward } from '../dist/lower/tfjs/forward.js';
import { predict } from '../dist/train/evaluate.js';
import { graphStats } from '../dist/ir/stats.js';
import { analyze } from '../dist/semantics/analyze.js';
import { train } from '../dist/train/train.js';
import { fmtMeanSd, parseArgs, startBackend } from './lib/compare.mjs';
import { newResults, paired, printPaired, record, writeReport } from './lib/report.mjs';

const o = parseArgs(process.argv.slice(2), { seeds: 3, users: 4000, labelled: 1000, coldUsers: 600, ranked: 100, preEpochs: 2, epochs: 8, channels: 32, bottleneck: 8, lr: 0.003, tasks: 'profile,cold', out: '' });
const TASKS = String(o.tasks).split(',');
const { tf, backend, runner } = await startBackend();

const FEATURES = `  features {
    items: seq(id(hash: 256, dim: ${o.channels}), max_len: 20)
    target: id(hash: 512, dim: ${o.channels})
    age: label
    liked: label
  }
  let net = peterrec.nextitnet(items, dilations: [1, 4], repeat: 2)`;
const HEADS = {
  profile: { task: 'task age : multiclass(label: age, classes: 4) { from: peterrec.user_vector(net) }', split: 'random(test: 0.5)', frozen: 'embedding' },
  // the target-item table is new and trained; only the source item table is frozen
  cold: { task: 'task like : binary(label: liked) { from: peterrec.score(peterrec.user_vector(net), target) }', split: 'by_key(user_id, test: 0.2)', frozen: '"features.items.*"' },
};
const stage = (head, body) => `use std.peterrec
model m {
${FEATURES}
  train { batch: 128, split: ${head.split}, optimizer: adam(lr: ${o.lr}) }
  stage pretrain {
    task next : next_item(items) { from: net }
  }
  stage tune {
${body.map((l) => `    ${l}`).join('\n')}
    ${head.task}
  }
}`;
const graft = (mode) => `graft: { into: "net.*.conv*", patch: peterrec.${mode}(bottleneck: ${o.bottleneck}) }`;
const variants = (h) => ({
  FineAll: stage(h, []),
  FineCLS: stage(h, [`freeze: [net, ${h.frozen}]`]),
  FineLast: stage(h, [`freeze: [net, ${h.frozen}]`, 'train: [net.residual3]']),
  'PeterRec-s': stage(h, [`freeze: [net, ${h.frozen}]`, 'train: [net.*.ln1]', graft('serial')]),
  'PeterRec-p': stage(h, [`freeze: [net, ${h.frozen}]`, 'train: [net.*.ln1]', graft('parallel')]),
  Scratch: stage(h, []),
});
const PRETRAIN = `use std.peterrec
model m {
${FEATURES}
  train { batch: 128, split: random(test: 0.1), optimizer: adam(lr: 0.001) }
  task next : next_item(items) { from: net }
}`;

function compile(text) {
  const a = analyze(text, join(process.cwd(), 'peterrec-bench.rec'));
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !a.graph) throw new Error(errors.map((d) => d.message).join('; '));
  return a.graph;
}
function data(graph, rows, seed) {
  const { dataset } = preprocess(graph, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'synth', keyColumns: ['user_id'] });
  return { dataset, parts: split(dataset, graph.train.split, seed) };
}
async function run(graph, d, opts) {
  const outDir = mkdtempSync(join(tmpdir(), 'recc-peterrec-bench-'));
  try {
    return await train(tf, graph, d.dataset, d.parts, { outDir, resume: false, checkpointEvery: 1_000_000, log: () => undefined, progress: false, ...(runner ? { runner } : {}), ...opts });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** HR@5 and MRR@5 of the liked item (each user's first row) among its user's 100 rows. */
function ranking(g, weights, ds) {
  const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name], p.shape)]));
  const p = predict(tf, buildForward(tf, g, 'serve'), params, ds).like;
  for (const t of Object.values(params)) t.dispose();
  let hr = 0;
  let mrr = 0;
  const users = ds.n / 100;
  for (let u = 0; u < users; u++) {
    const pos = p[u * 100];
    let rank = 1;
    for (let k = 1; k < 100; k++) if (p[u * 100 + k] >= pos) rank++; // ties count against the liked item
    if (rank <= 5) {
      hr++;
      mrr += 1 / rank;
    }
  }
  return { hr: hr / users, mrr: mrr / users };
}

/**
 * The oracle's HR@5 and MRR@5: the ranked users' candidates scored with the true score given the
 * type; the liked item's rank is uniform among the candidates tied with it, so HR and MRR are their
 * expectations over that order (the models' rule, ties against the liked item, would penalize the
 * ties the truth has by construction).
 */
function oracleRanking(rows, truth) {
  let hr = 0;
  let mrr = 0;
  const users = rows.length / 100;
  for (let u = 0; u < users; u++) {
    const score = (k) => truth.likedScore(Number(rows[u * 100 + k].type), String(rows[u * 100 + k].target));
    if (rows[u * 100].liked !== 1) throw new Error('oracle: the liked item is not the user\'s first row');
    const pos = score(0);
    let above = 0;
    let tied = 0;
    for (let k = 1; k < 100; k++) {
      const v = score(k);
      if (v > pos) above++;
      else if (v === pos) tied++;
    }
    // rank uniform in above + 1 .. above + 1 + tied
    for (let r = above + 1; r <= above + 1 + tied; r++) {
      if (r <= 5) {
        hr += 1 / (tied + 1);
        mrr += 1 / r / (tied + 1);
      }
    }
  }
  return { hr: hr / users, mrr: mrr / users };
}

const METRIC = { accuracy: 'accuracy', hr: 'hr@5', mrr: 'mrr@5' };
/** One scoring ({ accuracy } or { hr, mrr }) as an evaluation of the task, group `all`. */
const asEvaluation = (task, m) => ({ tasks: { [task]: { all: Object.fromEntries(Object.entries(m).map(([k, v]) => [METRIC[k], v])) } } });
const PAIRS = [
  ['PeterRec-s', 'FineCLS'],
  ['PeterRec-p', 'FineCLS'],
  ['PeterRec-s', 'FineAll'],
  ['FineAll', 'Scratch'],
];
const report = { ...newResults(), countsByTask: {} };
const pairsOf = () => PAIRS.flatMap(([a, b]) => paired(report.results, a, b));
const save = () =>
  writeReport(o.out, { ...report, paired: pairsOf() }, { bench: 'peterrec-transfer', setting: 'peterrec', opts: { ...o, seeds: report.seeds.length }, backend, preNll, wallSeconds: (performance.now() - t0) / 1000 });

const graphs = Object.fromEntries(TASKS.map((t) => [t, Object.fromEntries(Object.entries(variants(HEADS[t])).map(([k, v]) => [k, compile(v)]))]));
const names = Object.keys(variants(HEADS.profile));
const results = Object.fromEntries(TASKS.map((t) => [t, Object.fromEntries(names.map((k) => [k, []]))]));
const preNll = [];
const t0 = performance.now();
for (let s = 1; s <= o.seeds; s++) {
  const pre = { ...compile(PRETRAIN) };
  pre.train = { ...pre.train, seed: s, epochs: o.preEpochs };
  pre.plan = { stages: pre.plan.stages.map((st) => ({ ...st, settings: { ...st.settings, seed: s, epochs: o.preEpochs } })) };
  const p = await run(pre, data(pre, peterrecRows({ seed: s, rows: o.users }).map((r) => ({ ...r, target: '', liked: 0 })), s), {});
  preNll.push(p.evaluation.tasks.next.all.nll);
  const tensors = Object.fromEntries(Object.entries(p.weights).map(([name, w]) => [name, { shape: pre.params.find((q) => q.name === name).shape, data: w }]));
  // the first users of the same world: labelled for the profile; for cold-start items, a liked and
  // a random target item each, and after them `--ranked` users with 99 random ones each
  const rows = {
    profile: peterrecRows({ seed: s, rows: o.labelled }).map((r) => ({ ...r, target: '', liked: 0 })),
    cold: peterrecColdRows({ seed: s, rows: 2 * o.coldUsers, negatives: 1 }).map((r) => ({ ...r, age: 0 })),
  };
  const ranked = peterrecColdRows({ seed: s, rows: 100 * o.ranked, negatives: 99, first: o.coldUsers }).map((r) => ({ ...r, age: 0 }));
  report.seeds.push(s);
  for (const task of TASKS) {
    // oracle rows: the same held-out rows as the variants (the seed fixes the rows and the split)
    if (task === 'profile') {
      const g = graphs.profile.FineAll;
      const d = data({ ...g, train: { ...g.train, seed: s } }, rows.profile, s);
      if (d.dataset.n !== rows.profile.length) throw new Error('oracle: profile rows were dropped');
      const test = Array.from(d.parts.test);
      if (test.some((i) => d.dataset.labels.age[i] !== rows.profile[i].age)) throw new Error('oracle: profile rows do not line up');
      record(report.oracle, 'oracle (true type)', asEvaluation('profile', { accuracy: test.filter((i) => rows.profile[i].type === rows.profile[i].age).length / test.length }));
      ((report.countsByTask.profile ??= {}).all ??= []).push(test.length);
    } else {
      record(report.oracle, 'oracle (true score)', asEvaluation('cold', oracleRanking(ranked, peterrecTruth({ seed: s }))));
      ((report.countsByTask.cold ??= {}).all ??= []).push(o.ranked);
    }
    for (const [name, g0] of Object.entries(graphs[task])) {
      const g = { ...g0, train: { ...g0.train, seed: s }, plan: { stages: g0.plan.stages.map((st) => ({ ...st, settings: { ...st.settings, seed: s, epochs: o.epochs } })) } };
      const d = data(g, rows[task], s);
      // Scratch: the fine-tuning stage alone, from random weights (nothing loaded)
      const r = name === 'Scratch' ? await run({ ...g, plan: { stages: [g.plan.stages[1]] } }, d, {}) : await run(g, d, { pretrained: { file: 'pretrain', tensors, from: 'tune' } });
      const m = task === 'profile' ? { accuracy: r.evaluation.tasks.age.all.accuracy } : ranking(g, r.weights, data(g, ranked, s).dataset);
      results[task][name].push(m);
      record(report.results, name, asEvaluation(task, m));
      process.stderr.write(`seed ${s} ${task} ${name}: ${Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  }
  // written after every seed, so a run cut short keeps the seeds it finished
  if (o.out) save();
}

const PAPER = { FineAll: '100 %', FineCLS: 'head only', FineLast: 'last block + head', 'PeterRec-s': '9.4 %, 2.7 %, 0.16 %', 'PeterRec-p': '(Table 3 reports serial)', Scratch: '—' };
console.log(`PeterRec transfer on synth(peterrec): ${o.users} users pretrained (${o.preEpochs} epochs; held-out next-item nll ${fmtMeanSd(preNll)}; ln 257 = ${Math.log(257).toFixed(3)} is uniform),`);
console.log(`${o.labelled} labelled users (profile), ${o.coldUsers} (cold-start), ${o.epochs} epochs, C = ${o.channels}, bottleneck ${o.bottleneck}, lr ${o.lr}, ${o.seeds} seeds, backend ${backend}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log('paper (Table 3): PeterRec ≈ FineAll > FineLast > FineCLS, pretraining > none; PeterRec trains 9.4 %, 2.7 %, 0.16 % of FineAll');
for (const task of TASKS) {
  const cols = task === 'profile' ? ['accuracy'] : ['hr', 'mrr'];
  const label = { accuracy: 'accuracy', hr: 'HR@5', mrr: 'MRR@5' };
  console.log('');
  console.log(task === 'profile' ? `profile (age, 4 classes; half of the labelled users held out; Bayes accuracy knowing the type ${(0.9 + 0.1 / 4).toFixed(3)}, chance 0.25)` : `cold-start items (${o.ranked} held-out users, 1 liked among 100; chance HR@5 0.05)`);
  const fineAll = graphStats(graphs[task].FineAll).stages[1].trainable;
  console.log(`${'variant'.padEnd(12)}${cols.map((c) => `${label[c]} (mean ± sd)`.padStart(24)).join('')}${'trained'.padStart(10)}${'of FineAll'.padStart(12)}   paper`);
  for (const [name, ms] of Object.entries(results[task])) {
    const trained = graphStats(graphs[task][name]).stages[1].trainable;
    console.log(`${name.padEnd(12)}${cols.map((c) => fmtMeanSd(ms.map((m) => m[c])).padStart(24)).join('')}${trained.toLocaleString('en-US').padStart(10)}${`${((100 * trained) / fineAll).toFixed(2)} %`.padStart(12)}   ${PAPER[name]}`);
  }
  for (const [name, tasks] of Object.entries(report.oracle)) {
    if (tasks[task]) console.log(`${'oracle'.padEnd(12)}${cols.map((c) => fmtMeanSd(tasks[task].all[METRIC[c]]).padStart(24)).join('')}${''.padStart(22)}   ${name}: the hidden truth, not a model`);
  }
}
console.log('\noracle (true type): the held-out users\' true type as their age; oracle (true score): candidates ranked by π_z(cluster) / cluster size');
console.log('given the true type, ties (one cluster) in random order, HR@5 / MRR@5 in expectation; see src/data/synth/peterrec.ts');
console.log(`\npaired by seed (same pretrained weights, rows and split); paper: PeterRec ≈ FineAll > FineCLS, pretraining > none`);
printPaired(pairsOf(), { pair: 26, group: 6 });
if (o.out) save();

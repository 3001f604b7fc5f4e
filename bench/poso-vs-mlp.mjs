// POSO against its baseline without the personalised gates, on the POSO synthetic setting
// (src/data/synth/poso.ts: new users are ~5 % of the rows and weigh the same movie features the
// other way; POSO §3, §5.3): every example trained with the same data, split, batch order, budget
// and seeds; GAUC (by user) and AUC per task on new users, regular users and everyone, mean ± sd
// over seeds, oracle rows from the hidden truth, and POSO − baseline paired by seed. Not a test.
//   npm run build && node bench/poso-vs-mlp.mjs [--seeds 5] [--rows 100000]
//     [--epochs 2] [--batch 1024] [--models poso,shared-bottom,poso-mmoe,mmoe] [--version 2] [--out FILE.json]
// --batch overrides the examples' batch size (1024) for every model alike: at 100 000 rows and two
// epochs, batch 1024 is ~146 Adam steps.
// The paper's direction (POSO Table 5, MovieLens-20M, GAUC): POSO above the baseline, 76.89 vs
// 76.08 (favorite) and 75.29 vs 74.57 (satisfied). `--version 1` runs the earlier setting.
import { posoSynth } from '../dist/data/synth/poso.js';
import { compileExample, parseArgs, paramCounts, runOnce, startBackend } from './lib/compare.mjs';
import { countGroups, newResults, oracleEvaluation, paired, printPaired, printTable, record, writeReport } from './lib/report.mjs';

const MODELS = {
  poso: 'examples/poso-movielens.rec',
  'shared-bottom': 'examples/shared-bottom.rec',
  'poso-mmoe': 'examples/poso-mmoe.rec',
  mmoe: 'examples/mmoe.rec',
};
// each mechanism model against the baseline it extends
const PAIRS = [
  ['poso', 'shared-bottom'],
  ['poso-mmoe', 'mmoe'],
];
const args = parseArgs(process.argv.slice(2), { seeds: 5, rows: 100_000, epochs: 2, batch: 0, models: 'poso,shared-bottom', version: 2, out: '' }, ['seeds', 'rows', 'epochs']);
if (args.help) {
  console.log('node bench/poso-vs-mlp.mjs [--seeds 5] [--rows 100000] [--epochs 2] [--batch 1024] [--models poso,shared-bottom,poso-mmoe,mmoe] [--version 2] [--out FILE.json]');
  process.exit(0);
}
const names = args.models.split(',').map((s) => s.trim()).filter(Boolean);
for (const n of names) if (!MODELS[n]) throw new Error(`unknown model ${n} (known: ${Object.keys(MODELS).join(', ')})`);
const graphs = Object.fromEntries(names.map((n) => [n, compileExample(MODELS[n])]));
const { tf, backend, runner } = await startBackend();
const started = performance.now();
console.log(`POSO synthetic setting v${args.version}, ${args.rows} rows, ${args.epochs} epoch(s), batch ${args.batch || 'as in the examples'}, seeds 1..${args.seeds}, backend ${backend}`);
console.log(`models: ${names.map((n) => `${n} (${MODELS[n]}, ${paramCounts(graphs[n]).total} parameters)`).join(', ')}`);

const report = newResults();
const pairsOf = () => PAIRS.filter(([a, b]) => names.includes(a) && names.includes(b)).flatMap(([a, b]) => paired(report.results, a, b).filter((p) => p.metric === 'gauc' && p.group !== 'all'));
const save = () => writeReport(args.out, { ...report, paired: pairsOf() }, { bench: 'poso-vs-mlp', setting: `poso v${args.version}`, opts: { ...args, seeds: report.seeds.length }, backend, files: Object.fromEntries(names.map((n) => [n, MODELS[n]])) });
for (let seed = 1; seed <= args.seeds; seed++) {
  report.seeds.push(seed);
  // seeds outermost: a cut-short run still compares the models on the same seeds
  for (const name of names) {
    const g = graphs[name];
    const data = { ...g.train.data, options: { ...g.train.data.options, version: args.version } };
    const r = await runOnce(tf, g, { seed, rows: args.rows, epochs: args.epochs, train: { data, ...(args.batch > 0 ? { batch: args.batch } : {}) }, runner });
    record(report.results, name, r.evaluation);
    if (name === names[0]) {
      // the same rows and split for every model (the seed fixes both)
      countGroups(report, r.dataset, r.test, r.graph.train.groupBy);
      if (args.version === 2) {
        const { truth } = posoSynth({ ...data.options, seed, rows: args.rows });
        record(report.oracle, 'oracle (true score)', oracleEvaluation(r.graph, r.dataset, r.test, { favorite: truth.score, satisfied: truth.score }));
        record(report.oracle, 'oracle (regular fn)', oracleEvaluation(r.graph, r.dataset, r.test, { favorite: truth.regular, satisfied: truth.regular }));
      }
    }
    const nu = Object.entries(r.evaluation.tasks).map(([task, gs]) => `${task} ${gs['is_new=new']?.gauc?.toFixed(4)}`).join(', ');
    console.log(`  seed ${seed} ${name.padEnd(14)} new-user GAUC ${nu}  (${r.seconds.toFixed(0)} s, ${r.samplesPerSecond.toFixed(0)} samples/s)`);
  }
  // written after every seed, so a run cut short keeps the seeds it finished
  if (args.out) save();
}

const groups = ['is_new=new', 'is_new=regular', 'all'];
for (const metric of ['gauc', 'auc']) {
  printTable(`${metric.toUpperCase()}${metric === 'gauc' ? ' (by user)' : ''}, mean ± sd over ${args.seeds} seeds`, report.results, groups, metric);
  if (Object.keys(report.oracle).length > 0) printTable('  the same metric scored with the hidden truth (not models): the true score, and the regular users\' function for everyone (a model that ignores avc)', report.oracle, groups, metric);
}
console.log(`\ntest rows per seed: ${groups.map((g) => `${g} ${Math.round(report.counts[g]?.reduce((a, b) => a + b, 0) / report.counts[g]?.length)}`).join(', ')}`);
report.paired = pairsOf();
console.log('\nmechanism − baseline, paired by seed (same data, split, order); POSO Table 5: POSO ahead (+0.81 / +0.72 GAUC points)');
printPaired(report.paired);
console.log(`\nwall time ${((performance.now() - started) / 60000).toFixed(1)} min`);
if (args.out) save();

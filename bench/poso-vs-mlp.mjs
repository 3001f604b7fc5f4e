// POSO against a plain shared-bottom MLP on the POSO synthetic setting (POSO §5.3: imbalanced new
// and regular users who behave differently): both examples trained with the same data, budget and
// seeds, reporting GAUC per task on new users and on everyone (mean ± sd over seeds). Not a test.
//   npm run build && node bench/poso-vs-mlp.mjs [seeds=3] [rows=100000] [epochs=2]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { split } from '../dist/data/split.js';
import { analyzeFile } from '../dist/semantics/analyze.js';
import { initBackend } from '../dist/lower/tfjs/backend.js';
import { loadData } from '../dist/train/data-source.js';
import { train } from '../dist/train/train.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const [seeds, rows, epochs] = [Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 100_000), Number(process.argv[4] ?? 2)];
const models = { poso: 'examples/poso-movielens.rec', 'shared-bottom': 'examples/shared-bottom.rec' };
const { tf, backend } = await initBackend(process.env.RECC_BACKEND ?? 'wasm');

const stats = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${m.toFixed(4)} ± ${sd.toFixed(4)}`;
};

console.log(`POSO synthetic setting, ${rows} rows, ${epochs} epoch(s), seeds 1..${seeds}, backend ${backend}`);
const results = {}; // model → task → group → [gauc per seed]
for (const [name, file] of Object.entries(models)) {
  const base = analyzeFile(join(root, file));
  if (!base.graph) throw new Error(`${file} does not compile: ${base.diagnostics.map((d) => d.message).join('; ')}`);
  for (let seed = 1; seed <= seeds; seed++) {
    // The seed drives the data, the split, the initial weights and the batch order, for both models alike.
    const graph = { ...base.graph, train: { ...base.graph.train, seed } };
    const loaded = await loadData(graph, { rows, skipBadRows: false, seed });
    if (loaded.errors.length > 0) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    const parts = split(loaded.dataset, graph.train.split, seed);
    const t = performance.now();
    const r = await train(tf, graph, loaded.dataset, parts, { outDir: mkdtempSync(join(tmpdir(), 'recc-pvm-')), epochs, resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
    for (const [task, groups] of Object.entries(r.evaluation.tasks)) {
      for (const [group, row] of Object.entries(groups)) {
        ((((results[name] ??= {})[task] ??= {})[group] ??= [])).push(row.gauc);
      }
    }
    const newUsers = Object.entries(r.evaluation.tasks).map(([task, g]) => `${task} ${g['is_new=new']?.gauc.toFixed(4)}`).join(', ');
    console.log(`  ${name} seed ${seed}: new-user GAUC ${newUsers}  (${((performance.now() - t) / 1000).toFixed(0)} s, ${r.samplesPerSecond.toFixed(0)} samples/s)`);
  }
}

console.log('\nGAUC (by user), mean ± sd over seeds');
const groups = ['is_new=new', 'is_new=regular', 'all'];
console.log(`${'model'.padEnd(15)}${'task'.padEnd(11)}${groups.map((g) => g.padStart(20)).join('')}`);
for (const [name, tasks] of Object.entries(results)) {
  for (const [task, byGroup] of Object.entries(tasks)) {
    console.log(`${name.padEnd(15)}${task.padEnd(11)}${groups.map((g) => (byGroup[g] ? stats(byGroup[g]) : 'n/a').padStart(20)).join('')}`);
  }
}

// `--backend ort` against `--backend wasm` on the examples: the same seeds (data, split, initial
// weights, batch order) on both, the held-out AUC of every task (mean ± sd over the seeds, and the
// mean of the per-seed differences), and training samples/s with the speed-up of ort over wasm.
// Not a test (test/train/ort-runner.test.ts checks the two step by step on small data).
//   npm run build && node bench/ort-vs-wasm.mjs [--seeds 3] [--rows 20000] [--epochs 1] [--threads 1] [--only pepnet]
import { ortRunner } from '../dist/train/ort-runner.js';
import { loadOrt } from '../dist/train/ort/load.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileExample, fmtMeanSd, parseArgs, root, runOnce, startBackend } from './lib/compare.mjs';

const o = parseArgs(process.argv.slice(2), { seeds: 3, rows: 20000, epochs: 1, threads: 1, only: '' });
const loaded = await loadOrt();
if ('error' in loaded) throw new Error(`onnxruntime-node cannot load: ${loaded.error}`);
const { tf } = await startBackend();
const runner = (init) => ortRunner(loaded.ort, init, { threads: o.threads, cuda: false });
const specs = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.rec') && f.includes(o.only));
console.log(`ort (${o.threads} thread${o.threads > 1 ? 's' : ''}) vs wasm: ${o.seeds} seeds, ${o.rows} rows, ${o.epochs} epoch(s); held-out AUC (mean ± sd), samples/s (mean)`);
for (const spec of specs) {
  const graph = compileExample(`examples/${spec}`);
  const runs = { wasm: [], ort: [] };
  for (let seed = 1; seed <= o.seeds; seed++) {
    runs.wasm.push(await runOnce(tf, graph, { seed, rows: o.rows, epochs: o.epochs }));
    runs.ort.push(await runOnce(tf, graph, { seed, rows: o.rows, epochs: o.epochs, runner }));
  }
  const sps = (rs) => rs.reduce((a, r) => a + r.samplesPerSecond, 0) / rs.length;
  console.log(`${spec}: wasm ${sps(runs.wasm).toFixed(0)} samples/s, ort ${sps(runs.ort).toFixed(0)} samples/s, speed-up ${(sps(runs.ort) / sps(runs.wasm)).toFixed(2)}×`);
  for (const task of Object.keys(runs.wasm[0].evaluation.tasks)) {
    const metric = (r) => r.evaluation.tasks[task].all.auc ?? r.evaluation.tasks[task].all.mse ?? r.evaluation.tasks[task].all.accuracy;
    const w = runs.wasm.map(metric);
    const n = runs.ort.map(metric);
    console.log(`  ${task.padEnd(16)} wasm ${fmtMeanSd(w)}   ort ${fmtMeanSd(n)}   ort − wasm ${fmtMeanSd(n.map((x, i) => x - w[i]), 4, true)}`);
  }
}

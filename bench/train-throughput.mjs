// Training throughput of the POSO-MLP reference model (runtime-notes.md; bench/poso-reference.rec)
// on recc's backends, TensorFlow.js wasm (one thread: tfjs-wasm has no thread pool in Node) and
// onnxruntime (`--backend ort`, 1 and 2 intra-op threads; at 1 thread also with the lookup-only
// tables gathered in the graph instead of on the host, ort/session-options.ts), next to PyTorch (Debian python3-torch
// with OpenBLAS, 1 and 2 threads) on the same model, batch, optimizer and loss, in one run. Not a
// test. recc updates its lookup-only embedding tables sparsely (lazy Adam,
// src/train/fused-optimizer.ts), so PyTorch runs twice per thread count: with its default dense
// Adam over whole tables, and with sparse gradients and SparseAdam for the tables (the same
// update as recc's). Every line gives the mean over the measured steps and the median step
// (steadier when the machine is shared); each backend's ratio is to PyTorch, 1 thread, dense Adam.
//   npm run build && node bench/train-throughput.mjs [steps]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../dist/semantics/analyze.js';
import { initBackend } from '../dist/lower/tfjs/backend.js';
import { train } from '../dist/train/train.js';
import { ortRunner } from '../dist/train/ort-runner.js';
import { loadOrt } from '../dist/train/ort/load.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const steps = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 60);
const analysed = analyzeFile(join(root, 'bench/poso-reference.rec'));
if (!analysed.graph) {
  console.error('bench/poso-reference.rec does not compile:', analysed.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  process.exit(1);
}
const graph = analysed.graph;
const batch = graph.train.batch;

// Random ids like the PyTorch script: 8 bags of 3 ids in 1..10 000, a PC id in 1..100, 30 % positives.
const n = batch * (steps + 1);
let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const inputs = {};
const shapes = {};
for (const f of graph.features) {
  if (f.kind === 'seq') {
    inputs[f.name] = Int32Array.from({ length: n * f.maxLen }, () => 1 + Math.floor(rand() * 10_000));
    shapes[f.name] = [f.maxLen];
  } else if (f.kind === 'id') {
    inputs[f.name] = Int32Array.from({ length: n }, () => 1 + Math.floor(rand() * 100));
    shapes[f.name] = [];
  }
}
const labels = { click: Float32Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0)) };
const data = { n, inputs, shapes, labels, keys: {} };
const split = { train: Int32Array.from({ length: batch * steps }, (_, i) => i), test: Int32Array.from({ length: batch }, (_, i) => batch * steps + i) };

const { tf } = await initBackend('wasm');
const quiet = { resume: false, checkpointEvery: 1e9, log: () => {}, progress: false };
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];

/** A warm-up run (kernel compilation, session creation, first allocations), then the measured run. */
async function measure(runner) {
  const extra = runner ? { runner } : {};
  await train(tf, graph, data, { train: split.train.subarray(0, batch * 3), test: split.test }, { ...quiet, ...extra, outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')) });
  const stepMs = [];
  // The loop's own samples/s counts optimizer steps only (batch slicing, forward, backward,
  // update), not the end-of-epoch evaluation and checkpoint.
  const r = await train(tf, graph, data, split, { ...quiet, ...extra, outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')), onStep: (s) => stepMs.push(s.ms) });
  return { sps: r.samplesPerSecond, median: median(stepMs) };
}

const env = (threads) => ({ ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) });
const haveTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8', env: env(1) }).status === 0;
function pytorch(threads, sparse) {
  const py = spawnSync('/usr/bin/python3', [join(root, 'bench/reference/poso_mlp.py'), String(steps), ...(sparse ? ['--sparse'] : []), `--threads=${threads}`], { encoding: 'utf8', env: env(threads) });
  if (py.status !== 0) return { error: py.stderr.slice(-800) };
  const ref = JSON.parse(py.stdout.trim().split('\n').pop());
  return { sps: ref.samples_per_s, median: ref.median_step_ms, torch: ref.torch, threads: ref.threads };
}

const ort = await loadOrt();
const rows = [];
const line = (name, r) => {
  rows.push({ name, ...r });
  console.log(`${name.padEnd(46)} ${r.sps.toFixed(0).padStart(7)} samples/s   median step ${r.median.toFixed(1).padStart(6)} ms`);
};
console.log(`POSO-MLP reference model, batch ${batch}, Adam + BCE, ${steps} measured steps`);
line('recc wasm (tfjs, 1 thread)', await measure());
for (const threads of [1, 2]) {
  if ('error' in ort) console.log(`recc ort: skipped, onnxruntime-node cannot load (${ort.error})`);
  else {
    line(`recc ort (${threads} thread${threads > 1 ? 's' : ''})`, await measure((init) => ortRunner(ort.ort, init, { threads, cuda: false })));
    // the tables gathered in the graph (whole-table inputs and gradients) instead of on the host
    if (threads === 1) line('recc ort (1 thread, lookups in the graph)', await measure((init) => ortRunner(ort.ort, init, { threads, cuda: false, lookups: 'graph' })));
  }
  if (!haveTorch) continue;
  for (const sparse of [false, true]) {
    const r = pytorch(threads, sparse);
    if ('error' in r) console.log(`PyTorch (${threads} threads, ${sparse ? 'SparseAdam' : 'dense Adam'}): the reference script failed:\n${r.error}`);
    else line(`PyTorch ${r.torch} (${r.threads} thread${r.threads > 1 ? 's' : ''}, ${sparse ? 'SparseAdam on tables' : 'dense Adam'})`, r);
  }
}
const ref = rows.find((r) => r.name.startsWith('PyTorch') && r.name.includes('(1 thread, dense Adam)'));
if (ref) {
  console.log('ratios to PyTorch (1 thread, dense Adam), mean samples/s (median steps):');
  for (const r of rows) if (r !== ref) console.log(`  ${r.name.padEnd(44)} ${(r.sps / ref.sps).toFixed(2)}×  (${(ref.median / r.median).toFixed(2)}×)`);
}

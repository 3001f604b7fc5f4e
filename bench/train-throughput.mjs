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
// PyTorch's speed depends on the BLAS Debian's alternatives give it: the reference BLAS (package
// libblas3, what python3-torch pulls in alone) made it 3.5× slower here than OpenBLAS
// (libopenblas0-pthread); the script prints which one is loaded.
//   npm run build && node bench/train-throughput.mjs [steps] [--rounds=3]
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
import { torchBlas } from './lib/torch-blas.mjs';

const root = join(fileURLToPath(import.meta.url), '../..');
const steps = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 60);
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 3);
const analysed = analyzeFile(join(root, 'bench/poso-reference.rec'));
if (!analysed.graph) {
  console.error('bench/poso-reference.rec does not compile:', analysed.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  process.exit(1);
}
const graph = analysed.graph;
const batch = graph.train.batch;

// Random ids like the PyTorch script: 8 bags of 3 ids in 1..10 000, a PC id in 1..100, 30 % positives.
/**
 * Steps each side runs before it measures: JIT tiers, buffers, caches. A recc step reaches its
 * steady speed after about 12 steps here (they run ~1.5× slower), PyTorch's after 2 or 3.
 */
const WARMUP = 20;
const n = batch * (WARMUP + steps + 1);
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
const trainRows = batch * (WARMUP + steps);
const split = { train: Int32Array.from({ length: trainRows }, (_, i) => i), test: Int32Array.from({ length: batch }, (_, i) => trainRows + i) };

const { tf } = await initBackend('wasm');
const quiet = { resume: false, checkpointEvery: 1e9, log: () => {}, progress: false };
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];

/**
 * One run of WARMUP + steps steps in one session, as the PyTorch script does (given the same
 * WARMUP): samples/s and the
 * median over the steps after the warm-up (each step: batch slicing, forward, backward, update;
 * not the end-of-epoch evaluation and checkpoint).
 */
async function measure(runner) {
  const extra = runner ? { runner } : {};
  const stepMs = [];
  await train(tf, graph, data, split, { ...quiet, ...extra, outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')), onStep: (s) => stepMs.push(s.ms) });
  const measured = stepMs.slice(WARMUP);
  return { sps: (batch * measured.length * 1000) / measured.reduce((a, b) => a + b, 0), median: median(measured) };
}

const env = (threads) => ({ ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) });
const haveTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8', env: env(1) }).status === 0;
const blas = () => torchBlas(env(1));

function pytorch(threads, sparse) {
  const py = spawnSync('/usr/bin/python3', [join(root, 'bench/reference/poso_mlp.py'), String(steps), `--warmup=${WARMUP}`, ...(sparse ? ['--sparse'] : []), `--threads=${threads}`], { encoding: 'utf8', env: env(threads) });
  if (py.status !== 0) return { error: py.stderr.slice(-800) };
  const ref = JSON.parse(py.stdout.trim().split('\n').pop());
  return { sps: ref.samples_per_s, median: ref.median_step_ms, torch: ref.torch, threads: ref.threads };
}

const ort = await loadOrt();
if ('error' in ort) console.log(`recc ort: skipped, onnxruntime-node cannot load (${ort.error})`);
if (!haveTorch) console.log('PyTorch: skipped, /usr/bin/python3 cannot import torch');
else console.log(`PyTorch's BLAS: ${blas()}`);

/** Every configuration: a name and how to measure it once. */
const configs = [{ name: 'recc wasm (tfjs, 1 thread)', run: () => measure() }];
for (const threads of [1, 2]) {
  const t = `${threads} thread${threads > 1 ? 's' : ''}`;
  if (!('error' in ort)) {
    configs.push({ name: `recc ort (${t})`, run: () => measure((init) => ortRunner(ort.ort, init, { threads, cuda: false })) });
    // the tables gathered in the graph (whole-table inputs and gradients) instead of on the host
    if (threads === 1) configs.push({ name: 'recc ort (1 thread, lookups in the graph)', run: () => measure((init) => ortRunner(ort.ort, init, { threads, cuda: false, lookups: 'graph' })) });
  }
  if (haveTorch) for (const sparse of [false, true]) configs.push({ name: `PyTorch (${t}, ${sparse ? 'SparseAdam on tables' : 'dense Adam'})`, run: async () => pytorch(threads, sparse) });
}

// Rounds, each measuring every configuration once in turn: on a shared machine the speed drifts
// over a run by more than the differences measured, and interleaving spreads the drift over all
// configurations. Each line gives the median over the rounds.
console.log(`POSO-MLP reference model, batch ${batch}, Adam + BCE, ${steps} measured steps after ${WARMUP} warm-up steps, ${rounds} interleaved rounds`);
const runs = new Map(configs.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const c of configs) {
    const r = await c.run();
    if ('error' in r) {
      console.log(`${c.name}: the reference script failed:\n${r.error}`);
      process.exit(1);
    }
    runs.get(c.name).push(r);
  }
}
const rows = configs.map((c) => ({ name: c.name, sps: median(runs.get(c.name).map((r) => r.sps)), median: median(runs.get(c.name).map((r) => r.median)) }));
for (const r of rows) console.log(`${r.name.padEnd(46)} ${r.sps.toFixed(0).padStart(7)} samples/s   median step ${r.median.toFixed(1).padStart(6)} ms`);
const ref = rows.find((r) => r.name === 'PyTorch (1 thread, dense Adam)');
if (ref) {
  console.log('ratios to PyTorch (1 thread, dense Adam), samples/s (median steps):');
  for (const r of rows) if (r !== ref) console.log(`  ${r.name.padEnd(44)} ${(r.sps / ref.sps).toFixed(2)}×  (${(ref.median / r.median).toFixed(2)}×)`);
}

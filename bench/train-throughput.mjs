// Training throughput of the POSO-MLP reference model (runtime-notes.md; bench/poso-reference.rec)
// on recc's default backend (wasm, one thread) next to PyTorch (Debian python3-torch with
// OpenBLAS, one thread) on the same model, batch, optimizer and loss, in one run. Not a test.
// recc updates its lookup-only embedding tables sparsely (lazy Adam, src/train/fused-optimizer.ts),
// so PyTorch runs twice: with its default dense Adam over whole tables, and with sparse
// gradients and SparseAdam for the tables (the same update as recc's). Both sides print the mean
// over the measured steps and the median step (steadier when the machine is shared).
//   npm run build && node bench/train-throughput.mjs [steps]        (RECC_BACKEND=cpu to compare)
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../dist/semantics/analyze.js';
import { initBackend } from '../dist/lower/tfjs/backend.js';
import { train } from '../dist/train/train.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const steps = Number(process.argv[2] ?? 60);
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

const { tf, backend } = await initBackend(process.env.RECC_BACKEND ?? 'wasm');
const quiet = { resume: false, checkpointEvery: 1e9, log: () => {}, progress: false };
// A warm-up run (kernel compilation, first allocations), then the measured run. The loop's own
// samples/s counts optimizer steps only (batch slicing, forward, backward, update), not the
// end-of-epoch evaluation and checkpoint.
await train(tf, graph, data, { train: split.train.subarray(0, batch * 3), test: split.test }, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')) });
const t = performance.now();
const stepMs = [];
const measured = await train(tf, graph, data, split, { ...quiet, outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')), onStep: (s) => stepMs.push(s.ms) });
const wall = (performance.now() - t) / 1000;
const recc = measured.samplesPerSecond;
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const reccMedian = median(stepMs);

console.log(`POSO-MLP reference model, batch ${batch}, Adam + BCE, ${steps} steps, one thread`);
console.log(
  `recc (tfjs ${backend}): ${recc.toFixed(0)} samples/s, median step ${reccMedian.toFixed(1)} ms  (${((batch * steps) / wall).toFixed(0)} samples/s counting the end-of-run evaluation and checkpoint)`,
);

const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8', env });
if (probe.status !== 0) {
  console.log('PyTorch: skipped, /usr/bin/python3 cannot import torch (apt-get install -y python3-torch libopenblas0-pthread)');
} else {
  for (const [flag, what] of [
    [[], 'dense Adam over whole tables'],
    [['--sparse'], 'SparseAdam on the tables, as recc'],
  ]) {
    const py = spawnSync('/usr/bin/python3', [join(root, 'bench/reference/poso_mlp.py'), String(steps), ...flag], { encoding: 'utf8', env });
    if (py.status !== 0) {
      console.log(`PyTorch (${what}): the reference script failed:\n${py.stderr.slice(-800)}`);
      continue;
    }
    const ref = JSON.parse(py.stdout.trim().split('\n').pop());
    console.log(`PyTorch ${ref.torch} (${ref.threads} thread, ${what}): ${ref.samples_per_s.toFixed(0)} samples/s, median step ${ref.median_step_ms.toFixed(1)} ms`);
    console.log(`  ratio recc / PyTorch: ${(recc / ref.samples_per_s).toFixed(2)} (median steps: ${(ref.median_step_ms / reccMedian).toFixed(2)})`);
  }
}

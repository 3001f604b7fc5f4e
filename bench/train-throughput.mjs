// Training throughput of the POSO-MLP reference model (runtime-notes.md; bench/poso-reference.rec)
// on recc's default backend (wasm, one thread) next to PyTorch (Debian python3-torch, one thread)
// on the same model, batch and optimizer, in one run. Run after `npm run build`:
//   node bench/train-throughput.mjs [steps]
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
const graph = analyzeFile(join(root, 'bench/poso-reference.rec')).graph;
const batch = graph.train.batch;
const n = batch * (steps + 1);
let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const inputs = {};
const shapes = {};
for (const f of graph.features) {
  if (f.kind === 'seq') {
    inputs[f.name] = Int32Array.from({ length: n * 3 }, () => 1 + Math.floor(rand() * 10_000));
    shapes[f.name] = [3];
  } else if (f.kind === 'id') {
    inputs[f.name] = Int32Array.from({ length: n }, () => 1 + Math.floor(rand() * 100));
    shapes[f.name] = [];
  }
}
const labels = { click: Float32Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0)) };
const data = { n, inputs, shapes, labels, keys: {} };
const split = { train: Int32Array.from({ length: batch * steps }, (_, i) => i), test: Int32Array.from({ length: batch }, (_, i) => batch * steps + i) };

const { tf, backend } = await initBackend('wasm');
// warm-up run (kernel compilation), then the measured run
await train(tf, graph, data, { train: split.train.subarray(0, batch * 3), test: split.test }, { outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
const t = performance.now();
await train(tf, graph, data, split, { outDir: mkdtempSync(join(tmpdir(), 'recc-bench-')), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
const recc = (batch * steps) / ((performance.now() - t) / 1000);

const py = spawnSync('/usr/bin/python3', [join(root, 'bench/reference/poso_mlp.py'), String(steps)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
const torch = py.status === 0 ? JSON.parse(py.stdout.trim().split('\n').pop()).samples_per_s : undefined;
console.log(`POSO-MLP reference model, batch ${batch}, Adam + BCE, ${steps} steps, one thread`);
console.log(`recc (tfjs ${backend}):  ${recc.toFixed(0)} samples/s`);
if (torch) console.log(`PyTorch ${JSON.parse(py.stdout.trim().split('\n').pop()).torch}:     ${torch.toFixed(0)} samples/s\nratio recc / PyTorch: ${(recc / torch).toFixed(2)}`);
else console.log(`PyTorch: not measured (/usr/bin/python3 has no torch: apt-get install python3-torch libopenblas0-pthread)\n${py.stderr.slice(0, 300)}`);

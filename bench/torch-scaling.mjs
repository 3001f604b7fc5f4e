// The exported PyTorch package (`recc export torch`) on the POSO-MLP reference model
// (bench/poso-reference.rec, runtime-notes.md): train.py's samples/s on 1 and 2 gloo ranks (one
// thread each, DDP, sparse feature-table gradients with SparseAdam), beside recc's own trainer
// on both of its CPU backends (onnxruntime and TF.js wasm, one thread) and the hand-written
// PyTorch reference (bench/reference/poso_mlp.py --sparse), in one run; it prints the BLAS torch
// loads (bench/lib/torch-blas.mjs). Same model, batch 1024, Adam + BCE, random ids. Not a test.
//   npm run build && node bench/torch-scaling.mjs [steps]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../dist/semantics/analyze.js';
import { initBackend } from '../dist/lower/tfjs/backend.js';
import { ortRunner } from '../dist/train/ort-runner.js';
import { loadOrt } from '../dist/train/ort/load.js';
import { torchBlas } from './lib/torch-blas.mjs';
import { train } from '../dist/train/train.js';

const root = join(fileURLToPath(import.meta.url), '../..');
const steps = Number(process.argv[2] ?? 40);
const spec = join(root, 'bench/poso-reference.rec');
const graph = analyzeFile(spec).graph;
const batch = graph.train.batch;
const work = mkdtempSync(join(tmpdir(), 'recc-torch-scaling-'));
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? 'Haswell' };

// Random rows as CSV (train.py reads files): bags of 3 ids in 1..10 000, a PC id in 1..100, 30 % positives.
let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const n = batch * steps;
const seqs = graph.features.filter((f) => f.kind === 'seq');
const lines = [[...seqs.map((f) => f.column), 'pc', 'y'].join(',')];
for (let i = 0; i < n; i++) {
  const bags = seqs.map(() => Array.from({ length: 3 }, () => 1 + Math.floor(rand() * 10_000)).join('|'));
  lines.push([...bags, 1 + Math.floor(rand() * 100), rand() < 0.3 ? 1 : 0].join(','));
}
const csv = join(work, 'rows.csv');
writeFileSync(csv, lines.join('\n') + '\n');

const exp = spawnSync(process.execPath, [join(root, 'bin/recc.js'), 'export', 'torch', spec, '-o', join(work, 'pkg')], { encoding: 'utf8' });
if (exp.status !== 0) throw new Error(exp.stderr);

function run(args, extra = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/python3', args, { env: { ...env, ...extra } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err.slice(-800)))));
  });
}

/** train.py on `world` ranks; its own count: samples/s of the training loop (data encoding excluded). */
async function torchRanks(world) {
  const args = [join(work, 'pkg/train.py'), '--data', csv, '--out', join(work, `w${world}.safetensors`), '--threads', '1', '--epochs', '1'];
  const port = String(29600 + Math.floor(Math.random() * 300));
  const outs = await Promise.all(
    Array.from({ length: world }, (_, r) => run(args, world > 1 ? { MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: String(world), RANK: String(r), LOCAL_RANK: String(r) } : {})),
  );
  return Number(/([\d.]+) samples\/s/.exec(outs[0])[1]);
}

console.log(`POSO-MLP reference model, batch ${batch}, Adam + BCE, ${steps} steps, one thread per process, ${(await import('node:os')).cpus().length} cores; torch's BLAS: ${torchBlas(env)}`);
const one = await torchRanks(1);
const two = await torchRanks(2);
console.log(`exported module, train.py, 1 rank:  ${one.toFixed(0)} samples/s`);
console.log(`exported module, train.py, 2 ranks: ${two.toFixed(0)} samples/s  (×${(two / one).toFixed(2)} of 1 rank)`);

const ref = spawnSync('/usr/bin/python3', [join(root, 'bench/reference/poso_mlp.py'), String(steps), '--sparse'], { encoding: 'utf8', env });
const refOut = ref.status === 0 ? JSON.parse(ref.stdout.trim().split('\n').pop()) : undefined;
if (refOut) console.log(`hand-written PyTorch ${refOut.torch} (SparseAdam): ${refOut.samples_per_s.toFixed(0)} samples/s; exported 1 rank / hand-written: ${(one / refOut.samples_per_s).toFixed(2)}`);
else console.log(`hand-written PyTorch reference failed: ${ref.stderr.slice(-400)}`);

const { tf } = await initBackend('wasm');
const loaded = await loadOrt();
const ids = Object.fromEntries(graph.features.filter((f) => f.kind !== 'label').map((f) => [f.name, f.kind === 'seq' ? Int32Array.from({ length: (n + batch) * f.maxLen }, () => 1 + Math.floor(rand() * 10_000)) : Int32Array.from({ length: n + batch }, () => 1 + Math.floor(rand() * 100))]));
const shapes = Object.fromEntries(graph.features.filter((f) => f.kind !== 'label').map((f) => [f.name, f.kind === 'seq' ? [f.maxLen] : []]));
const data = { n: n + batch, inputs: ids, shapes, labels: { click: Float32Array.from({ length: n + batch }, () => (rand() < 0.3 ? 1 : 0)) }, keys: {} };
const split = { train: Int32Array.from({ length: n }, (_, i) => i), test: Int32Array.from({ length: batch }, (_, i) => n + i) };
const quiet = { resume: false, checkpointEvery: 1e9, log: () => {}, progress: false };
const backends = [['wasm', undefined], ...('error' in loaded ? [] : [['ort', (init) => ortRunner(loaded.ort, init, { threads: 1, cuda: false })]])];
if ('error' in loaded) console.log(`recc train (ort): skipped, onnxruntime-node cannot load (${loaded.error})`);
for (const [name, runner] of backends) {
  const opts = { ...quiet, ...(runner ? { runner } : {}) };
  await train(tf, graph, data, { train: split.train.subarray(0, batch * 3), test: split.test }, { ...opts, outDir: mkdtempSync(join(work, 'r')) }); // warm-up
  const recc = (await train(tf, graph, data, split, { ...opts, outDir: mkdtempSync(join(work, 'r')) })).samplesPerSecond;
  console.log(`recc train (${name}, 1 thread): ${recc.toFixed(0)} samples/s; exported 1 rank / recc: ${(one / recc).toFixed(2)}, 2 ranks / recc: ${(two / recc).toFixed(2)}`);
}
rmSync(work, { recursive: true, force: true });

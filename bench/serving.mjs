// Serving throughput, one thread, batch 1 and 1024, side by side in one run:
// 1. the POSO example: onnxruntime-node vs the TensorFlow.js forward on wasm;
// 2. the POSO-MLP reference model (bench/poso-reference.rec): recc's ONNX graph vs PyTorch's
//    torch.onnx.export of the same model with the same weights (bench/reference/
//    poso_mlp_export.py, Debian's /usr/bin/python3 with torch), both in onnxruntime-node, with
//    their node counts as written and after onnxruntime's optimisations.
// Run after `npm run build`:
//   node bench/serving.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { analyzeFile } from '../dist/semantics/analyze.js';
import { preprocess } from '../dist/data/preprocess.js';
import { posoRows } from '../dist/data/synth/poso.js';
import { lowerToOnnx } from '../dist/lower/onnx/lower.js';
import { initBackend } from '../dist/lower/tfjs/backend.js';
import { buildForward } from '../dist/lower/tfjs/forward.js';
import { initWeights } from '../dist/lower/tfjs/init.js';
import { hashBucket } from '../dist/data/hash.js';
import { encodeSafetensors } from '../dist/io/safetensors.js';
import onnxProto from 'onnx-proto';

const root = join(fileURLToPath(import.meta.url), '../..');
const g = analyzeFile(join(root, 'examples/poso-movielens.rec')).graph;
const weights = initWeights(g, 1);
const rows = posoRows({ seed: 1, rows: 1024 });
const session = await ort.InferenceSession.create(lowerToOnnx(g, weights, { reccVersion: 'bench' }), { intraOpNumThreads: 1, interOpNumThreads: 1 });
const { tf } = await initBackend('wasm');
const forward = buildForward(tf, g);
const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name], p.shape)]));

function feeds(n) {
  const f = {};
  for (const spec of g.features) {
    if (spec.kind === 'label') continue;
    const col = rows.slice(0, n).map((r) => r[spec.column]);
    if (spec.kind === 'bucketize') f[spec.name] = new ort.Tensor('float32', Float32Array.from(col.map(Number)), [n]);
    else if (spec.kind === 'id') f[spec.name] = new ort.Tensor('int64', BigInt64Array.from(col.map((v) => BigInt(hashBucket(String(v), spec.source.buckets)))), [n]);
    else if (spec.kind === 'seq') {
      const ids = col.flatMap((v) => { const it = String(v).split(spec.sep).filter(Boolean).slice(-spec.maxLen); return Array.from({ length: spec.maxLen }, (_, k) => (it[k] ? BigInt(hashBucket(it[k], spec.source.buckets)) : 0n)); });
      f[spec.name] = new ort.Tensor('int64', BigInt64Array.from(ids), [n, spec.maxLen]);
    }
  }
  return f;
}

async function time(fn, minMs = 1500) {
  await fn();
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < minMs) {
    await fn();
    n++;
  }
  return (performance.now() - t) / n;
}

const ORT_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', extra: { session: { 'intra_op.allow_spinning': '0' } } };

console.log('POSO example forward pass (untrained weights), 1 thread');
console.log('batch   onnxruntime samples/s   tfjs-wasm samples/s   ratio (ort / tfjs)');
for (const n of [1, 1024]) {
  const f = feeds(n);
  const ds = preprocess(g, rows.slice(0, n).map((row, i) => ({ row, line: i + 1 })), { file: 'bench', keyColumns: [], skipBadRows: false }).dataset;
  const inputs = Object.fromEntries(Object.entries(ds.inputs).map(([k, v]) => [k, tf.tensor(v, [n, ...ds.shapes[k]], v instanceof Int32Array ? 'int32' : 'float32')]));
  const ortMs = await time(() => session.run(f));
  const tfMs = await time(() => tf.tidy(() => { forward(params, inputs).outputs.favorite.dataSync(); }));
  console.log(`${String(n).padStart(5)}   ${(n / (ortMs / 1000)).toFixed(0).padStart(22)}   ${(n / (tfMs / 1000)).toFixed(0).padStart(19)}   ${(tfMs / ortMs).toFixed(1).padStart(8)}x   (${ortMs.toFixed(3)} ms vs ${tfMs.toFixed(3)} ms per batch)`);
}

// 2. recc vs torch.onnx.export on the POSO-MLP reference model.
const { onnx } = onnxProto;
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { encoding: 'utf8', env });
console.log('\nPOSO-MLP reference model (bench/poso-reference.rec), same weights, onnxruntime-node 1 thread');
if (probe.status !== 0) {
  console.log('torch.onnx export: skipped, /usr/bin/python3 cannot import torch (apt-get install -y python3-torch)');
} else {
  const ref = analyzeFile(join(root, 'bench/poso-reference.rec')).graph;
  const w = initWeights(ref, 1);
  // non-zero biases, as after training: onnxruntime drops an Add of zeros, and the MatMul left
  // behind can no longer fuse into a Gemm with its activation (torch's Gemm keeps its bias)
  let bseed = 3;
  for (const p of ref.params) if (p.name.endsWith('.bias')) w[p.name] = w[p.name].map(() => ((bseed = (bseed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1);
  const dir = mkdtempSync(join(tmpdir(), 'recc-serving-'));
  try {
    const weightsFile = join(dir, 'weights.safetensors');
    writeFileSync(weightsFile, encodeSafetensors(Object.fromEntries(ref.params.map((p) => [p.name, { shape: p.shape, data: w[p.name] }]))));
    const reccFile = join(dir, 'recc.onnx');
    const torchFile = join(dir, 'torch.onnx');
    writeFileSync(reccFile, lowerToOnnx(ref, w, { reccVersion: 'bench' }));
    const py = spawnSync('/usr/bin/python3', [join(root, 'bench/reference/poso_mlp_export.py'), weightsFile, torchFile], { encoding: 'utf8', env, cwd: join(root, 'bench/reference') });
    if (py.status !== 0) throw new Error(`the export script failed:\n${py.stderr.slice(-1500)}`);
    const torchVersion = JSON.parse(py.stdout.trim().split('\n').pop()).torch;
    const nodes = (file) => onnx.ModelProto.decode(readFileSync(file)).graph.node.length;
    const sessions = {};
    const optimised = {};
    for (const [name, file] of [['recc', reccFile], ['torch', torchFile]]) {
      const opt = join(dir, `${name}.optimised.onnx`);
      sessions[name] = await ort.InferenceSession.create(file, { ...ORT_OPTIONS, optimizedModelFilePath: opt, logSeverityLevel: 3 });
      optimised[name] = nodes(opt);
    }
    // a second session of recc's graph: recc against itself shows how far the machine's noise
    // alone moves a ratio
    sessions.again = await ort.InferenceSession.create(reccFile, ORT_OPTIONS);
    console.log(`nodes as written: recc ${nodes(reccFile)}, torch.onnx (torch ${torchVersion}) ${nodes(torchFile)}; after onnxruntime's optimisations: recc ${optimised.recc}, torch ${optimised.torch}`);
    // bags of 3 hashed ids with some padding (id 0), a PC id
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const feedsOf = (n) => {
      const f = {};
      for (const spec of ref.features) {
        if (spec.kind === 'seq') f[spec.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n * spec.maxLen }, () => (rand() < 0.15 ? 0n : BigInt(1 + Math.floor(rand() * 10_000)))), [n, spec.maxLen]);
        else if (spec.kind === 'id') f[spec.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(1 + Math.floor(rand() * 100))), [n]);
      }
      return f;
    };
    // Calls alternate between two sessions (ABBA…), so both see the same machine load. Per side:
    // the median wall time of a call, and the process's CPU time over all its calls (what other
    // jobs on the machine disturb least). Ratios are b's time over a's: > 1 when a is faster.
    const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))];
    const sum = (xs) => xs.reduce((x, y) => x + y, 0);
    const duel = async (a, b, f, ms) => {
      const wall = { [a]: [], [b]: [] };
      const cpu = { [a]: [], [b]: [] };
      const budget = performance.now() + ms;
      for (let k = 0; performance.now() < budget; k++) {
        for (const side of k % 2 ? [b, a] : [a, b]) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await sessions[side].run(f);
          wall[side].push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpu[side].push(c.user + c.system);
        }
      }
      return { wall: q(wall[b], 0.5) / q(wall[a], 0.5), cpu: sum(cpu[b]) / sum(cpu[a]), msA: q(wall[a], 0.5), msB: q(wall[b], 0.5), calls: wall[a].length };
    };
    console.log('batch   recc samples/s   torch.onnx samples/s   recc / torch (wall, CPU)   recc / recc (noise)   max |Δ output|');
    for (const n of [1, 1024]) {
      const f = feedsOf(n);
      const a = (await sessions.recc.run(f)).click.data;
      const b = (await sessions.torch.run(f)).click.data;
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
      const vs = await duel('recc', 'torch', f, n === 1 ? 8000 : 20000);
      const noise = await duel('recc', 'again', f, n === 1 ? 4000 : 10000);
      console.log(
        `${String(n).padStart(5)}   ${(n / (vs.msA / 1000)).toFixed(0).padStart(14)}   ${(n / (vs.msB / 1000)).toFixed(0).padStart(20)}   ${`${vs.wall.toFixed(3)}x, ${vs.cpu.toFixed(3)}x`.padStart(24)}   ${`${noise.wall.toFixed(3)}x, ${noise.cpu.toFixed(3)}x`.padStart(19)}   ${diff.toExponential(1).padStart(14)}` +
          `   (median call ${vs.msA.toFixed(4)} vs ${vs.msB.toFixed(4)} ms, ${vs.calls} calls each)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

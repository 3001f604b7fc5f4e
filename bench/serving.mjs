// Serving throughput of the POSO example: onnxruntime-node (1 thread) vs the TensorFlow.js
// forward on wasm, batch 1 and 1024, side by side in one run. Run after `npm run build`:
//   node bench/serving.mjs
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

// Kernel timings on the wasm backend (one thread), stock tfjs next to the project's kernels and
// gradients (src/lower/tfjs/kernels/). Run after `npm run build`:
//   node bench/kernels.mjs [runs]
// Stock versions are captured before the project's ones are registered, then swapped in and out.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../dist/lower/tfjs/backend.js';

const runs = Number(process.argv[2] ?? 20);
const require = createRequire(import.meta.url);
require('@tensorflow/tfjs'); // the stock gradients
const stockGrad = Object.fromEntries(['BatchMatMul', 'Sigmoid', 'Softmax', 'GatherV2'].map((k) => [k, tf.getGradient(k)]));
const stockGather = tf.getKernel('GatherV2', 'wasm');
const stockIdentity = tf.getKernel('Identity', 'wasm');
const stockSum = tf.getKernel('Sum', 'wasm');
await initBackend('wasm');
const oursGrad = Object.fromEntries(Object.keys(stockGrad).map((k) => [k, tf.getGradient(k)]));
const oursGather = tf.getKernel('GatherV2', 'wasm');
const oursSegSum = tf.getKernel('UnsortedSegmentSum', 'wasm');
const oursIdentity = tf.getKernel('Identity', 'wasm');
const oursSum = tf.getKernel('Sum', 'wasm');

const quiet = (f) => {
  const warn = console.warn;
  console.warn = () => {};
  try {
    f();
  } finally {
    console.warn = warn;
  }
};
const useGrad = (cfg) => quiet(() => tf.registerGradient(cfg));
function useKernel(name, cfg) {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  if (cfg) tf.registerKernel(cfg);
}

/** Median and fastest milliseconds of f (which returns a tensor, read back to finish the work). */
function time(f) {
  // The tidy returns nothing: it would walk a returned typed array element by element.
  const once = () => tf.tidy(() => void f().dataSync());
  for (let i = 0; i < 3; i++) once();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    once();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return [ms[Math.floor(ms.length / 2)], ms[0]];
}
function tryTime(f) {
  try {
    return time(f).map((v) => v.toFixed(2)).join(' / ');
  } catch (e) {
    return /not registered/.test(String(e.message)) ? 'no kernel' : `fails: ${String(e.message).split('\n')[0].slice(0, 40)}`;
  }
}

const rand = (shape) => tf.randomUniform(shape, -1, 1, 'float32', 7);
const rows = [];
function compare(label, stockSetup, oursSetup, f) {
  stockSetup();
  const stock = tryTime(f);
  oursSetup();
  const ours = tryTime(f);
  rows.push([label, stock, ours]);
}

// UnsortedSegmentSum, vocab 80 000, 24 576 ids, dim 16 (the gradient of an embedding lookup)
const x = rand([24576, 16]);
const ids = tf.randomUniform([24576], 0, 80000, 'int32', 3);
compare('UnsortedSegmentSum 80000 × 24576 ids × 16', () => useKernel('UnsortedSegmentSum', undefined), () => useKernel('UnsortedSegmentSum', oursSegSum), () => tf.unsortedSegmentSum(x, ids, 80000));

// Gather of the same ids from a [80 000, 16] table
const table = rand([80000, 16]);
compare('Gather [80000,16] by 24576 ids', () => useKernel('GatherV2', stockGather), () => useKernel('GatherV2', oursGather), () => tf.gather(table, ids));

// Embedding gradient end to end (gather backward = UnsortedSegmentSum)
const w = rand([24576, 16]);
compare(
  'embedding grad (gather + backward)',
  () => {
    useKernel('GatherV2', stockGather);
    useKernel('UnsortedSegmentSum', undefined);
  },
  () => {
    useKernel('GatherV2', oursGather);
    useKernel('UnsortedSegmentSum', oursSegSum);
  },
  () => tf.grad((t) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table),
);

// MatMul gradient [1024,256] × [256,128]
const a = rand([1024, 256]);
const b = rand([256, 128]);
const dy = rand([1024, 128]);
const both = () => {
  const [ga, gb] = tf.grads((p, q) => tf.sum(tf.mul(tf.matMul(p, q), dy)))([a, b]);
  return tf.add(tf.sum(ga), tf.sum(gb));
};
compare('MatMul grad [1024,256]×[256,128]', () => useGrad(stockGrad.BatchMatMul), () => useGrad(oursGrad.BatchMatMul), both);

// The embedding gradient without the stock gradient's identity transposes (same kernels otherwise)
const small = rand([10001, 16]);
const bagIds = tf.randomUniform([1024, 3], 0, 10001, 'int32', 5);
const bagW = rand([1024, 3, 16]);
compare('GatherV2 grad [10001,16] by [1024,3] ids', () => useGrad(stockGrad.GatherV2), () => useGrad(oursGrad.GatherV2), () => tf.grad((t) => tf.sum(tf.mul(tf.gather(t, bagIds), bagW)))(small));

// The clone the engine makes of every tensor it saves for the backward pass
compare('Identity (clone) [10001,16]', () => useKernel('Identity', stockIdentity), () => useKernel('Identity', oursIdentity), () => tf.clone(small));

// A bias gradient: Σ over the batch of a fresh [1024, 256] tensor (the add is in both columns)
const act = rand([1024, 256]);
compare('Sum axis 0 of a fresh [1024,256] (+ the add making it)', () => useKernel('Sum', stockSum), () => useKernel('Sum', oursSum), () => tf.sum(tf.add(act, 1), 0));

// The higher-order fixes recompute the output in the backward pass: their cost
const s = rand([1024, 256]);
compare('Sigmoid grad [1024,256] (input-saving fix)', () => useGrad(stockGrad.Sigmoid), () => useGrad(oursGrad.Sigmoid), () => tf.grad((v) => tf.sum(tf.mul(tf.sigmoid(v), s)))(s));
compare('Softmax grad [1024,256] (input-saving fix)', () => useGrad(stockGrad.Softmax), () => useGrad(oursGrad.Softmax), () => tf.grad((v) => tf.sum(tf.mul(tf.softmax(v), s)))(s));

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`tfjs ${tf.version_core}, backend ${tf.getBackend()}, median / fastest of ${runs} runs (ms)\n`);
console.log(`${'kernel'.padEnd(width)}  ${'stock'.padStart(16)}  ${'recc'.padStart(16)}`);
for (const [label, stock, ours] of rows) console.log(`${label.padEnd(width)}  ${String(stock).padStart(16)}  ${String(ours).padStart(16)}`);

// Helpers for the model-comparison benchmarks (same data, budget and seeds for every model):
// option parsing, compiling an example, one seeded training run, mean ± sd, parameter counts.
// Uses the package API from dist/ (run `npm run build` first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { split } from '../../dist/data/split.js';
import { graphStats } from '../../dist/ir/stats.js';
import { trainBackend } from '../../dist/cli/train-backend.js';
import { analyzeFile } from '../../dist/semantics/analyze.js';
import { loadData } from '../../dist/train/data-source.js';
import { train } from '../../dist/train/train.js';

export const root = join(fileURLToPath(import.meta.url), '../../..');

/**
 * `--name value` / `--name=value` options (numbers where the default is a number), with
 * positional arguments filling `positional` in order, like `node bench/x.mjs 3 100000 2`.
 */
export function parseArgs(argv, defaults, positional = []) {
  const out = { ...defaults };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      out.help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = (eq >= 0 ? a.slice(2, eq) : a.slice(2)).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (!(key in defaults)) throw new Error(`unknown option --${key} (known: ${Object.keys(defaults).map((k) => `--${k}`).join(', ')})`);
    if (value === undefined) throw new Error(`--${key} needs a value`);
    out[key] = coerce(value, defaults[key], key);
  }
  rest.forEach((v, k) => {
    if (positional[k]) out[positional[k]] = coerce(v, defaults[positional[k]], positional[k]);
  });
  return out;
}

function coerce(value, like, key) {
  if (typeof like !== 'number') return value;
  const n = Number(String(value).replace(/_/g, ''));
  if (!Number.isFinite(n)) throw new Error(`--${key}: not a number: ${value}`);
  return n;
}

export const backendName = () => process.env.RECC_BACKEND ?? 'wasm';
/**
 * The backend RECC_BACKEND names (default wasm), as `recc train --backend` chooses it: `ort` and
 * `auto` give an onnxruntime `runner` to pass to runOnce (one thread).
 */
export async function startBackend() {
  const name = backendName();
  const chosen = await trainBackend(name, 1, (line) => process.stderr.write(`${line}\n`));
  if ('error' in chosen) throw new Error(chosen.error);
  return chosen;
}

/** Parse, check and lower an example; throws with the diagnostics when it does not compile. */
export function compileExample(file) {
  const r = analyzeFile(join(root, file));
  if (!r.graph) throw new Error(`${file} does not compile: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.graph;
}

/** Parameters of a compiled model: embedding tables, everything else, total. */
export function paramCounts(graph) {
  const s = graphStats(graph);
  return { embedding: s.embeddingParams, dense: s.totalParams - s.embeddingParams, total: s.totalParams, flops: s.totalFlops };
}

/**
 * One training run. The seed drives the data, the split, the initial weights and the batch
 * order, so two models given the same seed see the same rows, split and order. `rows` overrides
 * the spec's row count, `epochs` its epochs; `train` patches the spec's train section. Returns
 * the graph as trained (its seed set) and its weights with the evaluation. `runner` picks the
 * backend (train.ts TrainOptions.runner; TensorFlow.js by default).
 */
export async function runOnce(tf, graph0, { seed, rows, epochs, train: patch = {}, runner }) {
  const settings = { ...graph0.train, ...patch, seed };
  // a stage trains with its plan's settings (batch size, the batch order's seed), so patch those too
  const plan = graph0.plan && { ...graph0.plan, stages: graph0.plan.stages.map((s) => ({ ...s, settings: { ...s.settings, ...patch, seed } })) };
  const graph = { ...graph0, train: settings, ...(plan ? { plan } : {}) };
  const loaded = await loadData(graph, { rows, skipBadRows: false, seed });
  if (loaded.errors.length > 0) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  const parts = split(loaded.dataset, graph.train.split, seed);
  const outDir = mkdtempSync(join(tmpdir(), 'recc-bench-'));
  const t = performance.now();
  try {
    const r = await train(tf, graph, loaded.dataset, parts, { outDir, epochs, resume: false, checkpointEvery: 1e9, log: () => {}, progress: false, ...(runner ? { runner } : {}) });
    return { graph, weights: r.weights, evaluation: r.evaluation, seconds: (performance.now() - t) / 1000, samplesPerSecond: r.samplesPerSecond, steps: r.state.step, dataset: loaded.dataset, test: parts.test };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export function meanSd(xs) {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: NaN, sd: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, n: v.length };
}

/** `0.7412 ± 0.0031` (`+0.0012 ± 0.0031` when `signed`); `n/a` for no finite values. */
export function fmtMeanSd(xs, digits = 4, signed = false) {
  const { mean, sd, n } = meanSd(xs);
  return n === 0 ? 'n/a' : `${signed && mean >= 0 ? '+' : ''}${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}

/** 1 234 567 (thin groups, as the README writes numbers). */
export const fmtInt = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

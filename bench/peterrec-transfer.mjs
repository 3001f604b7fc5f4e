// PeterRec's transfer comparison (seeds/004, Table 3) on the synthetic PeterRec setting
// (src/data/synth/peterrec.ts: latent user types shape item sequences; `age` follows the type).
// Per seed: NextItNet is pretrained once by next-item prediction on every user's sequence; then
// the profile task (age, 4 classes) is fine-tuned on the first `--labelled` users (half of them
// held out for evaluation) from the pretrained weights, loaded by name (src/train/pretrained.ts),
// as each of:
//   FineAll     every parameter trained (the network, the item table, the head)
//   FineCLS     only the head (the network and the item table frozen)
//   FineLast    the last residual block and the head
//   PeterRec-s  serial patches grafted after each conv, + every block's LN2, + the head
//   PeterRec-p  parallel patches beside each conv (with the official code's extra copy of x), same
//   Scratch     FineAll's model trained from random weights (no pretraining)
// Reported: accuracy on the held-out labelled users (mean ± sd over seeds) and the trained
// fraction of FineAll's parameters, beside the paper's direction and fractions. Not asserted.
// Run after `npm run build`, under the bench lock:
//   flock /work/team/bench.lock node bench/peterrec-transfer.mjs [--seeds 3] [--users 6000]
//        [--labelled 1200] [--pre-epochs 2] [--epochs 10] [--channels 32] [--bottleneck 8]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preprocess } from '../dist/data/preprocess.js';
import { split } from '../dist/data/split.js';
import { peterrecRows } from '../dist/data/synth/peterrec.js';
import { graphStats } from '../dist/ir/stats.js';
import { analyze } from '../dist/semantics/analyze.js';
import { train } from '../dist/train/train.js';
import { fmtMeanSd, parseArgs, startBackend } from './lib/compare.mjs';

const o = parseArgs(process.argv.slice(2), { seeds: 3, users: 6000, labelled: 1200, preEpochs: 2, epochs: 10, channels: 32, bottleneck: 8, lr: 0.003 });
const { tf, backend } = await startBackend();

const FEATURES = `  features {
    items: seq(id(hash: 256, dim: ${o.channels}), max_len: 20)
    age: label
  }
  let net = peterrec.nextitnet(items, dilations: [1, 4], repeat: 2)`;
const TASK = 'task age : multiclass(label: age, classes: 4) { from: peterrec.user_vector(net) }';
const stage = (body) => `use std.peterrec
model m {
${FEATURES}
  train { batch: 128, split: random(test: 0.5), optimizer: adam(lr: ${o.lr}) }
  stage pretrain {
    task next : next_item(items) { from: net }
  }
  stage tune {
${body.map((l) => `    ${l}`).join('\n')}
    ${TASK}
  }
}`;
const graft = (mode) => `graft: { into: "net.*.conv*", patch: peterrec.${mode}(bottleneck: ${o.bottleneck}) }`;
const VARIANTS = {
  FineAll: stage([]),
  FineCLS: stage(['freeze: [net, embedding]']),
  FineLast: stage(['freeze: [net, embedding]', 'train: [net.residual3]']),
  'PeterRec-s': stage(['freeze: [net, embedding]', 'train: [net.*.ln1]', graft('serial')]),
  'PeterRec-p': stage(['freeze: [net, embedding]', 'train: [net.*.ln1]', graft('parallel')]),
  Scratch: stage([]),
};
const PRETRAIN = `use std.peterrec
model m {
${FEATURES}
  train { batch: 128, split: random(test: 0.1), optimizer: adam(lr: 0.001) }
  task next : next_item(items) { from: net }
}`;

function compile(text) {
  const a = analyze(text, join(process.cwd(), 'peterrec-bench.rec'));
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !a.graph) throw new Error(errors.map((d) => d.message).join('; '));
  return a.graph;
}
function data(graph, rows, seed) {
  const { dataset } = preprocess(graph, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'synth', keyColumns: [] });
  return { dataset, parts: split(dataset, graph.train.split, seed) };
}
async function run(graph, d, opts) {
  const outDir = mkdtempSync(join(tmpdir(), 'recc-peterrec-bench-'));
  try {
    return await train(tf, graph, d.dataset, d.parts, { outDir, resume: false, checkpointEvery: 1_000_000, log: () => undefined, progress: false, ...opts });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const graphs = Object.fromEntries(Object.entries(VARIANTS).map(([k, v]) => [k, compile(v)]));
const fineAll = graphStats(graphs.FineAll).stages[1].trainable;
const results = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
let preNll = [];
const t0 = performance.now();
for (let s = 1; s <= o.seeds; s++) {
  const pre = { ...compile(PRETRAIN) };
  pre.train = { ...pre.train, seed: s, epochs: o.preEpochs };
  pre.plan = { stages: pre.plan.stages.map((st) => ({ ...st, settings: { ...st.settings, seed: s, epochs: o.preEpochs } })) };
  const p = await run(pre, data(pre, peterrecRows({ seed: s, rows: o.users }), s), {});
  preNll.push(p.evaluation.tasks.next.all.nll);
  const tensors = Object.fromEntries(Object.entries(p.weights).map(([name, w]) => [name, { shape: pre.params.find((q) => q.name === name).shape, data: w }]));
  const labelled = peterrecRows({ seed: s, rows: o.labelled }); // the first users of the same world
  for (const [name, g0] of Object.entries(graphs)) {
    const g = { ...g0, train: { ...g0.train, seed: s }, plan: { stages: g0.plan.stages.map((st) => ({ ...st, settings: { ...st.settings, seed: s, epochs: o.epochs } })) } };
    const d = data(g, labelled, s);
    // Scratch: the fine-tuning stage alone, from random weights (nothing loaded)
    const r = name === 'Scratch' ? await run({ ...g, plan: { stages: [g.plan.stages[1]] } }, d, {}) : await run(g, d, { pretrained: { file: 'pretrain', tensors, from: 'tune' } });
    results[name].push(r.evaluation.tasks.age.all.accuracy);
    process.stderr.write(`seed ${s} ${name}: accuracy ${r.evaluation.tasks.age.all.accuracy.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}

const PAPER = { FineAll: '100 %', FineCLS: 'head only', FineLast: 'last block + head', 'PeterRec-s': '9.4 %, 2.7 %, 0.16 %', 'PeterRec-p': '(Table 3 reports serial)', Scratch: '—' };
console.log(`PeterRec transfer on synth(peterrec): ${o.users} users pretrained (${o.preEpochs} epochs; held-out next-item nll ${fmtMeanSd(preNll)} vs ln 257 = ${Math.log(257).toFixed(3)} uniform),`);
console.log(`${o.labelled} labelled users (half held out), ${o.epochs} epochs, C = ${o.channels}, bottleneck ${o.bottleneck}, ${o.seeds} seeds, backend ${backend}`);
console.log(`Bayes accuracy knowing the type: ${(0.9 + 0.1 / 4).toFixed(3)}; chance 0.25`);
console.log('');
console.log(`${'variant'.padEnd(12)}${'accuracy (mean ± sd)'.padStart(24)}${'trained'.padStart(10)}${'of FineAll'.padStart(12)}   paper (Table 3: PeterRec ≈ FineAll > FineLast > FineCLS; pretraining > none)`);
for (const [name, acc] of Object.entries(results)) {
  const trained = graphStats(graphs[name]).stages[1].trainable;
  console.log(`${name.padEnd(12)}${fmtMeanSd(acc).padStart(24)}${trained.toLocaleString('en-US').padStart(10)}${`${((100 * trained) / fineAll).toFixed(2)} %`.padStart(12)}   ${PAPER[name]}`);
}

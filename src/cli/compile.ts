// `recc compile SPEC -o OUT.onnx`: the serving artefact, with trained weights from a safetensors
// checkpoint, or seeded random weights (said plainly) for serving smoke tests.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic-write.js';
import { entryNodes, getEntry, SERVE } from '../ir/entry.js';
import { showShape } from '../ops/op.js';
import { supportInputNames } from '../ir/support-inputs.js';
import { lowerToOnnx } from '../lower/onnx/lower.js';
import { initWeights } from '../lower/tfjs/init.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { readWeights } from './weights.js';
import { VERSION } from './version.js';

export interface CompileOptions {
  out: string;
  weights?: string;
  target: string;
  seed: number;
  entry: string;
}

export function runCompile(file: string, o: CompileOptions): number {
  const graph = loadSpec(file);
  if (!graph) return 1;
  if (o.target !== 'onnx') {
    process.stderr.write(`error: unknown target \`${o.target}\` (supported: onnx)\n`);
    return 1;
  }
  const entry = getEntry(graph, o.entry);
  if (!entry) {
    process.stderr.write(`error: ${graph.model} has no entry \`${o.entry}\` (its entries: ${Object.keys(graph.entries).join(', ')})\n`);
    return 1;
  }
  let weights: Record<string, Float32Array>;
  let origin: string;
  if (o.weights) {
    const r = readWeights(graph, o.weights);
    if ('error' in r) {
      process.stderr.write(`${r.error}\n`);
      return 1;
    }
    weights = r;
    origin = `weights from ${o.weights}`;
  } else {
    weights = initWeights(graph, o.seed);
    origin = `RANDOM weights (seed ${o.seed}; no --weights given): for serving smoke tests only`;
  }
  const bytes = lowerToOnnx(graph, weights, { reccVersion: VERSION, extra: { 'recc.weights': origin } }, o.entry);
  writeFileAtomic(o.out, bytes);
  const used = new Set(entryNodes(graph, entry).flatMap((id) => (graph.nodes[id]!.op === 'param' ? [String(graph.nodes[id]!.attrs.name)] : [])));
  const params = graph.params.filter((p) => used.has(p.name));
  const count = params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  const support = new Map((graph.supports ?? []).flatMap((s) => supportInputNames(s).map((input, k) => [input, `${input} [batch, ${s.size}${k < s.items.length ? ', …' : ''}]`] as const)));
  const inputs = [
    ...graph.features.filter((f) => f.kind !== 'label' && Object.hasOwn(entry.inputs, f.name)).map((f) => f.name),
    ...Object.keys(entry.inputs).filter((k) => !graph.features.some((f) => f.name === k)).map((k) => support.get(k) ?? `${k} ${showShape(graph.nodes[entry.inputs[k]!]!.shape)}`),
  ];
  process.stdout.write(
    [
      `wrote ${displayPath(o.out)} (ONNX IR 8, opset 17, ${(statSync(o.out).size / 1e6).toFixed(2)} MB)${o.entry === SERVE ? '' : `, entry ${o.entry}`}`,
      `  inputs:  ${inputs.join(', ')}`,
      `  outputs: ${Object.entries(entry.outputs).map(([k, id]) => `${k} ${showShape(graph.nodes[id]!.shape)}`).join(', ')}`,
      `  parameters: ${count.toLocaleString('en-US')} in ${params.length} tensors, ${origin}`,
      '',
    ].join('\n'),
  );
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  program
    .command('compile')
    .description('compile a spec to a serving artefact (ONNX)')
    .argument('<spec>', '.rec file')
    .requiredOption('-o, --out <file>', 'output file, e.g. model.onnx')
    .option('--weights <file>', 'trained weights (safetensors); without it, seeded random weights')
    .option('--target <target>', 'onnx', 'onnx')
    .option('--seed <n>', 'seed of the random weights', (v) => Number.parseInt(v, 10), 1)
    .option('--entry <name>', 'the entry to compile: `serve`, or a stage (the training entry of its tasks)', SERVE)
    .action((spec: string, o: CompileOptions) => setCode(runCompile(spec, o)));
}

// `recc compile SPEC -o OUT.onnx`: the serving artefact, with trained weights from a safetensors
// checkpoint, or seeded random weights (said plainly) for serving smoke tests.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic-write.js';
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
}

export function runCompile(file: string, o: CompileOptions): number {
  const graph = loadSpec(file);
  if (!graph) return 1;
  if (o.target !== 'onnx') {
    process.stderr.write(`error: unknown target \`${o.target}\` (supported: onnx)\n`);
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
  const bytes = lowerToOnnx(graph, weights, { reccVersion: VERSION, extra: { 'recc.weights': origin } });
  writeFileAtomic(o.out, bytes);
  const params = graph.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  const inputs = [
    ...graph.features.filter((f) => f.kind !== 'label').map((f) => f.name),
    ...(graph.supports ?? []).flatMap((s) => supportInputNames(s).map((input, k) => `${input} [batch, ${s.size}${k < s.items.length ? ', …' : ''}]`)),
  ];
  process.stdout.write(
    [
      `wrote ${displayPath(o.out)} (ONNX IR 8, opset 17, ${(statSync(o.out).size / 1e6).toFixed(2)} MB)`,
      `  inputs:  ${inputs.join(', ')}`,
      `  outputs: ${graph.tasks.map((t) => `${t.name} [batch, ${t.classes}]`).join(', ')}`,
      `  parameters: ${params.toLocaleString('en-US')} in ${graph.params.length} tensors, ${origin}`,
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
    .action((spec: string, o: CompileOptions) => setCode(runCompile(spec, o)));
}

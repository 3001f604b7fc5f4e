// `recc export torch SPEC -o DIR`: the model as a PyTorch package (src/lower/torch/package.ts),
// written as one directory, atomically (a directory already there is replaced whole).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { encodeSafetensors } from '../io/safetensors.js';
import { writeDirectoryAtomic } from '../io/atomic-write.js';
import { initWeights } from '../lower/tfjs/init.js';
import { torchPackage } from '../lower/torch/package.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { VERSION } from './version.js';

export function runExport(target: string, file: string, o: { out: string; allowPath: string[] }): number {
  if (target !== 'torch') {
    process.stderr.write(`error: unknown export target \`${target}\` (supported: torch)\n`);
    return 1;
  }
  const graph = loadSpec(file, policyOf(o));
  if (!graph) return 1;
  const init = initWeights(graph, graph.train.seed);
  const tensors = Object.fromEntries(graph.params.map((p) => [p.name, { shape: p.shape, data: init[p.name]! }]));
  const bytes = encodeSafetensors(tensors, { 'recc.weights': `recc's initial weights (seed ${graph.train.seed})` });
  writeDirectoryAtomic(resolve(o.out), torchPackage(graph, { specFile: file, reccVersion: VERSION, init: bytes }));
  process.stdout.write(`wrote ${displayPath(o.out)}/ (model.py, data.py, train.py, README.md): train with \`python3 ${displayPath(o.out)}/train.py --data FILE\`\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('export')
      .description('export a spec for another training engine: `torch` writes a PyTorch package (model, data, torch.distributed training script)')
      .argument('<target>', 'torch')
      .argument('<spec>', '.rec file')
      .requiredOption('-o, --out <dir>', 'directory to write (replaced whole)'),
  ).action((target: string, spec: string, o: { out: string; allowPath: string[] }) => setCode(runExport(target, spec, o)));
}

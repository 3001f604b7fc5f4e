// `recc export torch SPEC -o DIR`: the model as a PyTorch package (src/lower/torch/package.ts),
// written as one directory, atomically (a directory already there is replaced whole, so only a
// missing or empty one, or an earlier export holding nothing else, is taken: src/io/output-path.ts).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeDirectoryAtomic } from '../io/atomic-write.js';
import { refuseDirectoryOutput } from '../io/output-path.js';
import { torchPackage } from '../lower/torch/package.js';
import { allowPathOption, policyOf } from './allow-path.js';
import { displayPath } from './output.js';
import { loadSpec } from './spec.js';
import { specInputs } from './spec-inputs.js';
import { VERSION } from './version.js';

export function runExport(target: string, file: string, o: { out: string; allowPath: string[] }): number {
  if (target !== 'torch') {
    process.stderr.write(`error: unknown export target \`${target}\` (supported: torch)\n`);
    return 1;
  }
  const graph = loadSpec(file, policyOf(o));
  if (!graph) return 1;
  const files = torchPackage(graph, { specFile: file, reccVersion: VERSION });
  const refused = refuseDirectoryOutput({
    path: o.out,
    shown: `-o ${o.out}`,
    command: 'recc export torch',
    what: 'a PyTorch package',
    files: Object.keys(files),
    marker: 'spec.json',
    // made by Python when the package runs (train.py imports model.py, data.py …)
    disposable: ['__pycache__'],
    inputs: specInputs(graph),
  });
  if (refused) {
    process.stderr.write(`error[REC6009]: ${refused}\n`);
    return 1;
  }
  const out = resolve(o.out);
  writeDirectoryAtomic(out, files);
  process.stdout.write(`wrote ${displayPath(out)}/ (model.py, data.py, train.py, README.md): train with \`python3 ${displayPath(out)}/train.py --data FILE\`\n`);
  return 0;
}

export function register(program: Command, setCode: (c: number) => void): void {
  allowPathOption(
    program
      .command('export')
      .description('export a spec for another training engine: `torch` writes a PyTorch package (model, data, torch.distributed training script)')
      .argument('<target>', 'torch')
      .argument('<spec>', '.rec file')
      .requiredOption('-o, --out <dir>', 'directory to write: new, empty, or an earlier export (replaced whole)'),
  ).action((target: string, spec: string, o: { out: string; allowPath: string[] }) => setCode(runExport(target, spec, o)));
}

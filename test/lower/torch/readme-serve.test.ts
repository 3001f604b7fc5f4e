// The exported package's README says how its trained weights are served: the command it gives
// runs as written (from the package's directory, with the weights train.py writes), for a spec
// served as one ONNX file and for a LiMAML spec, served as two (`-o DIR`: `-o model.onnx` is
// refused for it). Spawns the CLI: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'recc-readme-serve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README.md of recc export torch: Serve', () => {
  it.each([
    ['examples/shared-bottom.rec', ['model.onnx']],
    ['examples/limaml-mlp.rec', ['serving/global.onnx', 'serving/meta.onnx']],
  ])('%s: the command runs and writes the serving model', (spec, written) => {
    const file = join(ROOT, spec);
    const dir = join(work, spec.replace(/\W/g, '_'));
    const files = torchPackage(analyzeFile(file).graph!, { specFile: file, reccVersion: 'test' });
    writeDirectoryAtomic(dir, files);
    copyFileSync(join(dir, 'init.safetensors'), join(dir, 'model.safetensors')); // what train.py --out model.safetensors writes
    const readme = String(files['README.md']);
    const serve = /## Serve\n\n {4}(recc compile .*)\n/.exec(readme);
    expect(serve, readme).not.toBeNull();
    const args = serve![1]!.split(' ').slice(1);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const w of written) expect(existsSync(join(dir, w)), w).toBe(true);
  });
});

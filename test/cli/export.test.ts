// `recc export torch` end to end through the CLI: export a spec, train the package with train.py
// (PyTorch), `recc compile --weights` the trained safetensors, and the ONNX model in onnxruntime
// (raw values in) serves the PyTorch module's predictions (1e-5); the weights did train. Also the
// command's errors: an unknown target, a spec with errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelInputs, preprocess } from '../../src/data/preprocess.js';
import { toCsv } from '../../src/data/write-csv.js';
import { SERVE } from '../../src/ir/entry.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { expectRelClose, relError } from '../grad/close.js';
import { runOnnx } from '../helpers/onnx.js';
import { onnxFeeds, randomRows } from '../helpers/rows.js';
import { haveTorch, runTorchPackages, type TorchValue } from '../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../..');
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
const work = mkdtempSync(join(tmpdir(), 'recc-export-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('recc export torch', () => {
  it('refuses an unknown target and a spec with errors', () => {
    const bad = join(work, 'bad.rec');
    writeFileSync(bad, 'model m {\n  features {\n    a: dense(4)\n    clicked: label\n  }\n  let h = relu(aa)\n  task click : binary(label: clicked) { from: h }\n}\n');
    const r1 = recc('export', 'jax', join(ROOT, 'examples/shared-bottom.rec'), '-o', join(work, 'x'));
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain('unknown export target `jax` (supported: torch)');
    const r2 = recc('export', 'torch', bad, '-o', join(work, 'y'));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain('REC2001');
    expect(existsSync(join(work, 'x')) || existsSync(join(work, 'y'))).toBe(false);
  });

  it.runIf(haveTorch())('train.py → recc compile --weights → onnxruntime serves the module’s predictions', async () => {
    const spec = join(ROOT, 'examples/shared-bottom.rec');
    const dir = join(work, 'pkg');
    const e = recc('export', 'torch', spec, '-o', dir);
    expect(e.stderr).toBe('');
    expect(e.status).toBe(0);
    for (const f of ['model.py', 'data.py', 'split.py', 'train.py', 'weights.py', 'spec.json', 'init.safetensors', 'README.md']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'model.py'), 'utf8')).toContain('DO NOT EDIT');

    const g = analyzeFile(spec).graph!;
    const rows = randomRows(g, 256, 'export-cli');
    const csv = join(work, 'train.csv');
    writeFileSync(csv, toCsv({ columns: Object.keys(rows[0]!), rows }));
    const trained = join(work, 'trained.safetensors');
    const t = spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--data', csv, '--out', trained, '--batch', '64', '--epochs', '1', '--threads', '1'], { encoding: 'utf8' });
    expect(t.stderr).toBe('');
    expect(t.status).toBe(0);
    // the spec's split holds out rows of --data (split.py), as recc train does
    const held = /stage train: (\d+) training rows, (\d+) held out/.exec(t.stdout);
    expect(held, t.stdout).not.toBeNull();
    expect(Number(held![1]) + Number(held![2])).toBe(256);
    expect(t.stdout).toMatch(new RegExp(`stage train: ${Math.ceil(Number(held![1]) / 64)} steps, ${held![1]} samples`));

    const onnx = join(work, 'model.onnx');
    const c = recc('compile', spec, '--weights', trained, '-o', onnx);
    expect(c.status, c.stderr).toBe(0);
    const served = await runOnnx(readFileSync(onnx), onnxFeeds(g, rows));

    const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: [], skipBadRows: false });
    const inputs: Record<string, TorchValue> = {};
    for (const [k, { data, shape }] of Object.entries(modelInputs(dataset))) inputs[k] = { data, shape: [dataset.n, ...shape], ids: data instanceof Int32Array };
    const [fromTrained, fromInit] = await runTorchPackages([
      { dir, weights: trained, entry: SERVE, inputs },
      { dir, weights: join(dir, 'init.safetensors'), entry: SERVE, inputs },
    ]);
    for (const task of g.tasks) {
      expectRelClose(fromTrained![task.name]!, served[task.name]!, 1e-5, task.name);
      expect(relError(fromInit![task.name]!, served[task.name]!), `${task.name}: the trained model predicts otherwise than the initial one`).toBeGreaterThan(1e-3);
    }
  });
});

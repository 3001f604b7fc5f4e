// LiMAML's meta.onnx takes a task's latest row(s) and its support rows: two counts of rows, so two
// symbolic dimensions (`batch` and `support_rows`). One symbol for both told onnxruntime they were
// the same size, and it warned on every run ("Shape mismatch attempting to re-use buffer").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { onnxSignature } from '../../src/lower/onnx/signature.js';
import { servingModels } from '../../src/lower/serving-models.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'recc-meta-dims-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Run in a child process: onnxruntime's warnings go to the native stderr, which only a child's can be read from.
const RUN = `
const ort = require(${JSON.stringify(join(ROOT, 'node_modules/onnxruntime-node'))});
const fs = require('fs');
(async () => {
  const [file, sig] = process.argv.slice(1);
  const s = await ort.InferenceSession.create(file);
  const feeds = {};
  for (const t of JSON.parse(sig)) {
    const dims = t.dims.map((d) => (d === 'batch' ? 1 : d === 'support_rows' ? 7 : d));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[t.name] = new ort.Tensor(t.elemType, t.elemType === 'int64' ? new BigInt64Array(n).fill(1n) : new Float32Array(n).fill(0.5), dims);
  }
  for (let i = 0; i < 3; i++) await s.run(feeds);
  console.log('ran');
})();
`;

describe('meta.onnx', () => {
  it('names the support rows’ dimension apart from the latest rows’, and runs without warnings', () => {
    const graph = analyzeFile(join(ROOT, 'examples/limaml-mlp.rec')).graph!;
    const meta = servingModels(graph, initWeights(graph, 1), { reccVersion: 'test' }).find((m) => m.file === 'meta.onnx')!;
    const sig = onnxSignature(meta.onnx);
    const support = sig.inputs.filter((t) => t.name.startsWith('support.'));
    const latest = sig.inputs.filter((t) => !t.name.startsWith('support.'));
    expect(support.map((t) => t.name)).toContain('support.mask');
    expect(latest.length).toBeGreaterThan(0);
    for (const t of support) expect(t.dims[0], t.name).toBe('support_rows');
    for (const t of latest) expect(t.dims[0], t.name).toBe('batch');
    for (const t of sig.outputs) expect(t.dims[0], t.name).toBe('batch');
    const file = join(work, 'meta.onnx');
    writeFileSync(file, meta.onnx);
    const r = spawnSync(process.execPath, ['-e', RUN, file, JSON.stringify(sig.inputs)], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('ran');
    expect(r.stderr).toBe('');
  });
});

// Folded lookups (src/ir/passes/fold-lookups.ts): a row-wise function of a small table's looked-up
// rows is computed over the table's rows and looked up, with the same outputs; large tables, the
// caller's inputs and lookups read as they are stay; onnxruntime computes the folded tables when
// the session loads, so the POSO-MLP reference's gates leave its optimised graph.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FOLD_BUDGET, foldLookups } from '../../src/ir/passes/fold-lookups.js';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { forwardOutputs } from '../helpers/forward.js';
import { ort } from '../helpers/onnx.js';
import { onnxFeeds, randomRows } from '../helpers/rows.js';
import { ALL_SPECS, inRepo } from '../helpers/specs.js';

const { onnx } = onnxProto;
const ROOT = join(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/specs/fold-lookups.rec');
const SPECS = [
  ...ALL_SPECS,
  join(ROOT, 'bench/poso-reference.rec'),
  FIXTURE,
];

function maxDiff(a: Record<string, number[]>, b: Record<string, number[]>): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let max = 0;
  for (const k of Object.keys(a)) {
    expect(a[k]!.length).toBe(b[k]!.length);
    for (let i = 0; i < a[k]!.length; i++) max = Math.max(max, Math.abs(a[k]![i]! - b[k]![i]!));
  }
  return max;
}

/** The tables whose rows a folded graph multiplies out: params read by something other than a lookup. */
const foldedTables = (g: IRGraph) =>
  g.nodes.filter((n) => n.op !== 'gather' && n.inputs.some((i) => g.nodes[i]!.op === 'param' && String(g.nodes[i]!.attrs.name).startsWith('features.'))).map((n) => String(g.nodes[n.inputs.find((i) => g.nodes[i]!.op === 'param')!]!.attrs.name));

describe('folded lookups', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('folds a sequence through a dense layer and a code through a gate, not a table past the budget nor a lookup read as it is', () => {
    const g = analyzeFile(FIXTURE).graph!;
    const f = foldLookups(g, new Set());
    expect(verify(f)).toEqual([]);
    expect(foldedTables(f).sort()).toEqual(['features.code.table', 'features.tags.table']);
    // the looked-up functions: [51, 6] rows of relu(dense(tags)), [21, 4] of 2·σ(dense(code))
    const lookups = f.nodes.filter((n) => n.op === 'gather' && f.nodes[n.inputs[0]!]!.op !== 'param');
    expect(lookups.map((n) => [f.nodes[n.inputs[0]!]!.op, f.nodes[n.inputs[0]!]!.shape, n.shape])).toEqual([
      ['relu', [51, 6], ['batch', 5, 6]],
      ['mul', [21, 4], ['batch', 4]],
    ]);
    // big: 300 001 rows × 4 is over the budget; its dense layer still reads the looked-up rows
    expect(300_001 * 4).toBeGreaterThan(FOLD_BUDGET);
    const big = f.nodes.find((n) => n.op === 'gather' && f.nodes[n.inputs[0]!]!.attrs.name === 'features.big.table')!;
    expect(f.nodes.some((n) => n.op === 'matmul' && n.inputs[0] === big.id)).toBe(true);
    // code and big are also concatenated as they are: those lookups stay
    const concat = f.nodes.find((n) => n.op === 'concat')!;
    expect(concat.inputs.slice(0, 2).map((i) => f.nodes[f.nodes[i]!.inputs[0]!]!.attrs.name)).toEqual(['features.code.table', 'features.big.table']);
  });

  it('leaves what the caller provides: a given lookup is no table function', () => {
    const g = analyzeFile(FIXTURE).graph!;
    const code = g.nodes.find((n) => n.op === 'gather' && g.nodes[n.inputs[0]!]!.attrs.name === 'features.code.table')!;
    expect(foldedTables(foldLookups(g, new Set([code.id])))).toEqual(['features.tags.table']);
  });

  for (const file of SPECS) {
    it(`${file.split('/').pop()}: the same outputs`, () => {
      const g = analyzeFile(file).graph!;
      const w = initWeights(g, 5);
      const f = foldLookups(g, new Set());
      expect(verify(f)).toEqual([]);
      const rows = randomRows(g, 24, `fold:${inRepo(file)}`);
      expect(maxDiff(forwardOutputs(f, w, rows), forwardOutputs(g, w, rows))).toBeLessThanOrEqual(1e-6);
    });
  }

  it('the POSO-MLP reference: onnxruntime computes the gates when it loads, and the outputs are the forward pass’s', async () => {
    const g = analyzeFile(join(ROOT, 'bench/poso-reference.rec')).graph!;
    const w = initWeights(g, 3);
    const bytes = lowerToOnnx(g, w, { reccVersion: 'test' });
    const written = onnx.ModelProto.decode(bytes).graph!;
    // as written: the four gate MLPs over the whole pc table, each looked up by pc (and the
    // task's own sigmoid)
    expect(written.node!.filter((n) => n.opType === 'Sigmoid').length).toBe(5);
    expect(written.node!.filter((n) => n.opType === 'MatMul' && n.input![0] === 'features.pc.table').length).toBe(4);
    expect(written.node!.filter((n) => n.opType === 'Gather' && n.input![1] === 'pc').length).toBe(4);
    // the trained weights stay initializers under their own names
    expect(written.initializer!.filter((t) => !t.name!.startsWith('/')).map((t) => t.name).sort()).toEqual(g.params.map((p) => p.name).sort());
    const dir = mkdtempSync(join(tmpdir(), 'recc-fold-'));
    try {
      const optimised = join(dir, 'optimised.onnx');
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, optimizedModelFilePath: optimised });
      const ops = onnx.ModelProto.decode(readFileSync(optimised)).graph!.node!.map((n) => n.opType);
      // only the prediction's sigmoid is left to compute per request
      expect(ops.filter((o) => o === 'Sigmoid')).toEqual(['Sigmoid']);
      const rows = randomRows(g, 32, 'fold:onnx');
      const got = await session.run(onnxFeeds(g, rows));
      expect(maxDiff({ click: Array.from(got.click!.data as Float32Array) }, forwardOutputs(g, w, rows))).toBeLessThanOrEqual(1e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

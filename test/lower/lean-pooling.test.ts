// Lean pooling (src/ir/passes/lean-pooling.ts): with the padding rows at zero, sum and mean
// pooling lose their masks, and a model's outputs do not change for any input; with a non-zero
// padding row (weights from before the rule) the masks stay.
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { paddedTables, zeroPaddedTables } from '../../src/ir/padding-rows.js';
import { leanPooling } from '../../src/ir/passes/lean-pooling.js';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { forwardOutputs } from '../helpers/forward.js';
import { runOnnx } from '../helpers/onnx.js';
import { onnxFeeds, randomRows } from '../helpers/rows.js';
import { ALL_SPECS, inRepo } from '../helpers/specs.js';

const { onnx } = onnxProto;
const ROOT = join(import.meta.dirname, '../..');
const SPECS = [
  ...ALL_SPECS,
  join(ROOT, 'bench/poso-reference.rec'),
];

const count = (g: IRGraph, op: string, mode?: string) => g.nodes.filter((n) => n.op === op && (mode === undefined || n.attrs.mode === mode)).length;

/** Row 0 of every feature table set to a non-zero vector, as in weights trained before the rule. */
function withPaddingRows(g: IRGraph, w: Record<string, Float32Array>): Record<string, Float32Array> {
  const out = { ...w };
  for (const t of paddedTables(g)) {
    out[t] = Float32Array.from(w[t]!);
    for (let i = 0; i < g.params.find((p) => p.name === t)!.shape[1]!; i++) out[t][i] = 0.3 - 0.1 * i;
  }
  return out;
}

describe('lean pooling', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  for (const file of SPECS) {
    it(`${file.split('/').pop()}: the same outputs, bit for bit, on rows with empty cells and short sequences`, () => {
      const g = analyzeFile(file).graph!;
      const w = initWeights(g, 3);
      const lean = leanPooling(g, zeroPaddedTables(g, w));
      expect(verify(lean)).toEqual([]);
      // no sum pooling is left, and every mean over a table lookup skips its product
      expect(count(lean, 'pool', 'sum')).toBe(0);
      for (const n of lean.nodes) if (n.op === 'pool' && n.attrs.mode === 'mean' && lean.nodes[n.inputs[0]!]!.op === 'gather') expect(n.attrs.zero_padded).toBe(true);
      const rows = randomRows(g, 24, `lean:${inRepo(file)}`);
      expect(forwardOutputs(lean, w, rows)).toEqual(forwardOutputs(g, w, rows));
    });
  }

  it('is what makes the outputs equal: applied over non-zero padding rows, it changes them', () => {
    const g = analyzeFile(join(ROOT, 'examples/poso-movielens.rec')).graph!;
    const w = withPaddingRows(g, initWeights(g, 3));
    expect(zeroPaddedTables(g, w).size).toBe(0);
    const rows = randomRows(g, 24, 'lean:nonzero');
    expect(forwardOutputs(leanPooling(g, paddedTables(g)), w, rows)).not.toEqual(forwardOutputs(g, w, rows));
  });

  it('the POSO-MLP reference serves without masks (69 ONNX nodes; 101 with the masks a non-zero padding row needs), and the same values', async () => {
    const g = analyzeFile(join(ROOT, 'bench/poso-reference.rec')).graph!;
    const rows = randomRows(g, 32, 'lean:onnx');
    const nodes = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType!);
    const zero = initWeights(g, 3);
    const padded = withPaddingRows(g, zero);
    for (const [w, size] of [
      [zero, 69],
      [padded, 101],
    ] as const) {
      const bytes = lowerToOnnx(g, w, { reccVersion: 'test' });
      const ops = nodes(bytes);
      expect(ops.length).toBe(size);
      // 8 sum-pooled sequences: Cast → Cast → Unsqueeze → Mul each, or none
      for (const op of ['Cast', 'Unsqueeze']) expect(ops.filter((o) => o === op).length).toBe(size === 69 ? 0 : op === 'Cast' ? 16 : 8);
      const got = await runOnnx(bytes, onnxFeeds(g, rows));
      const want = forwardOutputs(g, w, rows);
      let max = 0;
      for (let i = 0; i < want.click!.length; i++) max = Math.max(max, Math.abs(got.click![i]! - want.click![i]!));
      expect(max).toBeLessThanOrEqual(1e-6);
    }
  });
});

// The passes around the gradient: decompose (the GRU as IR ops, equal to the op), substitute
// (MAML's adapted forward), and what grad() refuses or leaves out.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompose } from '../../src/ir/passes/decompose.js';
import { grad } from '../../src/ir/passes/grad.js';
import { substitute } from '../../src/ir/passes/substitute.js';
import { verify } from '../../src/ir/verify.js';
import { preprocess } from '../../src/data/preprocess.js';
import { lowerFunction } from '../../src/lower/onnx/function.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { ort, runOnnx } from '../helpers/onnx.js';
import { inputFeeds, randomRows } from '../helpers/rows.js';
import { inRepo } from '../helpers/specs.js';
import { expectRelClose } from './close.js';
import { SmallGraph } from './small-graph.js';

const ROOT = join(import.meta.dirname, '../..');

describe('decompose', () => {
  const specs = [...readdirSync(join(ROOT, 'examples')).filter((f) => f.startsWith('cmml')).map((f) => join(ROOT, 'examples', f)), join(ROOT, 'test/fixtures/specs/cmml-blocks.rec')];
  for (const spec of specs) {
    it(`${spec.split('/').pop()}: the same task outputs with the GRU as IR ops`, async () => {
      const g = analyzeFile(spec).graph!;
      const d = decompose(g);
      expect(verify(d)).toEqual([]);
      expect(d.nodes.some((n) => n.op === 'gru')).toBe(false);
      const hasGru = g.nodes.some((n) => n.op === 'gru');
      expect(d === g).toBe(!hasGru);
      const weights = initWeights(g, 3);
      const rows = randomRows(g, 12, inRepo(spec));
      const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
      const feeds = inputFeeds(dataset);
      const run = async (graph: typeof g) => runOnnx(lowerFunction(graph, { outputs: Object.fromEntries(graph.tasks.map((t) => [t.name, t.output])), weights }), feeds);
      const [before, after] = [await run(g), await run(d)];
      for (const t of g.tasks) expectRelClose(after[t.name]!, before[t.name]!, 1e-6, t.name);
    });
  }
});

describe('substitute', () => {
  it('copies only what depends on a replaced node, and computes with the replacement', async () => {
    const s = new SmallGraph();
    const x = s.input('x', 'float32', ['batch', 2]);
    const w = s.param('w', [2, 1]);
    const v = s.param('v', [2, 1]);
    const c = s.add('sigmoid', [x]); // depends on no parameter: shared
    const y = s.add('matmul', [c, w]);
    const out = s.add('add', [y, s.add('matmul', [x, v])]);
    const g = s.graph();
    const r = substitute(g, [out], new Map([[w, v]]));
    expect(verify(r.graph)).toEqual([]);
    expect(r.graph.nodes.length - g.nodes.length).toBe(2); // the matmul on c and the add
    const copied = r.graph.nodes[r.outputs[0]!]!;
    expect(copied.op).toBe('add');
    expect(r.graph.nodes[copied.inputs[0]!]!.inputs).toEqual([c, v]);
    // x = [1, -2]: σ(x)·v + x·v with v = [0.5, 3]
    const got = await runOnnx(lowerFunction(r.graph, { outputs: { y: r.outputs[0]! }, weights: { w: Float32Array.from([9, 9]), v: Float32Array.from([0.5, 3]) } }), { x: new ort.Tensor('float32', Float32Array.from([1, -2]), [1, 2]) });
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(got.y![0]).toBeCloseTo(sig(1) * 0.5 + sig(-2) * 3 + (0.5 - 6), 5);
  });

  it('refuses a replacement of another shape', () => {
    const s = new SmallGraph();
    const w = s.param('w', [2, 1]);
    const u = s.param('u', [1, 2]);
    const out = s.sum(w);
    expect(() => substitute(s.graph(), [out], new Map([[w, u]]))).toThrow(/cannot stand for/);
  });
});

describe('grad', () => {
  const mlp = () => {
    const s = new SmallGraph();
    const x = s.input('x', 'float32', ['batch', 3]);
    const ids = s.input('ids', 'int32', ['batch']);
    const table = s.param('table', [5, 3]);
    const w = s.param('w', [3, 2]);
    const unused = s.param('unused', [2]);
    const h = s.add('add', [s.add('matmul', [x, w]), s.add('matmul', [s.add('gather', [table, ids]), w])]);
    const cut = s.add('stop_gradient', [s.add('matmul', [x, w])]);
    const out = s.add('mul', [h, cut]);
    return { s, x, ids, table, w, unused, h, out, objective: s.sum(out) };
  };

  it('differentiates with respect to what is asked only (no gradient of the feature input is built)', () => {
    const m = mlp();
    const r = grad(m.s.graph(), m.objective, [m.w]);
    expect(verify(r.graph)).toEqual([]);
    expect(r.graph.nodes[r.grads[0]!]!.shape).toEqual([3, 2]);
    // ∂/∂x would be dy @ wᵀ: no transpose of w is made when x is not asked for
    const added = r.graph.nodes.slice(m.s.graph().nodes.length);
    expect(added.some((n) => n.op === 'transpose')).toBe(false);
    expect(added.some((n) => n.op === 'scatter_add')).toBe(false);
  });

  it('gives no gradient where none flows: an unused parameter, a stop_gradient branch', () => {
    const m = mlp();
    const r = grad(m.s.graph(), m.objective, [m.unused, m.table]);
    expect(r.grads[0]).toBeUndefined();
    expect(r.graph.nodes[r.grads[1]!]!.op).toBe('scatter_add');
    const s = new SmallGraph();
    const w = s.param('w', [2]);
    const r2 = grad(s.graph(), s.sum(s.add('stop_gradient', [w])), [w]);
    expect(r2.grads).toEqual([undefined]);
  });

  it('refuses a non-scalar objective, int nodes, and an op that must be decomposed first', () => {
    const m = mlp();
    expect(() => grad(m.s.graph(), m.out, [m.w])).toThrow(/float scalar/);
    expect(() => grad(m.s.graph(), m.objective, [m.ids])).toThrow(/float nodes/);
    const s = new SmallGraph();
    const x = s.input('x', 'float32', ['batch', 2, 3]);
    const mask = s.input('m', 'float32', ['batch', 2]);
    const ws = [s.param('w', [3, 6]), s.param('u', [2, 6]), s.param('bw', [6]), s.param('bu', [6])];
    const o = s.sum(s.add('gru', [x, mask, ...ws], { length: 2 }));
    expect(() => grad(s.graph(), o, ws)).toThrow(/decompose/);
  });
});

// Entries and the cut pass. `serve` is the default entry, so compiling it names nothing new:
// the bytes equal the default lowering. Cutting an entry at an inner node gives two entries
// that, run one after the other in onnxruntime (the head's output fed to the tail), compute what
// the whole entry does.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEntry, SERVE } from '../../src/ir/entry.js';
import { applyPass } from '../../src/ir/passes/index.js';
import { cut } from '../../src/ir/passes/cut.js';
import { verify } from '../../src/ir/verify.js';
import type { IRGraph } from '../../src/ir/types.js';
import { lowerToOnnx } from '../../src/lower/onnx/lower.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { ort } from '../helpers/onnx.js';
import { onnxFeeds, randomRows } from '../helpers/rows.js';
import { inRepo } from '../helpers/specs.js';

const ROOT = join(import.meta.dirname, '../..');
const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => join(ROOT, 'examples', f));

function load(spec: string): IRGraph {
  const a = analyzeFile(spec);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a.graph!;
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const wanted = Object.fromEntries(session.inputNames.map((k) => [k, feeds[k]!]));
  return session.run(wanted);
}

/** A node in the middle of the serving computation: a float tensor that is neither a leaf nor an output. */
function innerNode(g: IRGraph): number {
  const serve = getEntry(g, SERVE)!;
  const outputs = new Set(Object.values(serve.outputs));
  const candidates = g.nodes.filter((n) => n.dtype === 'float32' && !['param', 'input', 'const'].includes(n.op) && !outputs.has(n.id) && n.shape[0] === 'batch');
  return candidates[Math.floor(candidates.length / 2)]!.id;
}

describe('entries', () => {
  it('every model has a serve entry and one per stage; serve is the default lowering, byte for byte', () => {
    for (const spec of examples) {
      const g = load(spec);
      expect(Object.keys(g.entries).sort()).toEqual([SERVE, ...g.plan.stages.map((s) => s.entry)].sort());
      const w = initWeights(g, 3);
      const a = lowerToOnnx(g, w, { reccVersion: 'test' });
      const b = lowerToOnnx(g, w, { reccVersion: 'test' }, SERVE);
      expect(Buffer.from(b).equals(Buffer.from(a)), spec).toBe(true);
    }
  });

  it('an unknown entry is an error, not an empty graph', () => {
    const g = load(examples[0]!);
    expect(() => lowerToOnnx(g, initWeights(g, 1), { reccVersion: 'test' }, 'nope')).toThrow(/no entry `nope`/);
  });
});

describe('cut', () => {
  for (const spec of examples) {
    it(`${spec.split('/').pop()}: head then tail equals the whole serving graph`, async () => {
      const g = load(spec);
      const at = innerNode(g);
      const c = applyPass(g, { name: 'cut', run: (x) => cut(x, { entry: SERVE, at, as: 'cut_value', head: 'head', tail: 'tail' }) });
      expect(verify(c)).toEqual([]);
      expect(c.entries.head!.outputs).toEqual({ cut_value: at });
      expect(c.entries.tail!.inputs.cut_value).toBe(at);
      const w = initWeights(g, 5);
      const rows = randomRows(g, 12, inRepo(spec));
      const feeds = onnxFeeds(g, rows);
      const whole = await run(lowerToOnnx(c, w, { reccVersion: 'test' }), feeds);
      const head = await run(lowerToOnnx(c, w, { reccVersion: 'test' }, 'head'), feeds);
      const tail = await run(lowerToOnnx(c, w, { reccVersion: 'test' }, 'tail'), { ...feeds, cut_value: head.cut_value! });
      // the serving entry's tasks (a staged spec also has earlier stages' tasks)
      for (const t of g.tasks.filter((task) => Object.hasOwn(g.entries[SERVE]!.outputs, task.name))) {
        const x = whole[t.name]!.data as Float32Array;
        const y = tail[t.name]!.data as Float32Array;
        expect(y.length).toBe(x.length);
        let max = 0;
        for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
        expect(max, `${t.name}`).toBeLessThanOrEqual(1e-6);
      }
    });
  }

  it('the tail reads the cut value instead of computing it, and each half keeps only the inputs it reads', () => {
    const g = load(join(ROOT, 'examples/poso-movielens.rec'));
    const trunk = g.instances.find((i) => i.path === 'trunk')!;
    const at = trunk.nodes[trunk.nodes.length - 1]!;
    const c = cut(g, { entry: SERVE, at, as: 'trunk_out', head: 'h', tail: 't' });
    // the towers read only the trunk: no feature is left in the tail
    expect(Object.keys(c.entries.t!.inputs)).toEqual(['trunk_out']);
    expect(Object.keys(c.entries.h!.inputs).sort()).toEqual(['avc', 'movie_id', 'rated_movies', 'rated_tags', 'user_id'].sort());
  });
});

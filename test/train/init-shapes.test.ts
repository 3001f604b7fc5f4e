// `recc train --init FILE`: the file's tensors that the spec has in the same shape are loaded by
// name. One the spec has in another shape starts fresh and is named (before, it was counted
// among those "not in this spec"); a file of which nothing fits is refused, where before the run
// trained from scratch after a line saying 0 tensors were loaded.
import { describe, expect, it } from 'vitest';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyze } from '../../src/semantics/analyze.js';
import { startFromPretrained } from '../../src/train/pretrained.js';

const g = analyze(
  `model m {
  features { user_id: id(hash: 1_000, dim: 4)  clicked: label }
  task t : binary(label: clicked) { from: user_id }
}
`,
  '/specs/m.rec',
).graph!;
const fresh = initWeights(g, 1);
const tensor = (shape: number[], fill: number) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });

describe('--init and shapes', () => {
  it('loads what fits, names what has another shape, and counts the rest as not in the spec', () => {
    expect(g.params.map((p) => [p.name, p.shape])).toEqual([
      ['features.user_id.table', [1001, 4]],
      ['t.out.kernel', [4, 1]],
      ['t.out.bias', [1]],
    ]);
    const r = startFromPretrained(g, g.plan, fresh, {
      file: 'w.safetensors',
      tensors: { 'features.user_id.table': tensor([4001, 8], 1), 't.out.kernel': tensor([4, 1], 2), 'other.kernel': tensor([3], 3) },
    });
    if ('error' in r) throw new Error(r.error);
    expect([r.loaded, r.ignored]).toEqual([1, 1]);
    expect(r.reshaped).toEqual(['`features.user_id.table` is [4001, 8] in the file, [1001, 4] in the spec']);
    expect(Array.from(r.weights['t.out.kernel']!)).toEqual([2, 2, 2, 2]);
    expect(r.weights['features.user_id.table']).toBe(fresh['features.user_id.table']);
  });

  it('refuses a file of which nothing fits, saying why', () => {
    const r = startFromPretrained(g, g.plan, fresh, { file: 'w.safetensors', tensors: { 'features.user_id.table': tensor([4001, 8], 1), 'x.y': tensor([2], 0) } });
    expect(r).toEqual({ error: "w.safetensors holds no parameter of this spec in the spec's shape, so --init would start nothing from it: `features.user_id.table` is [4001, 8] in the file, [1001, 4] in the spec" });
    const other = startFromPretrained(g, g.plan, fresh, { file: 'w.safetensors', tensors: { 'a.b': tensor([2], 0) } });
    expect(other).toEqual({ error: "w.safetensors holds no parameter of this spec in the spec's shape, so --init would start nothing from it; it holds `a.b`" });
  });
});

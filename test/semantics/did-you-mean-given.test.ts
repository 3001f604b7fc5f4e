// "Did you mean" offers no name the record or call gives already: applying it would give that name
// twice (`inner { steps: 1, stepz: 2 }` offered `steps`, then REC2002; found by a probe of the
// diagnostics). The hint falls back to the list of names.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const spec = (items: string, task = 'task click : binary(label: clicked) { from: h }') => `use std.peterrec
block f(x: tensor, xs: tensor) { return x }
model m {
  features {
    a: dense(4)
    items: seq(id(hash: 50, dim: 8), max_len: 6)
    clicked: label
  }
  let h = relu(a)
  ${task}
  ${items}
}
`;

/** The hint and the fixes of the diagnostics of a spec with the given code. */
const hints = (code: string, items: string, task?: string) =>
  analyze(spec(items, task), '/specs/m.rec')
    .diagnostics.filter((d) => d.code === code)
    .map((d) => [d.hint, d.suggestions.map((s) => s.text)]);

describe('did you mean, among the names not given', () => {
  it('offers a name not given yet, and none given', () => {
    expect(hints('REC5030', 'meta_block um by a { inner { steps: 1, lr: 0.1, stepz: 2 } return dense(a, 4) }', 'task click : binary(label: clicked) { from: concat(um, h) }')).toEqual([['its settings are `steps`, `lr` and `order`', []]]);
    expect(hints('REC5030', 'meta_block um by a { inner { lr: 0.1, stepz: 2 } return dense(a, 4) }', 'task click : binary(label: clicked) { from: concat(um, h) }')).toEqual([['did you mean `steps`?', ['steps']]]);
    expect(hints('REC3011', 'train { epochs: 1, epoch: 2 }')).toEqual([[expect.stringMatching(/^its settings are optimizer, batch, epochs/), []]]);
    expect(hints('REC3011', 'train { epoch: 2 }')).toEqual([['did you mean `epochs`?', ['epochs']]]);
  });

  it('in a task, a train setting, a block call, a feature and a graft', () => {
    expect(hints('REC3011', '', 'task click : binary(label: clicked) { from: h, frm: h }')).toEqual([['its fields are from, tower, weight', []]]);
    expect(hints('REC3003', '', 'task click : binary(clicked, lable: clicked) { from: h }')).toEqual([['its options are label, loss', []]]);
    expect(hints('REC3003', 'train { split: random(0.2, tst: 0.3) }')).toEqual([['its options are test', []]]);
    expect(hints('REC3003', 'let g = f(a, xz: a)')).toEqual([['did you mean `xs`?', ['xs']]]);
    expect(hints('REC3003', 'let g = f(x: a, xs: a, xx: a)')).toEqual([['its parameters are `x`, `xs`', []]]);
    expect(analyze(spec('', 'task click : binary(label: clicked) { from: h }').replace('a: dense(4)', 'a: dense(size: 4, siz: 5)'), '/specs/m.rec').diagnostics.map((d) => [d.code, d.hint])).toEqual([['REC3003', 'its options are `size`, `column`']]);
    const graft = `let net = peterrec.nextitnet(items)
  stage one { task next : next_item(items) { from: net } }
  stage two { graft: { into: "net.*", patch: peterrec.serial(bottleneck: 2), int: "net.*" } task again : next_item(items) { from: net } }`;
    expect(hints('REC5022', graft, '')).toEqual([['its fields are `into` and `patch`', []]]);
  });
});

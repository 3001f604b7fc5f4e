// A task's options and fields, and a support set's and a graft's, are given once each, and a task
// takes one positional argument: before, a second one was read over the first without a word
// (`binary(clicked, liked)` trained on `liked`, `next_item(items, other)` on `other`; found by a
// probe of the diagnostics).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const spec = (items: string) => `use std.peterrec
model m {
  features {
    items: seq(id(hash: 50, dim: 8), max_len: 6)
    other: seq(id(hash: 50, dim: 8), max_len: 6)
    user: dense(4)
    clicked: label
    liked: label
  }
  let net = peterrec.nextitnet(items)
${items}
}
`;

/** The diagnostics of a spec as code, line:column, message and hint. */
const diagnosticsOf = (items: string) => analyze(spec(items), '/specs/m.rec').diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message} (${d.hint})`);

describe('options and fields given twice', () => {
  it('a task', () => {
    const diagnostics = (task: string) => diagnosticsOf(`  let v = peterrec.user_vector(net)\n${task}`);
    expect(diagnostics('  task click : binary(clicked, liked) { from: v }')).toEqual(['REC3005 12:32 `binary` takes 1 positional argument (label) (name the option it gives (`loss: …`))']);
    expect(diagnostics('  task click : binary(label: clicked, label: liked) { from: v }')).toEqual(['REC3004 12:39 option `label` of `binary` is given twice (remove one of them)']);
    expect(diagnostics('  task click : binary(clicked, label: liked) { from: v }')).toEqual(['REC3004 12:32 `binary` is given `label` twice: by position and by name (remove one of them)']);
    expect(diagnostics('  task click : binary(clicked) { from: v, from: user }')).toEqual(['REC2002 12:43 `from` is set twice in task `click` (remove one of them)']);
  });

  it('a next_item task', () => {
    const diagnostics = diagnosticsOf;
    expect(diagnostics('  task next : next_item(items, other) { from: net }')).toEqual(['REC3005 11:32 `next_item` takes 1 positional argument (label) (name the option it gives (`loss: …`, `negatives: …`))']);
    expect(diagnostics('  task next : next_item(items, negatives: 2, negatives: 3) { from: net }')).toEqual(['REC3004 11:46 option `negatives` of `next_item` is given twice (remove one of them)']);
    expect(diagnostics('  task next : next_item(items) { from: net, weight: 1, weight: 2 }')).toEqual(['REC2002 11:56 `weight` is set twice in task `next` (remove one of them)']);
  });

  it('a support set', () => {
    const d = diagnosticsOf('  support s by user: pairs(user, label: clicked, size: 4, size: 8)\n  task click : binary(clicked) { from: concat(peterrec.user_vector(net), mean(s)) }');
    expect(d).toEqual(['REC3004 11:59 option `size` of `pairs` is given twice (remove one of them)']);
  });

  it('a graft', () => {
    const d = diagnosticsOf(`  stage pretrain {
    task next : next_item(items) { from: net }
  }
  stage tune {
    freeze: [net, embedding]
    graft: { into: "net.*.conv*", patch: peterrec.serial(bottleneck: 2), into: "net.*" }
    task click : binary(clicked) { from: peterrec.user_vector(net) }
  }`);
    expect(d).toEqual(['REC2002 16:74 `into` is set twice in a graft (remove one of them)']);
  });
});

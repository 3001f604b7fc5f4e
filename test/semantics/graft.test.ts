// Grafting (semantics/graft.ts): a stage's `graft:` elaborates the model's `let`s again with a
// block inserted after every matched call. The grafted network reads the very parameter nodes of
// the first elaboration (shared by name, none declared twice); only the graft's own are new, and
// the stage trains them although `freeze:` covers their path; a selector matches calls at its own
// depth only; several grafts apply in order; a grafting stage cannot also train the model's tasks.
import { describe, expect, it } from 'vitest';
import { entryNodes } from '../../src/ir/entry.js';
import type { IRGraph } from '../../src/ir/types.js';
import { analyze } from '../../src/semantics/analyze.js';

const model = (tune: string, extra = '') => `use std.peterrec
model m {
  features {
    items: seq(id(hash: 40, dim: 4), max_len: 5)
    age: label
  }
  let net = peterrec.nextitnet(items, dilations: [1])
${extra}
  stage pre {
    task next : next_item(items) { from: net }
  }
  stage tune {
    freeze: [net, embedding]
${tune}
    task age : multiclass(label: age, classes: 3) { from: peterrec.user_vector(net) }
  }
}`;

function compile(text: string) {
  return analyze(text, '/virtual/graft.rec');
}
const paramsRead = (g: IRGraph, entry: string) => entryNodes(g, g.entries[entry]!).filter((id) => g.nodes[id]!.op === 'param').map((id) => String(g.nodes[id]!.attrs.name));

describe('graft', () => {
  it('shares the network\'s parameters by name and adds only the patches, which the stage trains', () => {
    const a = compile(model('    graft: { into: "net.*.conv*", patch: peterrec.serial(bottleneck: 2) }'));
    expect(a.diagnostics).toEqual([]);
    const g = a.graph!;
    const names = g.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const patches = names.filter((n) => n.includes('.serial.'));
    expect(patches).toEqual([
      'net.residual0.conv0.serial.patch0.dense0.kernel',
      'net.residual0.conv0.serial.patch0.dense0.bias',
      'net.residual0.conv0.serial.patch0.up',
      'net.residual0.conv0.serial.patch0.up_bias',
      'net.residual0.conv1.serial.patch0.dense0.kernel',
      'net.residual0.conv1.serial.patch0.dense0.bias',
      'net.residual0.conv1.serial.patch0.up',
      'net.residual0.conv1.serial.patch0.up_bias',
    ]);
    // the tune entry reads every network parameter the pre entry reads (one node per name)
    const pre = paramsRead(g, 'pre').filter((n) => !n.startsWith('next.'));
    const tune = paramsRead(g, 'tune');
    for (const n of pre) expect(tune).toContain(n);
    expect(tune.filter((n) => n.includes('.serial.')).sort()).toEqual([...patches].sort());
    const stage = g.plan.stages[1]!;
    expect(stage.trainable.filter((n) => n.includes('.serial.')).sort()).toEqual([...patches].sort());
    expect(stage.frozen).toContain('net.residual0.conv0.w');
    // the stage's calls are marked with it
    expect(g.instances.filter((i) => i.stage === 'tune').map((i) => i.path).slice(0, 3)).toEqual(['net', 'net.residual0', 'net.residual0.conv0']);
  });

  it('applies several grafts in order, each at its own targets and depth', () => {
    const a = compile(model('    graft: [{ into: net.residual0.conv0, patch: peterrec.serial(bottleneck: 2) }, { into: "net.*.conv1", patch: peterrec.parallel(bottleneck: 3) }]'));
    expect(a.diagnostics).toEqual([]);
    const patched = a.graph!.params.map((p) => p.name).filter((n) => /\.(serial|parallel)\./.test(n) && n.endsWith('.up'));
    expect(patched).toEqual(['net.residual0.conv0.serial.patch0.up', 'net.residual0.conv1.parallel.patch0.up']);
    expect(a.graph!.params.find((p) => p.name === 'net.residual0.conv1.parallel.patch0.up')!.shape).toEqual([3, 4]);
    // `net.*` has two segments: it matches the residual blocks, which return tensors, not the convs
    const b = compile(model('    graft: { into: "net.*", patch: peterrec.serial(bottleneck: 2) }'));
    expect(b.diagnostics).toEqual([]);
    expect(b.graph!.params.map((p) => p.name).filter((n) => n.endsWith('.up'))).toEqual(['net.residual0.serial.patch0.up']);
  });

  it('refuses a grafting stage beside model-level tasks, and a graft without `patch`', () => {
    const a = compile(model('    graft: { into: "net.*.conv*", patch: peterrec.serial(bottleneck: 2) }', '  task other : multiclass(label: age, classes: 3) { from: peterrec.user_vector(net) }'));
    expect(a.diagnostics.map((d) => [d.code, d.message])).toContainEqual(['REC5022', "stage `tune` grafts, so it cannot also train the model's tasks, which read the network without its patches"]);
    const b = compile(model('    graft: { into: "net.*.conv*" }'));
    expect(b.diagnostics.map((d) => [d.code, d.message])).toEqual([['REC5022', 'this graft has no `patch`']]);
  });
});

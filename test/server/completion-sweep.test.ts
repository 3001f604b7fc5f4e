// Completion while typing a name, in-process, over every example and spec fixture: each reference
// cut short (`dens` of `dense`, `movi` of `movie_id`) is offered back in full where it is typed.
import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { complete } from '../../src/server/completion.js';
import { exampleSpecs, ROOT } from '../spec-files.js';

const files = exampleSpecs();

describe('completion while typing a name', () => {
  it('offers the name being typed, wherever the examples use one', () => {
    const rng = seedrandom('typing');
    const missing: string[] = [];
    let tried = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const refs = analyze(text, file).symbols.refs.filter((r) => r.span.file === file && r.span.end.offset - r.span.start.offset >= 3);
      for (let k = 0; k < 30 && refs.length > 0; k++) {
        const r = refs[Math.floor(rng() * refs.length)]!;
        const name = text.slice(r.span.start.offset, r.span.end.offset);
        const typed = 1 + Math.floor(rng() * (name.length - 1));
        const cut = text.slice(0, r.span.start.offset + typed) + text.slice(r.span.end.offset);
        const labels = complete(analyze(cut, file), cut, r.span.start.offset + typed).map((i) => i.label);
        tried++;
        if (!labels.includes(name)) missing.push(`${file.slice(ROOT.length + 1)}:${r.span.start.line} \`${name.slice(0, typed)}\` of \`${name}\`: got ${labels.slice(0, 5).join(', ')}`);
      }
    }
    expect(missing.slice(0, 5)).toEqual([]);
    expect(tried).toBeGreaterThan(500);
  });

  it('offers, as the ids of a `seq`, the `id` features declared before it and `id(…)`', () => {
    const text = 'model m {\n  features {\n    movie_id: id(hash: 100, dim: 8)\n    year: bucketize(boundaries: [1990], dim: 2)\n    rated: seq(m, max_len: 5)\n    later: id(hash: 10, dim: 8)\n  }\n}\n';
    const at = text.indexOf('seq(m') + 5;
    const labels = complete(analyze(text, '/virtual/m.rec'), text, at).map((i) => i.label);
    expect(labels.filter((l) => !l.endsWith(':'))).toEqual(['movie_id', 'id']);
    // after the ids, the options
    const after = text.indexOf(', max_len') + 2;
    expect(complete(analyze(text, '/virtual/m.rec'), text, after).map((i) => i.label)).toEqual(['max_len:', 'sep:', 'column:']);
  });

  it('offers the fields the checker reads in train, stage, task and inner blocks, the calls a setting takes, and options', () => {
    const spec = (body: string) => `model m {\n  features {\n    a: dense(4)\n    c: label\n  }\n${body}\n}\n`;
    const at = (text: string, marker: string) => {
      const cut = text.replace(marker, '');
      return complete(analyze(cut, '/virtual/m.rec'), cut, text.indexOf(marker)).map((i) => i.label);
    };
    // The checker's own list, from its hint for a field it does not know.
    const settings = (text: string) => /its settings are (.*)$/.exec(analyze(text, '/virtual/m.rec').diagnostics.find((d) => d.code === 'REC3011')!.hint!)![1]!.split(', ');
    const train = spec('  train {\n    batch: 4\n    ‸\n  }\n  task t : binary(label: c) { from: a }');
    expect(at(train, '‸')).toEqual(settings(train.replace('‸', 'zzz: 1')));
    expect(at(train, '‸')).toEqual(expect.arrayContaining(['groups', 'tasks_per_batch', 'support_fraction']));
    const stage = spec('  stage s {\n    epochs: 1\n    ‸\n    task t : binary(label: c) { from: a }\n  }');
    expect(at(stage, '‸')).toEqual([...settings(stage.replace('‸', 'zzz: 1')), 'task']);
    // a task's fields, after `{` or `,`, and the options of its kind
    expect(at(spec('  task t : binary(label: c) { ‸ }'), '‸')).toEqual(['from', 'tower', 'weight']);
    expect(at(spec('  task t : binary(label: c) { from: a, ‸ }'), '‸')).toEqual(['from', 'tower', 'weight']);
    expect(at(spec('  task t : binary(‸)'), '‸').slice(0, 2)).toEqual(['label:', 'loss:']); // then the names: a label may be given by position
    expect(at(spec('  task t : multiclass(label: c, ‸)'), '‸')).toEqual(['loss:', 'classes:']);
    // not inside a value's brackets
    expect(at(spec('  stage s {\n    freeze: [a, ‸]\n    task t : binary(label: c) { from: a }\n  }'), '‸')).not.toContain('optimizer');
    // the calls a setting takes, as the checker lists them, and their options
    const useOneOf = (text: string, code: string) => [...analyze(text, '/virtual/m.rec').diagnostics.find((d) => d.code === code)!.hint!.matchAll(/`(\w+)`/g)].map((x) => x[1]);
    const train2 = (setting: string) => spec(`  train {\n    ${setting}\n  }\n  task t : binary(label: c) { from: a }`);
    expect(at(train2('optimizer: ‸'), '‸')).toEqual(useOneOf(train2('optimizer: zz'), 'REC5006'));
    expect(at(train2('metrics: [auc, ‸]'), '‸')).toEqual(useOneOf(train2('metrics: [zz]'), 'REC5006'));
    expect(at(train2('split: ‸'), '‸')).toEqual(['random', 'by_key', 'chronological']);
    expect(at(train2('optimizer: adam(lr: 0.1, ‸)'), '‸')).toEqual(['beta1:', 'beta2:', 'epsilon:']);
    expect(at(train2('split: by_key(a, ‸)'), '‸')).toEqual(['key:', 'test:']);
    expect(at(train2('metrics: [gauc(‸)]'), '‸')).toEqual(expect.arrayContaining(['by:', 'a']));
    // `data: synth(`: the setting names the checker accepts (its "known:" list), then the options
    const known = /\(known: (.*)\)$/.exec(analyze(train2('data: synth(zz)'), '/virtual/m.rec').diagnostics.find((d) => d.code === 'REC5006')!.message)![1]!.split(', ');
    expect(at(train2('data: synth(‸)'), '‸').slice(0, known.length)).toEqual(known);
    expect(at(train2('data: synth(‸)'), '‸')).toContain('rows:');
    expect(at(train2('data: synth(poso, ‸)'), '‸')).not.toContain('poso');
    // a meta block's inner settings
    expect(at(spec('  meta_block u by a {\n    inner { steps: 1, ‸ }\n    return a\n  }'), '‸')).toEqual(['steps', 'lr', 'order']);
    // the values of a field that takes a name, as the checker's hint lists them (`did you mean`
    // aside): a stage's `step`, an inner loop's `order`
    const named = (text: string, code: string) => [...analyze(text, '/virtual/m.rec').diagnostics.find((d) => d.code === code)!.message.matchAll(/`(\w+)` \(/g)].map((x) => x[1]);
    const stepIn = (value: string) => spec(`  meta_block u by a {\n    return dense(a, 2)\n  }\n  task t : binary(label: c) { from: concat(u, a) }\n  stage s { step: ${value}, epochs: 1 }`);
    expect(at(stepIn('‸'), '‸')).toEqual(named(stepIn('zz'), 'REC5009'));
    expect(at(stepIn('su‸'), '‸')).toEqual(['maml', 'supervised']);
    const orderIn = (value: string) => spec(`  meta_block u by a {\n    inner { order: ${value} }\n    return dense(a, 2)\n  }\n  task t : binary(label: c) { from: concat(u, a) }`);
    expect(at(orderIn('‸'), '‸')).toEqual(named(orderIn('zz'), 'REC5030'));
  });
});

// Resuming an elaboration (the language server analyses a spec again after every edit): the `let`s
// an edit did not change, or only moved, are taken from the last analysis that elaborated the
// model (src/semantics/let-records.ts). Over a series of edits, each analysis must give exactly
// what one from scratch gives, diagnostics and graph alike, node for node with spans and traces,
// and it must have taken most `let`s, or the test would prove nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../src/semantics/analyze.js';
import { ParseCache } from '../../src/syntax/parse-cache.js';
import { generateSpec } from '../../bench/lib/generate-spec.mjs';

const FILE = '/virtual/resume.rec';
const ROOT = join(import.meta.dirname, '../..');
/** An analysis from scratch, as the CLI makes it: no parses remembered, no previous analysis. */
function fromScratch(text: string): string {
  return outcome(analyze(text, FILE), FILE);
}

const START = generateSpec(300).text;
const LETS = (START.match(/ let v\d+ =/g) ?? []).length;

/** The line of `let <name>`, edited by `f`. */
const onLet = (name: string, f: (line: string) => string) => (t: string) => t.replace(new RegExp(`let ${name} = [^\\n]*`), f);

/** An edit inside block `unit<k>`: `from` replaced by `to` in its body. */
const inBlock = (k: number, from: string, to: string) => (t: string) => {
  const at = t.indexOf(`block unit${k}(`);
  const end = t.indexOf('\n}', at);
  return t.slice(0, at) + t.slice(at, end).replace(from, to) + t.slice(end);
};

/** What elaboration decides, as text, with the file named FILE. */
function outcome(a: Analysis, file: string) {
  const g = a.partialGraph;
  const text = JSON.stringify({ diagnostics: a.diagnostics, nodes: g?.nodes, params: g?.params, instances: g?.instances, tasks: g?.tasks });
  return text.replaceAll(file, FILE);
}

/** Diagnostics and the whole partial graph (plan, meta and entries included), as text. */
const whole = (a: Analysis) => JSON.stringify({ d: a.diagnostics, g: a.partialGraph && { ...a.partialGraph, file: undefined } });

/**
 * Apply the edits in turn, each to the text the last left: every analysis resumed from the last
 * one that elaborated must equal one from scratch. The first analysis (of `start`, which must be
 * clean) and how many `let`s the resumed analyses took.
 */
function resumeAlong(start: string, edits: Array<(t: string) => string>): { first: Analysis; taken: number } {
  const parses = new ParseCache();
  let text = start;
  const first = analyze(text, FILE, { deferPasses: true, parses });
  expect(first.diagnostics).toEqual([]);
  let previous = first;
  let taken = 0;
  for (const [n, edit] of edits.entries()) {
    const next = edit(text);
    expect(next, `edit ${n}`).not.toBe(text);
    text = next;
    const a = analyze(text, FILE, { deferPasses: true, previous, parses });
    expect(whole(a), `edit ${n}:\n${text}`).toBe(whole(analyze(text, FILE)));
    taken += a.model?.elaborator.taken ?? 0;
    if (a.model) previous = a;
  }
  return { first, taken };
}

// [name, edit, how many lets at least must be taken]
const EDITS: Array<[string, (t: string) => string, number]> = [
  ['a width, the same length', onLet('v20', (l) => l.replace('width: 16', 'width: 17')), LETS - 3],
  ['a width, longer (the text after moves)', onLet('v20', (l) => l.replace('width: 17', 'width: 1700')), LETS - 3],
  ['a line added after a let (everything after moves a line)', onLet('v25', (l) => `${l}\n`), LETS - 3],
  ['two edits apart, the first still moving the text', onLet('v40', (l) => l.replace('width: 16', 'width: 160')), LETS - 3],
  ['a syntax error', onLet('v30', (l) => l.replace('(v29', '((v29')), 0],
  // Resumed from the analysis before the syntax error, two edits back.
  ['the syntax error fixed, another width', onLet('v30', (l) => l.replace('((v29', '(v29').replace('width: 16', 'width: 15')), LETS - 3],
  ['an unknown block', onLet('v32', (l) => l.replace(/= unit\d+\(/, '= unitx(')), 30],
  // The `let`s after it built nothing while it was unknown: taken from the analysis before.
  ['the block back', onLet('v32', (l) => l.replace('= unitx(', '= unit3(')), LETS - 3],
  ['a let defined twice', onLet('v34', (l) => l.replace('let v34', 'let v33')), 30],
  ['the name back', (t) => t.replace('let v33 = unit4(', 'let v34 = unit4('), 0],
  ['a shape error', onLet('v36', () => 'let v36 = v35 @ v35'), 30],
  ['the shape error fixed', onLet('v36', () => 'let v36 = unit6(v35, group, width: 16)'), LETS - 3],
  ['the pc changed (every let reads it)', (t) => t.replace('pc group = avc', 'pc group = user_id'), 0],
  ['the pc back', (t) => t.replace('pc group = user_id', 'pc group = avc'), 0],
  // The new let's nodes take the ids of the nodes of the lets after it: those are renumbered.
  ['a new let in the middle', (t) => t.replace('  let v50 =', '  let extra = concat(v49, v49)\n  let v50 ='), LETS - 3],
  ['the new let used', (t) => t.replace('let v51 = unit6(v50,', 'let v51 = unit6(extra,'), LETS - 3],
  ['a let that makes no node', (t) => t.replace('  let v55 =', '  let same = v54\n  let v55 =').replace('let v56 = unit11(v55,', 'let v56 = unit11(same,'), LETS - 3],
  ['the lets removed', (t) => t.replace('  let extra = concat(v49, v49)\n', '').replace('let v51 = unit6(extra,', 'let v51 = unit6(v50,'), LETS - 5],
  ['a let that makes one node more', onLet('v60', (l) => l.replace(/= (unit\d+\([^)]*\))/, '= relu($1)')), LETS - 3],
  // A block's body: the lets that call it are elaborated again, the others renumbered.
  ['a block body (a node more)', inBlock(3, 'relu(dense(x, width))', 'relu(dense(relu(x), width))'), LETS - 30],
  ['a block calling another block', inBlock(4, 'h * poso.gate(pc, width)', 'unit5(h, pc, width: width)'), LETS - 30],
  // unit4 calls unit5: the lets that call unit4 see the edit too.
  ['the block it calls', inBlock(5, 'relu(dense(x, width))', 'tanh(dense(x, width))'), LETS - 45],
  ['an edit near the end', onLet(`v${LETS - 2}`, (l) => l.replace('width: 16', 'width: 8')), LETS - 3],
];

describe('resuming an elaboration after an edit', () => {
  it('gives what an analysis from scratch gives, after every edit of a series, and takes most lets', () => {
    const parses = new ParseCache();
    let text = START;
    let base = analyze(text, FILE, { deferPasses: true, parses });
    for (const [name, edit, least] of EDITS) {
      const next = edit(text);
      expect(next, name).not.toBe(text);
      text = next;
      const a = analyze(text, FILE, { deferPasses: true, previous: base, parses });
      expect(outcome(a, FILE), name).toBe(fromScratch(text));
      expect(a.model?.elaborator.taken ?? 0, name).toBeGreaterThanOrEqual(least);
      if (a.model) base = a;
    }
  });

  it('keeps the spans right when the same lets move again and again', () => {
    const longer = (k: number) => onLet(`v${k}`, (l) => l.replace('width: 16', 'width: 1600'));
    const parses = new ParseCache();
    let text = START;
    let base = analyze(text, FILE, { deferPasses: true, parses });
    // Edits from the end towards the start: every let after an edit moves again each time.
    for (const k of [60, 45, 30, 15]) {
      text = longer(k)(text);
      const a = analyze(text, FILE, { deferPasses: true, previous: base, parses });
      expect(outcome(a, FILE)).toBe(fromScratch(text));
      expect(a.model!.elaborator.taken).toBeGreaterThanOrEqual(LETS - 3);
      base = a;
    }
  });

  // A let whose text is unchanged but whose inputs are now other nodes, at the same place in the
  // graph: it is renumbered without moving (let-records.ts relocate(), a shift of 0), and only
  // its nodes that read those inputs may differ from the ones it made last time.
  it('renumbers a let whose inputs swapped nodes while its own nodes keep their ids', () => {
    const base = START.replace('  let v10 = unit10(v9, group, width: 16)', '  let p = relu(v9)\n  let q = tanh(v9)\n  let v10 = unit10(p, q, width: 16)');
    expect(base).not.toBe(START);
    const swapped = base.replace('let p = relu(v9)\n  let q = tanh(v9)', 'let q = relu(v9)\n  let p = tanh(v9)');
    const parses = new ParseCache();
    let previous = analyze(base, FILE, { deferPasses: true, parses });
    expect(previous.diagnostics).toEqual([]);
    for (const text of [swapped, base, swapped]) {
      const a = analyze(text, FILE, { deferPasses: true, previous, parses });
      expect(outcome(a, FILE)).toBe(fromScratch(text));
      // every let but p and q taken, v10 renumbered
      expect(a.model!.elaborator.taken).toBe(LETS);
      previous = a;
    }
  });

  // A let is taken only while its parameter names are free (GraphBuilder.paramsFree): a new let
  // of the same name before it declares them first.
  it('evaluates a let again when a new let before it took its parameter names', () => {
    const twice = START.replace('  let v10 =', '  let v20 = unit3(v9, group, width: 16)\n  let v10 =');
    expect(twice).not.toBe(START);
    const parses = new ParseCache();
    const first = analyze(START, FILE, { deferPasses: true, parses });
    const a = analyze(twice, FILE, { deferPasses: true, previous: first, parses });
    expect(outcome(a, FILE)).toBe(fromScratch(twice));
    expect(a.diagnostics.map((d) => d.code)).toContain('REC2002');
    // most of v0 to v19 taken (v10 to v19 renumbered); the old v20 fails, and every let after it
    expect(a.model!.elaborator.taken).toBeGreaterThanOrEqual(15);
  });

  // A report already made is not repeated: a let whose error was reported first by a `let` before
  // it reports nothing new, and its record holds no diagnostic. Once that `let` before it no longer
  // reports (here it calls a block that builds as many nodes without the error, so the counts do
  // not tell), the record must not be taken: the error is this let's to report now.
  it('takes a record that reported something only while every item before it is unchanged', () => {
    const spec = (a: string) =>
      `block bad(x: tensor, n: int) {\n  let h = dense(x, n)\n  return h + x\n}\n\nblock ok(x: tensor, n: int) {\n  let h = dense(x, n)\n  return h\n}\n\n` +
      `model m {\n  features {\n    u: id(hash: 100, dim: 4)\n    y: label\n  }\n  let a = ${a}\n  let b = bad(u, 3)\n  let c = dense(u, 8)\n  task t : binary(label: y) { from: c }\n}\n`;
    const parses = new ParseCache();
    const first = analyze(spec('bad(u, 3)'), FILE, { deferPasses: true, parses });
    expect(first.diagnostics.filter((d) => d.code === 'REC4001')).toHaveLength(1); // b's is a repeat
    const text = spec('ok(u, 3)');
    const a = analyze(text, FILE, { deferPasses: true, previous: first, parses });
    expect(a.diagnostics.filter((d) => d.code === 'REC4001')).toHaveLength(1);
    expect(whole(a)).toBe(whole(analyze(text, FILE)));
    expect(a.model!.elaborator.taken).toBe(1); // c
  });

  // A record kept while its let failed (the last with a value, let-records.ts keep()) must not
  // outlive an edit of a block it expanded: two edits later that block is no longer among the
  // ones just edited, and the record would be taken with the body it had before.
  it('never takes a record made before an edit of a block it expanded through another', () => {
    const start = inBlock(4, 'h * poso.gate(pc, width)', 'unit5(h, pc, width: width)')(START);
    const { taken } = resumeAlong(start, [inBlock(5, 'relu(dense(x, width))', 'relu(dense(xx, width))'), inBlock(5, 'relu(dense(xx, width))', 'tanh(dense(x, width))')]);
    expect(taken).toBeGreaterThan(LETS / 2);
  });

  // An edit that makes more or fewer nodes before many lets moves their nodes: each is renumbered
  // once, and the record from before is kept (let-records.ts keep()), so undoing the edit, or
  // making it again, takes the records as they are.
  it('takes the lets an edit moved as they were when the edit is undone and made again', () => {
    const edits: Array<[string, (t: string) => string]> = [
      ['a new let', (t) => t.replace('  let v50 =', '  let extra = concat(v49, v49)\n  let v50 =')],
      ['a block body', inBlock(3, 'relu(dense(x, width))', 'relu(dense(relu(x), width))')],
    ];
    // v60 reads nodes that do not move (a feature's): only its place tells its records apart
    const start = START.replace('let v60 = unit0(v59,', 'let v60 = unit0(user_id,');
    expect(start).not.toBe(START);
    for (const [name, edit] of edits) {
      const parses = new ParseCache();
      let previous = analyze(start, FILE, { deferPasses: true, parses });
      for (let k = 0; k < 5; k++) {
        const text = k % 2 === 0 ? edit(start) : start;
        const a = analyze(text, FILE, { deferPasses: true, previous, parses });
        expect(outcome(a, FILE), `${name}, ${k}`).toBe(fromScratch(text));
        // the first edit renumbers every let after it; from then on none is
        if (k === 0) expect(a.model!.elaborator.renumbered, name).toBeGreaterThan(LETS / 2);
        else expect(a.model!.elaborator.renumbered, `${name}, ${k}`).toBe(0);
        expect(a.model!.elaborator.taken, name).toBeGreaterThan(LETS - 20);
        previous = a;
      }
    }
  });

  it('gives what an analysis from scratch gives after edits inside stages, plan and entries included', () => {
    const staged = START.replace(
      /(  task click : binary\(label: clicked\) \{ from: v\d+ \}\n)/,
      `$1  train {\n    groups: { tables: "features.*" }\n    batch: 32\n  }\n  stage warm {\n    epochs: 2\n  }\n  stage tune {\n    epochs: 1\n    freeze: [tables]\n    task like : binary(label: clicked) { from: v10, tower: [4] }\n  }\n`,
    );
    expect(staged).not.toBe(START);
    const STAGE_EDITS: Array<(t: string) => string> = [
      (t) => t.replace('    epochs: 2\n', '    epochs: 3\n'),
      (t) => t.replace('from: v10, tower: [4]', 'from: v12, tower: [4]'),
      onLet('v20', (l) => l.replace('width: 16', 'width: 17')),
      (t) => t.replace('freeze: [tables]', 'freeze: [tables, v12.dense0]'),
      (t) => t.replace('from: v12, tower: [4]', 'from: v12, tower: [4, 2]'),
      (t) => t.replace('stage warm {', 'stage warm {\n    task extra : binary(label: clicked) { from: v3 }'),
      (t) => t.replace('freeze: [tables, v12.dense0]', 'freeze: [tables, v12.dense0'), // a syntax error
      (t) => t.replace('freeze: [tables, v12.dense0\n', 'freeze: [tables, v13.dense0]\n'),
      onLet('v12', (l) => l.replace(/= unit\d+\(/, '= unitx(')), // the let a stage's task reads
      onLet('v12', (l) => l.replace('= unitx(', '= unit2(')),
      (t) => t.replace('stage tune {', 'stage serve {'), // a refused name
      (t) => t.replace('stage serve {', 'stage tune {'),
      (t) => t.replace(/  stage warm \{[^}]*\}\n[^}]*\}\n/, ''), // the first stage removed
    ];
    const { first } = resumeAlong(staged, STAGE_EDITS);
    expect(first.partialGraph!.plan.stages.map((x) => x.name)).toEqual(['warm', 'tune']);
  });

  // Meta blocks (LiMAML) and grafts (PeterRec) each add state an analysis resumes past: the meta
  // block's draft, its MAML stage, the grafted stage's patches and the plan around them.
  const CONSTRUCT_EDITS: Array<[string, Array<(t: string) => string>]> = [
    [
      'examples/limaml-mlp.rec',
      [
        (t) => t.replace('inner { steps: 1, lr: 0.5, order: second }', 'inner { steps: 2, lr: 0.5, order: second }'),
        (t) => t.replace('return dense(relu(dense(user_feats, 32)), 8)', 'return dense(relu(dense(user_feats, 16)), 8)'),
        (t) => t.replace('let x = concat(user_meta, user_feats, item_feats, item_id)', 'let x = concat(user_meta, item_feats, item_id)'),
        (t) => t.replace('return dense(relu(dense(user_feats, 16)), 8)', 'let h = relu(dense(user_feats, 16))\n    return dense(h, 4)'),
        (t) => t.replace('return dense(h, 4)', 'return dense(h, 4'), // a syntax error
        (t) => t.replace('return dense(h, 4\n', 'return dense(hh, 4)\n'), // an unknown name in the block
        (t) => t.replace('return dense(hh, 4)', 'return dense(h, 8)'),
        (t) => t.replace('task click : binary(label: clicked) { tower: [64, 32] }', 'task click : binary(label: clicked) { tower: [16] }'),
        (t) => t.replace('meta_block user_meta by user_id', 'meta_block user_meta by item_id'),
        (t) => t.replace('order: second', 'order: first'),
        (t) => t.replace('tasks_per_batch: 32', 'tasks_per_batch: 8'),
      ],
    ],
    [
      'examples/peterrec-profile.rec',
      [
        (t) => t.replace('patch: peterrec.serial(bottleneck: 8)', 'patch: peterrec.serial(bottleneck: 4)'),
        (t) => t.replace('into: "net.*.conv*"', 'into: "net.*.conv1"'),
        (t) => t.replace('train: [net.*.ln1]', 'train: [net.*.ln0]'),
        (t) => t.replace('patch: peterrec.serial(bottleneck: 4)', 'patch: peterrec.parallel(bottleneck: 4)'),
        (t) => t.replace('into: "net.*.conv1"', 'into: "net.*.nothing"'), // matches no layer
        (t) => t.replace('into: "net.*.nothing"', 'into: "net.*.conv*"'),
        (t) => t.replace('dilations: [1, 4], repeat: 2', 'dilations: [1, 2], repeat: 2'),
        (t) => t.replace('classes: 4', 'classes: 5'),
        (t) => t.replace('freeze: [net, embedding]', 'freeze: [net]'),
      ],
    ],
  ];
  for (const [file, edits] of CONSTRUCT_EDITS) {
    it(`gives what an analysis from scratch gives after edits of ${file}'s ${file.includes('limaml') ? 'meta block' : 'graft'}, plan, meta and entries included`, () => {
      // doc comments and all: an item's doc is parsed again with it (syntax/reparse.ts)
      const { taken } = resumeAlong(readFileSync(join(ROOT, file), 'utf8'), edits);
      // some edits resumed past unchanged lets: the comparison tested the reuse
      expect(taken).toBeGreaterThan(0);
    });
  }

  it('gives what an analysis from scratch gives along 200 random edits, each from the text the last left', () => {
    const rng = seedrandom('resume');
    const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
    const base = generateSpec(120).text;
    const lets = (base.match(/ let v\d+ =/g) ?? []).length;
    const someLet = () => `v${Math.floor(rng() * lets)}`;
    const edits: Array<(t: string) => string> = [
      (t) => onLet(someLet(), (l) => l.replace(/width: \d+/, `width: ${pick([8, 16, 17, 160])}`))(t),
      (t) => onLet(someLet(), (l) => l.replace(/= unit\d+\(/, `= ${pick(['unit1', 'unit2', 'unitx', 'relu(unit3'])}(`))(t),
      (t) => onLet(someLet(), (l) => l.replace(/\((v\d+|user_id)/, (_m, a: string) => `(${pick([a, 'group', 'v0', 'extra', `${a} + ${a}`])}`))(t),
      (t) => t.replace(`  let ${someLet()} =`, (m) => `  let extra = ${pick(['concat(v1, v1)', 'v2', 'dense(v3, 4)', 'unit4(v4, group)'])}\n${m}`),
      (t) => t.replace(/ {2}let extra = [^\n]*\n/, ''),
      (t) => inBlock(Math.floor(rng() * 6), pick(['relu(dense(x, width))', 'relu(dense(relu(x), width))']), pick(['relu(dense(relu(x), width))', 'tanh(dense(x, width))', 'relu(dense(x, width))']))(t),
      (t) => {
        const at = t.indexOf('model big') + Math.floor(rng() * (t.length - t.indexOf('model big')));
        return t.slice(0, at) + pick(['(', ')', ' ', '\n', 'x', ',']) + t.slice(at + (rng() < 0.5 ? 1 : 0));
      },
      () => base,
    ];
    const parses = new ParseCache();
    let text = base;
    let previous = analyze(text, FILE, { deferPasses: true, parses });
    let taken = 0;
    for (let n = 0; n < 200; n++) {
      const next = pick(edits)(text);
      if (next === text) continue;
      text = next;
      const a = analyze(text, FILE, { deferPasses: true, previous, parses });
      expect(outcome(a, FILE), `edit ${n}:\n${text}`).toBe(fromScratch(text));
      taken += a.model?.elaborator.taken ?? 0;
      if (a.model) previous = a;
    }
    // Most lets were taken, not evaluated: the comparison tested the reuse.
    expect(taken).toBeGreaterThan(30 * lets);
  });
});

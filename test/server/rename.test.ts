// Rename, in-process: a rename must not change what a spec means. Checked over every name of the
// examples and the spec fixtures (the renamed text must check exactly as the original does), and
// on the two places a name is written outside an expression: the path of a `use` without `as`,
// and parameter selectors (`freeze: net`, `net.*.ln1`, `"features.items.*"`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import type { Analysis } from '../../src/semantics/analyze.js';
import { analyze } from '../../src/semantics/analyze.js';
import { labelColumns } from '../../src/data/label-expr.js';
import { definition } from '../../src/server/definition.js';
import { rename } from '../../src/server/rename.js';
import { exampleSpecs, ROOT } from '../spec-files.js';
import { posOf } from './lsp-client.js';

/** The text with the edits of one file applied (from the last, so earlier positions hold). */
function applied(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => starts[p.line]! + p.character;
  let out = text;
  for (const e of [...edits].sort((x, y) => offset(y.range.start) - offset(x.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** The edits of a rename in the analysed file, or undefined when it is refused. */
function renamed(a: Analysis, offset: number, newName: string): TextEdit[] | undefined {
  const r = rename(a, offset, newName, pathToFileURL(a.file).href);
  if (!('changes' in r)) return undefined;
  const files = Object.values((r as WorkspaceEdit).changes ?? {});
  expect(files.length).toBeLessThanOrEqual(1);
  return files[0];
}

/** A model's first lines, with two input features and a label. */
const FEATURES = ['model m {', '  features {', '    user: id(hash: 100, dim: 4)', '    item: id(hash: 100, dim: 4)', '    clicked: label', '  }'];

const codes = (a: Analysis) => a.diagnostics.map((d) => `${d.code}@${d.span.start.line}`);

describe('rename', () => {
  it('gives, for every name of the examples and spec fixtures, a spec that checks exactly as before', () => {
    const files = exampleSpecs();
    let count = 0;
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const a = analyze(text, file);
      for (const m of text.matchAll(/\b[a-z_][a-z0-9_]*\b/g)) {
        const lineStart = text.lastIndexOf('\n', m.index) + 1;
        if (text.slice(lineStart, m.index).includes('//')) continue; // in a comment
        const edits = renamed(a, m.index + 1, 'zz_fresh');
        if (!edits || edits.length === 0) continue;
        count++;
        const b = analyze(applied(text, edits), file);
        if (codes(b).join() !== codes(a).join()) broken.push(`${file.slice(ROOT.length + 1)}: \`${m[0]}\` → ${b.diagnostics[0]?.code} ${b.diagnostics[0]?.message}`);
      }
    }
    expect(broken.slice(0, 5)).toEqual([]);
    // every name the files define in an expression, and the selectors: more than 600 renames
    expect(count).toBeGreaterThan(600);
  });

  it('gives a module used without `as` an alias: its path names the module and stays', () => {
    const text = readFileSync(join(ROOT, 'examples/peterrec-coldstart.rec'), 'utf8');
    const a = analyze(text, 'coldstart.rec');
    const edits = renamed(a, text.indexOf('peterrec.nextitnet') + 1, 'pr')!;
    const out = applied(text, edits);
    expect(out).toContain('use std.peterrec as pr\n');
    expect(out).toContain('let net = pr.nextitnet(items');
    // the graft's patch is renamed with the other uses
    expect(out).toContain('patch: pr.parallel(bottleneck: 8)');
    expect(out).not.toMatch(/peterrec\.\w+\(/);
    expect(codes(analyze(out, 'coldstart.rec'))).toEqual(codes(a));
  });

  it('renames the selectors of a `let` and of a feature with them, in names and in strings', () => {
    const text = readFileSync(join(ROOT, 'examples/peterrec-coldstart.rec'), 'utf8');
    const a = analyze(text, 'coldstart.rec');
    const net = renamed(a, text.indexOf('let net') + 5, 'backbone')!;
    const at = (needle: string, delta = 0) => posOf(text, text.indexOf(needle) + delta);
    expect(net.map((e) => e.range.start)).toEqual(
      expect.arrayContaining([at('net = '), at('from: net', 6), at('freeze: [net', 9), at('train: [net.*', 8), at('"net.*.conv*"', 1)]),
    );
    const out = applied(text, net);
    expect(out).toContain('freeze: [backbone, "features.items.*"]');
    expect(out).toContain('train: [backbone.*.ln1]');
    expect(out).toContain('graft: { into: "backbone.*.conv*"');
    const items = applied(text, renamed(a, text.indexOf('items: seq') + 1, 'history')!);
    expect(items).toContain('freeze: [net, "features.history.*"]');
    expect(items).toContain('peterrec.nextitnet(history,');
    // A selector's name leads to its definition.
    const loc = definition(a, text.indexOf('"net.*.conv*"') + 2, pathToFileURL(a.file).href);
    expect(loc?.range.start).toEqual(at('net = '));
  });

  // found while fixing the refactorings: `freeze: [click]` kept the old name, and then selected nothing (REC5010)
  it("renames a task's selectors with it, and a selector leads to the task", () => {
    const text = [
      ...FEATURES.slice(0, -1),
      '    liked: label',
      '  }',
      '  let h = relu(dense(concat(user, item), 8))',
      '  task click : binary(label: clicked) { from: h, tower: [4] }',
      '  task liked : binary(label: liked) { from: h, tower: [4] }',
      '  stage warm { epochs: 1 }',
      '  stage tune { epochs: 1, freeze: [h, click, "liked.*"], train: [click.tower.*] }',
      '}',
    ].join('\n');
    const a = analyze(text, 'm.rec');
    expect(a.diagnostics).toEqual([]);
    const out = applied(text, renamed(a, text.indexOf('task click') + 6, 'clk')!);
    expect(out).toContain('task clk : binary(label: clicked)');
    expect(out).toContain('freeze: [h, clk, "liked.*"], train: [clk.tower.*]');
    expect(analyze(out, 'm.rec').diagnostics).toEqual([]);
    // the task sharing its label's name: the selector is the task's, the label expression the column's
    const liked = applied(text, renamed(a, text.indexOf('task liked') + 6, 'fav')!);
    expect(liked).toContain('task fav : binary(label: liked)');
    expect(liked).toContain('"fav.*"');
    const loc = definition(a, text.indexOf('click.tower') + 1, pathToFileURL(a.file).href);
    expect(loc?.range.start).toEqual(posOf(text, text.indexOf('task click') + 5));
  });

  it('keeps the data column a renamed feature reads', () => {
    const text = [
      'model m {',
      '  features {',
      '    user: id(hash: 100, dim: 8)',
      '    item: id(hash: 100, dim: 8, column: "item_id")',
      '    hist: seq(item, max_len: 4,',
      '    )',
      '    clicked: label',
      '  }',
      '  let h = concat(user, item, mean(hist))',
      '  task t : binary(label: clicked) { from: h }',
      '}',
      '',
    ].join('\n');
    const a = analyze(text, 'm.rec');
    expect(a.diagnostics).toEqual([]);
    const renameAt = (needle: string) => applied(text, renamed(a, text.indexOf(needle) + 1, 'zz')!);
    // the feature's name was its column: the column is now named
    expect(renameAt('user:')).toContain('    zz: id(hash: 100, dim: 8, column: "user")\n');
    expect(renameAt('clicked:')).toContain('    zz: label(column: "clicked")\n');
    expect(renameAt('clicked:')).toContain('binary(label: zz)');
    // after the last argument, a trailing comma kept
    expect(renameAt('hist:')).toContain('    zz: seq(item, max_len: 4, column: "hist",\n    )');
    // a column already named stays as it is
    expect(renameAt('item:')).toContain('    zz: id(hash: 100, dim: 8, column: "item_id")\n');
    // each renamed spec reads the same columns, the label's included
    for (const needle of ['user:', 'clicked:', 'hist:', 'item:']) {
      const g = analyze(renameAt(needle), 'm.rec').graph!;
      expect(g.features.map((f) => f.column), needle).toEqual(['user', 'item_id', 'hist', 'clicked']);
      expect(labelColumns(g.tasks[0]!.label), needle).toEqual(['clicked']);
    }
  });

  it('refuses a block or module name that would take over a builtin, a prelude block or a name where it is used', () => {
    const text = [
      'use std.poso',
      '',
      'block widen(x: tensor) {',
      '  return dense(x, 8)',
      '}',
      '',
      'model m {',
      '  features {',
      '    user: id(hash: 100, dim: 8)',
      '    clicked: label',
      '  }',
      '  let h = relu(widen(user))',
      '  let g = poso.mlp(h, pc: user, units: [8])',
      '  task t : binary(label: clicked) { from: g }',
      '}',
      '',
    ].join('\n');
    const a = analyze(text, 'm.rec');
    expect(a.diagnostics).toEqual([]);
    const at = (needle: string) => text.indexOf(needle) + 1;
    // `relu(…)` would call the module; `dense(…)` in the block would call itself; `h` is a let where `poso.mlp` is read
    expect(renamed(a, at('poso\n'), 'relu')).toBeUndefined();
    expect(renamed(a, at('widen('), 'dense')).toBeUndefined();
    expect(renamed(a, at('poso\n'), 'h')).toBeUndefined();
    // a fresh name is fine, and the renamed spec checks as before
    for (const [needle, name] of [['poso\n', 'pso'], ['widen(', 'wider']] as const) {
      const out = applied(text, renamed(a, at(needle), name)!);
      expect(analyze(out, 'm.rec').diagnostics, out).toEqual([]);
    }
  });

  it('refuses in a file the parser stopped reading (REC1008, REC1009): the uses after that are not known', () => {
    const spec = (deep: string) =>
      [
        ...FEATURES,
        '  let trunk = dense(concat(user, item), 8)',
        '  let head = dense(trunk, 4)',
        `  let deep = ${deep}`,
        '  task click : binary(label: clicked) { from: head + trunk + deep }',
        '}',
        '',
      ].join('\n');
    const nested = spec(`${'('.repeat(70)}user${')'.repeat(70)}`);
    const chained = spec(Array(300).fill('user').join(' + '));
    for (const [text, code] of [[nested, 'REC1008'], [chained, 'REC1009']] as const) {
      const a = analyze(text, 'm.rec');
      expect(a.diagnostics.map((d) => d.code)).toContain(code);
      const r = rename(a, text.indexOf('trunk =') + 1, 'body', pathToFileURL(a.file).href);
      expect(r, code).toMatchObject({ message: `\`m.rec\` is not read past line 9 (${code}): the uses after it would keep the old name; fix that error first` });
    }
    // read to the end, every use is renamed
    const whole = spec('user');
    expect(applied(whole, renamed(analyze(whole, 'm.rec'), whole.indexOf('trunk =') + 1, 'body')!)).toContain('from: head + body + deep');
  });

  it('refuses names that meet outside the scopes of names: inputs and outputs, parameter paths, groups', () => {
    const text = [
      ...FEATURES,
      '  let trunk = dense(concat(user, item), 8)',
      '  let h = dense(trunk, 6)',
      '  task click : binary(label: clicked) { from: dense(h, 4) }',
      '  train {',
      '    optimizer: adam(lr: 1e-3)',
      '    groups: { towers: [h] }',
      '  }',
      '  stage warm {',
      '    epochs: 1',
      '  }',
      '  stage tune {',
      '    epochs: 1',
      '    freeze: [trunk]',
      '  }',
      '}',
      '',
    ].join('\n');
    const a = analyze(text, 'm.rec');
    expect(a.diagnostics).toEqual([]);
    const refusal = (needle: string, name: string) => (rename(a, text.indexOf(needle) + 1, name, pathToFileURL(a.file).href) as { message?: string }).message;
    // the serving graph's inputs are named after features, its outputs after tasks
    expect(refusal('click :', 'user')).toBe('`user` is an input feature: the serving graph names its inputs after features and its outputs after tasks; pick another name');
    expect(refusal('item:', 'click')).toBe('`click` is a task: the serving graph names its inputs after features and its outputs after tasks; pick another name');
    // parameters are named after lets and tasks alike (`click.dense0.kernel`)
    expect(refusal('h =', 'click')).toBe("`click` already names parameters (`click.…`): the model's `let`s, meta block and tasks name theirs alike; pick another name");
    expect(refusal('click :', 'h')).toBe("`h` already names parameters (`h.…`): the model's `let`s, meta block and tasks name theirs alike; pick another name");
    // `freeze: [towers]` would freeze the group (`dense` is a builtin's name, refused as such)
    for (const group of ['towers', 'embedding']) expect(refusal('trunk =', group)).toBe(`\`${group}\` is a parameter group: a selector \`${group}\` would select the group; pick another name`);
    // a label may share a task's name; other names are fine, and the spec checks as before
    for (const [needle, name] of [['clicked:', 'click'], ['click :', 'clicked'], ['trunk =', 'body'], ['item:', 'thing']] as const) {
      expect(analyze(applied(text, renamed(a, text.indexOf(needle) + 1, name)!), 'm.rec').diagnostics, `${needle} ${name}`).toEqual([]);
    }
    // a meta block's parameters form a group of its name, which may not be another group's
    const maml = readFileSync(join(ROOT, 'test/fixtures/specs/maml-tasks.rec'), 'utf8');
    const ma = analyze(maml, 'maml.rec');
    expect(rename(ma, maml.indexOf('um by') + 1, 'embedding', pathToFileURL(ma.file).href)).toMatchObject({ message: expect.stringContaining('is a parameter group') });
    // a support set's inputs are `<set>.label` and `<set>.mask` (`mask` is a builtin's name, refused as such)
    const cmml = readFileSync(join(ROOT, 'examples/cmml-scenario.rec'), 'utf8');
    const ca = analyze(cmml, 'cmml.rec');
    expect(rename(ca, cmml.indexOf('item: dense') + 1, 'label', pathToFileURL(ca.file).href)).toMatchObject({ message: expect.stringContaining('a support set names its inputs') });
  });

  it('refuses a name that a selector with a `*` tells from the old one: it would select other parameters', () => {
    const text = [
      'block widen(x: tensor) {',
      '  return dense(x, 8)',
      '}',
      '',
      ...FEATURES,
      '  let trunk = relu(widen(concat(user, item)))',
      '  let head = dense(trunk, 4)',
      '  task click : binary(label: clicked) { from: head }',
      '  stage warm {',
      '    epochs: 1',
      '  }',
      '  stage tune {',
      '    epochs: 1',
      '    freeze: ["tr*", "features.it*", "head.w*"]',
      '  }',
      '}',
      '',
    ].join('\n');
    const spec = (freeze: string) => text.replace('"tr*", "features.it*", "head.w*"', freeze);
    const refusal = (t: string, needle: string, name: string) => {
      const a = analyze(t, 'm.rec');
      expect(a.diagnostics).toEqual([]);
      return (rename(a, t.indexOf(needle) + 1, name, pathToFileURL(a.file).href) as { message?: string }).message;
    };
    // a let (`trunk.…`), a feature (`features.item.table`), a block's call (`trunk.widen0.…`)
    expect(refusal(spec('"tr*"'), 'trunk =', 'body')).toBe('the selector `"tr*"` matches only one of `trunk` and `body`: the rename would change the parameters it selects; pick another name');
    expect(refusal(spec('"tr*", "features.it*"'), 'item:', 'thing')).toContain('the selector `"features.it*"` matches only one of `item` and `thing`');
    expect(refusal(spec('"trunk.w*"'), 'widen(x', 'broad')).toContain('the selector `"trunk.w*"` matches only one of `widen0` and `broad0`');
    // a name it matches as well as the old one changes nothing
    for (const [freeze, needle, name] of [['"tr*"', 'trunk =', 'tree'], ['"tr*", "features.it*"', 'item:', 'items'], ['"trunk.w*"', 'widen(x', 'wide'], ['"t*"', 'trunk =', 'tall']] as const) {
      const t = spec(freeze);
      const a = analyze(t, 'm.rec');
      const b = analyze(applied(t, renamed(a, t.indexOf(needle) + 1, name)!), 'm.rec');
      expect(b.diagnostics, `${freeze} ${name}`).toEqual([]);
      expect(b.graph!.plan.stages.map((st) => st.frozen.length), `${freeze} ${name}`).toEqual(a.graph!.plan.stages.map((st) => st.frozen.length));
    }
  });
});

// Incremental parsing (src/syntax/reparse.ts): after each edit of a series, ParseCache.edited(),
// which reparses the model items an edit touched when it can, gives the tree and diagnostics of
// parse().
import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { ParseCache } from '../../src/syntax/parse-cache.js';
import seedrandom from 'seedrandom';
import { generateSpec } from '../../bench/lib/generate-spec.mjs';

const FILE = '/virtual/reparse.rec';
const { text: BIG } = generateSpec(200);

/** The line of `let <name>`, edited by `f`. */
const onLet = (name: string, f: (line: string) => string) => (t: string) => t.replace(new RegExp(`let ${name} = [^\\n]*`), f);

/** Edits as functions of the current text, applied one after another. */
const EDITS: Array<[string, (t: string) => string]> = [
  ['a width in the middle', onLet('v10', (l) => l.replace('width: 16', 'width: 17'))],
  ['a longer callee name', onLet('v12', (l) => l.replace('= unit', '= unitx'))],
  ['a new line', (t) => t.replace('  let v14 =', '  let w = concat(v13, v13)\n  let v14 =')],
  ['a line removed', (t) => t.replace(/ {2}let v16 = [^\n]*\n/, '')],
  ['a comment on a line', onLet('v18', (l) => `${l} // wider later`)],
  ['the last item', (t) => t.replace('task click : binary(label: clicked)', 'task clicked2 : binary(label: clicked)')],
  ['an unclosed call', onLet('v20', (l) => l.replace('(v19', '((v19'))],
  ['the call closed again', onLet('v20', (l) => l.replace('((v19', '(v19'))],
  ['an operator running into the next line', onLet('v22', (l) => `${l} +`)],
  ['the operator removed', (t) => t.replace('width: 16) +\n', 'width: 16)\n')],
  ['a suffix on the next line', onLet('v24', (l) => l.replace('(v23', '\n    (v23'))],
  ['a doc comment before a let', (t) => t.replace('  let v26 =', '  /// the 26th\n  let v26 =')],
  ['the documented let edited', onLet('v26', (l) => l.replace('width: 16', 'width: 18'))],
  ['its doc comment edited', (t) => t.replace('/// the 26th', '/// the 26th, wider')],
  ['a second doc line', (t) => t.replace('/// the 26th, wider\n', '/// the 26th, wider\n  ///\n  /// and more\n')],
  ['the let before the doc edited', onLet('v25', (l) => l.replace('width: 16', 'width: 15'))],
  ['a doc comment ending a line (documents the next let)', onLet('v27', (l) => `${l} /// for v28`)],
  ['the let under it edited', onLet('v28', (l) => l.replace('width: 16', 'width: 14'))],
  ['that doc comment removed', (t) => t.replace(' /// for v28', '')],
  ['two lets on one line', (t) => t.replace(/(let v28 = [^\n]*)\n {2}/, '$1 ')],
  ['a keyword misspelt', (t) => t.replace('let v30 =', 'lett v30 =')],
  ['the keyword fixed', (t) => t.replace('lett v30 =', 'let v30 =')],
  ['a block body', (t) => t.replace('block unit3(x: tensor, pc: tensor, width: int = 16) {\n  let h = relu(dense(x, width))', 'block unit3(x: tensor, pc: tensor, width: int = 16) {\n  let h = relu(dense(x, width * 2))')],
  ['an unclosed string', onLet('v32', (l) => l.replace('width: 16', 'width: "16'))],
  ['the string removed', (t) => t.replace('width: "16)', 'width: 16)')],
  ['an integer too large for a float', onLet('v33', (l) => l.replace('width: 16', 'width: 9007199254740993'))],
  ['the integer made small again', (t) => t.replace('width: 9007199254740993', 'width: 16')],
  ['a number too large for a double', onLet('v33', (l) => l.replace('width: 16', 'width: 1e400'))],
  ['the number made small again', (t) => t.replace('width: 1e400', 'width: 16')],
  ['a block comment across items', (t) => t.replace('let v34 =', '/* gone\n  let v34 =').replace('let v36 =', '*/ let v36 =')],
  ['a pc item', (t) => t.replace('pc group = avc', 'pc group = user_id')],
  ['three lines replaced by one', (t) => t.replace(/ {2}let v38 = [^\n]*\n {2}let v39 = [^\n]*\n {2}let v40 = [^\n]*\n/, '  let v40 = concat(v37, v37)\n')],
  ['two new lines before the task', (t) => t.replace('  task ', '  let tail = v41\n  let tail2 = tail\n  task ')],
  ['a block parameter with a doc comment', (t) => t.replace('block unit5(x: tensor, pc: tensor, width: int = 16) {', 'block unit5(\n  x: tensor,\n  /// how wide\n  pc: tensor,\n  width: int = 16,\n) {')],
  ['a doc comment in a block body (documents nothing)', (t) => t.replace('block unit6(x: tensor, pc: tensor, width: int = 16) {\n', 'block unit6(x: tensor, pc: tensor, width: int = 16) {\n  /// a note\n')],
  ['a new line at the top of the model', (t) => t.replace('  features {', '  let early = 1\n  features {')],
];

const modelItems = (f: SourceFile) => f.items.flatMap((i) => (i.kind === 'Model' ? i.items : []));

describe('incremental parsing', () => {
  it('gives the tree of a parse from scratch after every edit of a series', () => {
    const cache = new ParseCache();
    let text = BIG;
    const seen = new Set([modelItems(cache.edited(text, FILE).file)[0]]);
    const reused: string[] = [];
    for (const [name, edit] of EDITS) {
      const next = edit(text);
      expect(next, name).not.toBe(text);
      text = next;
      const got = cache.edited(text, FILE);
      const want = parse(text, FILE);
      expect(JSON.stringify(got.diagnostics), name).toBe(JSON.stringify(want.diagnostics));
      expect(got.file, name).toEqual(want.file);
      // The model's first item is one made before: this edit was not parsed from scratch.
      if (seen.has(modelItems(got.file)[0])) reused.push(name);
      seen.add(modelItems(got.file)[0]);
    }
    // Edits that break the syntax, move text after them by less than a line or come near a doc
    // comment that ends a line are parsed whole; fixing a syntax error is an edit of the last
    // clean text.
    expect(reused).toEqual([
      'a width in the middle',
      'a longer callee name',
      'a new line',
      'a line removed',
      'a comment on a line',
      'the last item',
      'an unclosed call',
      'the call closed again',
      'an operator running into the next line',
      'the operator removed',
      'a suffix on the next line',
      'a doc comment before a let',
      'the documented let edited',
      'its doc comment edited',
      'a second doc line',
      'the let before the doc edited',
      'the keyword fixed',
      'a block body',
      'the string removed',
      'the integer made small again',
      'the number made small again',
      'a pc item',
      'three lines replaced by one',
      'two new lines before the task',
      'a block parameter with a doc comment',
      'a doc comment in a block body (documents nothing)',
    ]);
  });

  it('reuses the items around the edit', () => {
    const cache = new ParseCache();
    const first = cache.edited(BIG, FILE).file;
    const edited = onLet('v40', (l) => l.replace('= unit', '= unitx'))(BIG);
    const items = (f: typeof first) => (f.items.find((i) => i.kind === 'Model') as Extract<(typeof first.items)[number], { kind: 'Model' }>).items;
    const k = items(first).findIndex((i) => i.kind === 'Let' && i.name.name === 'v40');
    const nextAt = items(first)[k + 1]!.span.start.offset;
    const second = cache.edited(edited, FILE).file;
    // The edited item is new; the others are the same objects, those after it moved in place.
    expect(items(second)[k - 1]).toBe(items(first)[k - 1]);
    expect(items(second)[k]).not.toBe(items(first)[k]);
    expect(items(second)[k + 1]).toBe(items(first)[k + 1]);
    expect(items(second)[k + 1]!.span.start.offset).toBe(nextAt + 1);
    expect(edited.slice(nextAt + 1).startsWith('let v41')).toBe(true);
    expect(second.items[0]).toBe(first.items[0]);
  });

  it('gives what a parse from scratch gives after 1,000 random edits of a clean spec, broken or not', () => {
    const { reused, broken } = randomEdits(generateSpec(60).text, 'reparse');
    // Most edits were parsed again in part, broken texts among them: the comparison tested something.
    expect(reused).toBeGreaterThan(300);
    expect(broken).toBeGreaterThan(80);
  }, 180_000); // 2,000 parses: about 25 s alone, over a minute beside the whole suite on a loaded machine

  it('does so too when the model items have doc comments', () => {
    // every other item documented, in one or two lines, with a blank line or a plain comment between some
    let n = 0;
    const base = generateSpec(60).text.replace(/\n {2}(let|task|pc) /g, (m, kw: string) => {
      n++;
      const doc = n % 2 === 0 ? '' : n % 6 === 1 ? `\n  /// item ${n}\n  /// its second line` : n % 6 === 3 ? `\n  /// item ${n}\n` : `\n  /// item ${n}\n  // a plain comment`;
      return `${doc}\n  ${kw} `;
    });
    expect(parse(base, FILE).diagnostics).toEqual([]);
    const { reused, broken } = randomEdits(base, 'reparse-docs');
    expect(reused).toBeGreaterThan(300);
    expect(broken).toBeGreaterThan(60);
  }, 180_000);
});

/** 1,000 random edits of `base`, each compared with a parse from scratch; how many reused the old tree, and how many of those were broken. */
function randomEdits(base: string, seed: string): { reused: number; broken: number } {
  const cache = new ParseCache();
  const rng = seedrandom(seed);
  const file = '/virtual/reparse-random.rec';
  const from = base.indexOf('/// Block 0'); // blocks and the model
  const pieces = ['(', ')', '((', '[', ']', '{', '}', ',', '.', ':', '=', '+', '*', '@', ' ', '\n', 'x', '1', '"', 'let ', 'task ', 'model ', ', width: 1', '///', '/// d\n', '// c', 'pc g = avc\n'];
  let reused = 0;
  let broken = 0;
  for (let n = 0; n < 1000; n++) {
    const before = cache.edited(base, file).file; // the clean parse every edit starts from
    const at = from + Math.floor(rng() * (base.length - from));
    const op = rng();
    const piece = pieces[Math.floor(rng() * pieces.length)]!;
    const text =
      op < 0.45 ? base.slice(0, at) + piece + base.slice(at)
      : op < 0.8 ? base.slice(0, at) + base.slice(at + 1 + Math.floor(rng() * 3))
      : base.slice(0, at) + piece + base.slice(at + 1);
    const firstItem = modelItems(before)[0];
    const got = cache.edited(text, file);
    const want = parse(text, file);
    expect(JSON.stringify(got.diagnostics), text).toBe(JSON.stringify(want.diagnostics));
    expect(got.file, text).toEqual(want.file);
    if (modelItems(got.file)[0] === firstItem) {
      reused++;
      if (got.diagnostics.length > 0) broken++;
    }
  }
  return { reused, broken };
}

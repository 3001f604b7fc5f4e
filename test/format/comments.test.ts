// Comments anywhere: a `//` comment at the end of every line and a `/* */` comment on a line of
// its own before every line of every stdlib and example file. Nothing may be lost or reordered,
// the meaning must not change, and the result must format to itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatRec } from '../../src/format/format.js';
import { parse } from '../../src/syntax/parse.js';
import { comments, meaning, specFiles } from './helpers.js';

/** A comment's text with a `///` that documents nothing read as `//` (the formatter may print it so). */
const plain = (c: string) => c.replace(/^\/\/\/(?!\/)/, '//');

/** Lines outside `/* *\/` comments get the extra comments; strings in specs never span lines. */
function sprinkle(text: string, make: (line: string, i: number) => string): string {
  return text
    .split('\n')
    .map((l, i) => (l.trim() === '' || l.includes('/*') || l.includes('*/') ? l : make(l, i)))
    .join('\n');
}

describe('formatter comments', () => {
  const files = specFiles();

  it('keeps a trailing comment on every line', async () => {
    for (const f of files) {
      const text = sprinkle(readFileSync(f, 'utf8'), (l, i) => (l.includes('//') ? l : `${l} // t${i}`));
      const out = await formatRec(text);
      expect(comments(out), f).toEqual(comments(text));
      expect(meaning(out), f).toEqual(meaning(text));
      expect(await formatRec(out), f).toBe(out);
      // A trailing comment stays on the line of the code it followed (one after an opening
      // bracket moves to the first line inside it, as Prettier does for JavaScript).
      const afterCode = text.split('\n').filter((l) => / \/\/ t\d+$/.test(l) && !/[{([] \/\/ t\d+$/.test(l));
      for (const c of afterCode.map((l) => /\/\/ t\d+$/.exec(l)![0])) {
        const line = out.split('\n').find((l) => l.endsWith(c))!;
        expect(line.trim(), `${f}: ${c}`).not.toBe(c);
      }
    }
  });

  it('keeps a comment on its own line before every line', async () => {
    for (const f of files) {
      const text = sprinkle(readFileSync(f, 'utf8'), (l, i) => `/* o${i} */\n${l}`);
      const out = await formatRec(text);
      expect(comments(out), f).toEqual(comments(text));
      expect(meaning(out), f).toEqual(meaning(text));
      expect(await formatRec(out), f).toBe(out);
    }
  });

  it('keeps comments written inside empty bodies and brackets inside them', async () => {
    const text = [
      'block f(/* no params */) {',
      '  // nothing yet',
      '}',
      'model m {',
      '  features {',
      '    // none',
      '  }',
      '  task t : binary(label: y) {',
      '    // defaults',
      '  }',
      '  train { opt: adam(/* defaults */) metrics: [ // later',
      '  ] }',
      '}',
      '',
    ].join('\n');
    const out = await formatRec(text);
    expect(out).toBe(
      [
        'block f(/* no params */) {',
        '  // nothing yet',
        '}',
        '',
        'model m {',
        '  features {',
        '    // none',
        '  }',
        '  task t : binary(label: y) {',
        '    // defaults',
        '  }',
        '  train {',
        '    opt: adam(/* defaults */)',
        '    metrics: [',
        '      // later',
        '    ]',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  // Allman style: a comment after a head, then its `{` on the next line. The comment goes to the
  // first line inside the body, as one written after the `{` does: printed after the `{` on its
  // line, it would move there on the next run. A `///` there documents nothing (the `{` follows
  // it) and must not come to document the body's first declaration.
  for (const mark of ['//', '///']) {
    it(`settles in one run a \`${mark}\` comment before every \`{\` that opens a line's body`, async () => {
      for (const f of files) {
        const text = readFileSync(f, 'utf8')
          .split('\n')
          .map((l, i) => (/ \{$/.test(l) && !l.includes('//') ? `${l.slice(0, -2)} ${mark} b${i}\n{` : l))
          .join('\n');
        if (!text.includes(` ${mark} b`)) continue;
        const out = await formatRec(text);
        expect(meaning(out), f).toEqual(meaning(text));
        expect(comments(out).map(plain), f).toEqual(comments(text).map(plain));
        expect(await formatRec(out), f).toBe(out);
      }
    });
  }

  // The class of the Allman case: a line comment (after code, or on a line of its own, or a `///`
  // that documents nothing) at every token boundary of a spec with every construct. Wherever
  // Prettier would print it, the next run must read it back to the same place.
  it('settles in one run a line comment put at any token boundary', async () => {
    const text = [
      'use std.poso',
      'use "./common.rec" as common',
      '',
      'block f(x: tensor, units: [int] = [8, 4]) {',
      '  let h = (x + 1) * layers.mlp(x, units)[0]',
      '  for u in units {',
      '    h = dense(h, u)',
      '  }',
      '  if len(units) > 2 {',
      '    return relu(h)',
      '  } else {',
      '    return h',
      '  }',
      '}',
      '',
      'model m {',
      '  features {',
      '    uid: id(hash: 1_000, dim: 8)',
      '    y: label',
      '  }',
      '  meta_block um by uid {',
      '    inner { steps: 1 }',
      '    let z = dense(uid, 8)',
      '  }',
      '  task t : binary(label: y == 1) { tower: [4] }',
      '  train {',
      '    optimizer: { dense: adam(lr: 1e-3) }',
      '  }',
      '',
      '  stage s {',
      '    epochs: 1',
      '  }',
      '}',
      '',
    ].join('\n');
    for (const c of ['// c\n', '\n// o\n', '\n/// d\n']) {
      for (let i = 1; i < text.length; i++) {
        if (!/[\s(),[\]{}:=.]/.test(text[i]!) && !/[(),[\]{}:=.]/.test(text[i - 1]!)) continue;
        const t = `${text.slice(0, i)} ${c} ${text.slice(i)}`;
        if (parse(t, 'x.rec').diagnostics.some((d) => d.severity === 'error')) continue;
        const out = await formatRec(t);
        const where = JSON.stringify(t.slice(Math.max(0, i - 30), i + 30));
        expect(await formatRec(out), where).toBe(out);
        expect(meaning(out), where).toEqual(meaning(t));
        expect(comments(out).map(plain), where).toEqual(comments(t).map(plain));
      }
    }
  });

  it('settles in one run, in the order written, two comments Prettier alone would print out of order', async () => {
    const texts = [
      // a line comment alone in a `use`, then a block comment after it
      'use // c\n  std.pepnet as pep /* t2 */\n\nblock f(x: tensor) {\n  return x\n}\n',
      // alone in a meta block's head, with a comment inside the block after it
      'model m {\n  meta_block // c\n  mb by k { inner { // inner\n  } }\n}\n',
      // after `layers`, and one before the call's `(`
      'block f(x: tensor) {\n  let h = layers // c\n    .mlp\n// o\n(x)\n  return h\n}\n',
      // inside parentheses, then one on its own line after a blank line
      'block f(x: tensor) {\n  let h = concat(x * (x // scale\n\n// o\n), x)\n  return h\n}\n',
      // in a block's head, before a comment in its empty parameter list
      'block // c\n  f(/* none */) { return 1 }\n',
      // inline, before the `{` of a body, after a comment in the body before it
      'block f(x: tensor) {\n  if x > 1 { // then\n  } else /* c */ { // else\n  }\n  return x\n}\n',
      // inline in a stage's head, before a comment in its body
      'model m {\n  stage s /* c */ {\n  // empty stage\n  }\n}\n',
      // before a task's `{`, with a comment among its fields after it
      'model m {\n  task t : binary(label: y) // c\n  { tower: [64] // t\n  }\n}\n',
      // inline in a task's head, before its `{`, with a comment among its fields after it
      'model m {\n  task t : binary(label: y) /* c */ { // f\n  tower: [64] }\n}\n',
    ];
    for (const text of texts) {
      const out = await formatRec(text);
      expect(await formatRec(out), text).toBe(out);
      expect(meaning(out), text).toEqual(meaning(text));
      expect(comments(out), text).toEqual(comments(text));
    }
  });

  // Printed after the node it was left on (print.ts) or inside empty brackets (print-util.ts), a
  // `/* */` spanning lines must break the group around it in the first run, as it does in the
  // next, where it is read as a comment trailing that node.
  it('breaks the brackets around a block comment spanning lines in one run', async () => {
    const cases = [
      ['block f(x: /* a\n b */ tensor) {\n  return x\n}\n', 'block f(\n  x: tensor /* a\n b */,\n) {\n  return x\n}\n'],
      ['block f(x: [ /* a\n b */ tensor]) {\n  return x\n}\n', 'block f(\n  x: [tensor] /* a\n b */,\n) {\n  return x\n}\n'],
      ['block f(x: tensor) {\n  return g(f(/* a\n b */), x)\n}\n', 'block f(x: tensor) {\n  return g(\n    f(/* a\n b */),\n    x,\n  )\n}\n'],
    ];
    for (const [text, expected] of cases) {
      const out = await formatRec(text!);
      expect(out).toBe(expected);
      expect(await formatRec(out)).toBe(out);
      expect(meaning(out)).toEqual(meaning(text!));
      expect(comments(out)).toEqual(comments(text!));
    }
  });

  it("keeps a comment after a statement written on the line of a meta block's `inner { … }` on that statement", async () => {
    const head = ['model m {', '  features {', '    a: id(hash: 10, dim: 4)', '  }', '', '  meta_block mb by a {'];
    const text = [...head, '    inner { lr: 1 } /* a */ let w = 32 // hidden width', '    return dense(a, w)', '  }', '}', ''].join('\n');
    const out = await formatRec(text);
    expect(out).toBe([...head, '    inner { lr: 1 } /* a */', '    let w = 32 // hidden width', '    return dense(a, w)', '  }', '}', ''].join('\n'));
    expect(await formatRec(out)).toBe(out);
    expect(meaning(out)).toEqual(meaning(text));
    expect(comments(out)).toEqual(comments(text));
  });

  it("puts the comments of a meta block's head before its `inner`, in the order written", async () => {
    const head = ['model m {', '  features {', '    a: id(hash: 10, dim: 4)', '  }', ''];
    const want = [...head, '  meta_block mb by a {', '    // one', '    // two', '    inner { lr: 1 }', '    return a', '  }', '}', ''].join('\n');
    const texts = [
      ['  meta_block // one', '  mb by a {', '    inner // two', '    { lr: 1 }'],
      ['  meta_block mb // one', '  by a { // two', '    inner { lr: 1 }'],
    ].map((lines) => [...head, ...lines, '    return a', '  }', '}', ''].join('\n'));
    for (const text of texts) {
      const out = await formatRec(text);
      expect(out, text).toBe(want);
      expect(await formatRec(out)).toBe(out);
      expect(meaning(out)).toEqual(meaning(text));
      expect(comments(out)).toEqual(comments(text));
    }
  });

  it('prints a `///` that documents nothing as `//` where it would document a declaration', async () => {
    const cases = [
      // after `for … in …`, before `{`: inside the body it would document `let h`
      ['block f(x: tensor) {\n  for u in [1, 2] /// one layer per width\n  {\n    let h = dense(x, u)\n  }\n  return x\n}\n',
        'block f(x: tensor) {\n  for u in [1, 2] {\n    // one layer per width\n    let h = dense(x, u)\n  }\n  return x\n}\n'],
      // inside a `use`: after it, it would document the model
      ['use /// note\n  std.layers\n\nmodel m {\n  features {\n    x: dense(4)\n    y: label\n  }\n  task t : binary(label: y)\n}\n',
        'use std.layers // note\n\nmodel m {\n  features {\n    x: dense(4)\n    y: label\n  }\n  task t : binary(label: y)\n}\n'],
    ];
    for (const [text, expected] of cases) {
      const out = await formatRec(text!);
      expect(out).toBe(expected);
      expect(meaning(out)).toEqual(meaning(text!));
      expect(await formatRec(out)).toBe(out);
    }
  });

  it('keeps a `///` that documents nothing as written where it still documents nothing', async () => {
    const text = [
      'block f(x: tensor) {',
      '  let y = x',
      '  /// before a return',
      '  return y',
      '  /// after the last statement',
      '}',
      '',
      'model m {',
      '  features {',
      '    x: dense(4)',
      '    y: label',
      '  }',
      '  task t : binary(label: y)',
      '  train {',
      '    /// before a field',
      '    batch: 32',
      '    metrics: [',
      '      /// in a list',
      '      auc,',
      '    ]',
      '  }',
      '',
      '  stage s {',
      '    /// nothing here',
      '  }',
      '}',
      '/// after the last item',
      '',
    ].join('\n');
    expect(await formatRec(text)).toBe(text);
    expect(comments(text).filter((c) => c.startsWith('///'))).toHaveLength(6);
  });

  it('prints doc comments from the doc fields and keeps them attached', async () => {
    const text = 'block f(\n/// the input\nx: tensor) {\n/// kept\nlet y = x\nreturn y }\n';
    const out = await formatRec(text);
    expect(out).toBe('block f(\n  /// the input\n  x: tensor,\n) {\n  /// kept\n  let y = x\n  return y\n}\n');
    expect(meaning(out)).toEqual(meaning(text));
  });
});

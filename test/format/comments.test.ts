// Comments anywhere: a `//` comment at the end of every line and a `/* */` comment on a line of
// its own before every line of every stdlib and example file. Nothing may be lost or reordered,
// the meaning must not change, and the result must format to itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatRec } from '../../src/format/format.js';
import { comments, meaning, specFiles } from './helpers.js';

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

  it('prints doc comments from the doc fields and keeps them attached', async () => {
    const text = 'block f(\n/// the input\nx: tensor) {\n/// kept\nlet y = x\nreturn y }\n';
    const out = await formatRec(text);
    expect(out).toBe('block f(\n  /// the input\n  x: tensor,\n) {\n  /// kept\n  let y = x\n  return y\n}\n');
    expect(meaning(out)).toEqual(meaning(text));
  });
});

// The formatter: snapshot fixtures (input → output), idempotence, comments kept, and meaning kept
// (the AST of the formatted text equals the AST of the original, positions aside).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRec } from '../../src/format/format.js';
import { CASES, comments, fixtureCases, meaning, specFiles } from './helpers.js';

describe('formatter', () => {
  it('has a fixture for each construct', () => {
    expect(fixtureCases().length).toBeGreaterThanOrEqual(10);
  });

  for (const c of fixtureCases()) {
    it(`formats ${c} as its snapshot, and its output again to itself`, async () => {
      const input = readFileSync(join(CASES, c, 'input.rec'), 'utf8');
      const expected = readFileSync(join(CASES, c, 'output.rec'), 'utf8');
      const out = await formatRec(input);
      expect(out).toBe(expected);
      expect(await formatRec(out)).toBe(out);
      expect(meaning(out)).toEqual(meaning(input));
      expect(comments(out)).toEqual(comments(input));
    });
  }

  it('every stdlib and example file is already formatted', async () => {
    for (const f of specFiles()) {
      const text = readFileSync(f, 'utf8');
      expect(await formatRec(text), f).toBe(text);
    }
  });

  // A narrow page forces every group to break, a wide one none: the meaning, the comments and
  // idempotence must hold at every width, not only at the one the snapshots use.
  for (const width of [20, 40, 60, 80, 160]) {
    it(`keeps meaning and comments and is idempotent at printWidth ${width}`, async () => {
      const texts = [...fixtureCases().map((c) => join(CASES, c, 'input.rec')), ...specFiles()].map((f) => readFileSync(f, 'utf8'));
      for (const text of texts) {
        const out = await formatRec(text, { printWidth: width });
        expect(meaning(out)).toEqual(meaning(text));
        expect(comments(out)).toEqual(comments(text));
        expect(await formatRec(out, { printWidth: width })).toBe(out);
      }
    });
  }

  it('breaks a call one argument per line with a trailing comma only past printWidth', async () => {
    const text = 'block b(x: tensor) {\n  return dense(relu(x), units: 64)\n}\n';
    expect(await formatRec(text)).toBe(text);
    expect(await formatRec(text, { printWidth: 30 })).toBe(
      'block b(x: tensor) {\n  return dense(\n    relu(x),\n    units: 64,\n  )\n}\n',
    );
  });

  it('keeps a space between a number and `.` (`1.m` would be a malformed number)', async () => {
    for (const number of ['1', '2.5', '1_000', '1e-3']) {
      const text = `block g(x: tensor) {\n  return ${number}   .m\n}\n`;
      const out = await formatRec(text);
      expect(out).toBe(`block g(x: tensor) {\n  return ${number} .m\n}\n`);
      expect(meaning(out)).toEqual(meaning(text));
      expect(await formatRec(out)).toBe(out);
    }
  });

  it('ends every line as the first line ends, whatever line ends come after it (in a comment, at the end)', async () => {
    const tidy = ['block f(x: tensor) {', '  /* a', 'b */', '  return x', '}', ''];
    const cases: [string, string][] = [
      // a lone `\r`, or a `\r\n`, in a comment of a file of `\n` lines
      ['block f(x: tensor) {\n  /* a\rb */\n  return x\n}\n', '\n'],
      ['block f(x: tensor) {\n  /* a\r\nb */\n  return x\n}\n', '\n'],
      // only the last line ends with `\r\n`
      ['block f(x: tensor) {\n  /* a\nb */\n  return x\n}\r\n', '\n'],
      // the first line ends with `\r\n` or `\r`, others with `\n`
      ['block f(x: tensor) {\r\n  /* a\nb */\n  return x\n}\n', '\r\n'],
      ['block f(x: tensor) {\r  /* a\nb */\n  return x\n}\n', '\r'],
    ];
    for (const [text, eol] of cases) {
      const out = await formatRec(text);
      expect(out, JSON.stringify(text)).toBe(tidy.join(eol));
      expect(meaning(out)).toEqual(meaning(text));
      expect(await formatRec(out)).toBe(out);
    }
    // a file on one line: `\n`
    expect(await formatRec('block f(x: tensor) { return x }')).toBe('block f(x: tensor) {\n  return x\n}\n');
  });

  it('prints a `use` path as written, escapes and all (re-encoding it could make a string the lexer rejects)', async () => {
    for (const text of ['use "./a\\u0008b.rec" as a\n', 'use "./sub\\u{2F}common.rec" as c\n', 'use "./q\\"x.rec" as q\n']) {
      expect(await formatRec(text), text).toBe(text);
    }
  });

  it('formats an empty file and a file of comments only', async () => {
    expect(await formatRec('')).toBe('');
    expect(await formatRec('\n\n// just a note\n/* and a block */\n')).toBe('// just a note\n/* and a block */\n');
  });

  it('refuses text with a syntax error, saying where, as a SyntaxError Prettier can frame', async () => {
    const err = await formatRec('model m {\n  let x = relu(\n}\n').then(
      () => undefined,
      (e: unknown) => e as SyntaxError & { loc?: { start: { line: number; column: number } } },
    );
    expect(err).toBeInstanceOf(SyntaxError);
    expect(err!.message).toMatch(/\((\d+):(\d+)\)/);
    const [, line, column] = /\((\d+):(\d+)\)/.exec(err!.message)!;
    expect(err!.loc!.start).toEqual({ line: Number(line), column: Number(column) });
    expect(err!.loc!.start.line).toBeGreaterThanOrEqual(2);
  });
});

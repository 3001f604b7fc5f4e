// Tokens: numbers as written, string escapes, comments, keywords and the identifiers that merely
// start like one. Values are the ones the language reference (grammar/rec.ebnf) states.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/syntax/ast.js';
import { decodeString, numberValue } from '../../src/syntax/literals.js';
import { parse } from '../../src/syntax/parse.js';
import { KEYWORDS, RecLexer } from '../../src/syntax/tokens.js';

function valueOf(src: string): Expr {
  const r = parse(`model m { let v = ${src} }`, 'x.rec');
  expect(r.diagnostics).toEqual([]);
  const m = r.file.items[0]!;
  if (m.kind !== 'Model' || m.items[0]!.kind !== 'Let') throw new Error('no let');
  return m.items[0]!.value;
}

describe('numbers', () => {
  it.each([
    ['16', 16, true],
    ['200_000', 200000, true],
    ['1_000_000', 1000000, true],
    ['0.05', 0.05, false],
    ['2.0', 2, false],
    ['1e-3', 0.001, false],
    ['1.5E+4', 15000, false],
    ['3e2', 300, false],
    ['0', 0, true],
  ])('%s', (raw, value, isInt) => {
    expect(valueOf(raw)).toMatchObject({ kind: 'Number', raw, value, isInt });
  });

  it('a number token spans exactly its characters', () => {
    const e = valueOf('200_000');
    // `model m { let v = ` is 18 characters
    expect(e.span.start).toEqual({ offset: 18, line: 1, column: 19 });
    expect(e.span.end).toEqual({ offset: 25, line: 1, column: 26 });
  });

  it('a malformed number still has a finite value', () => {
    expect(numberValue('1__0')).toEqual({ value: 10, isInt: true });
    expect(numberValue('16dim')).toEqual({ value: 16, isInt: true });
    expect(numberValue('1e')).toEqual({ value: 1, isInt: false });
  });
});

describe('strings', () => {
  it('decodes the escapes of the language', () => {
    expect(decodeString(String.raw`"a\"b\\c\nd\te\r\0"`)).toEqual({ value: 'a"b\\c\nd\te\r\0', bad: [] });
    expect(decodeString(String.raw`"\u{41}\u{1F600}\u00e9"`)).toEqual({ value: 'A😀é', bad: [] });
    expect(decodeString('""')).toEqual({ value: '', bad: [] });
  });

  it('reports an unknown escape and keeps its text', () => {
    expect(decodeString(String.raw`"x\qy"`)).toEqual({ value: 'x\\qy', bad: [{ offset: 2, length: 2, text: '\\q', message: 'unknown escape `\\q` in a string' }] });
    // a bad `\u{…}` is one escape, kept whole
    expect(decodeString(String.raw`"a\u{110000}b"`)).toEqual({ value: 'a\\u{110000}b', bad: [{ offset: 2, length: 10, text: '\\u{110000}', message: 'escape `\\u{110000}` is beyond U+10FFFF, the last code point' }] });
  });

  it('an unterminated string has the rest of its line as its value', () => {
    expect(decodeString('"abc').value).toBe('abc');
    expect(decodeString(String.raw`"abc\"`).value).toBe('abc"');
  });

  it('string literals keep their raw text and their decoded value', () => {
    expect(valueOf(String.raw`"|\t"`)).toMatchObject({ kind: 'String', value: '|\t', raw: String.raw`"|\t"` });
    expect(valueOf('true')).toMatchObject({ kind: 'Bool', value: true });
    expect(valueOf('false')).toMatchObject({ kind: 'Bool', value: false });
  });
});

describe('comments and keywords', () => {
  it('keeps `//` and `/* */` comments with their spans, in order', () => {
    const text = 'model m { // a\n  /* b\n c */ let x = 1 // d\n}';
    const r = parse(text, 'x.rec');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.comments.map((c) => [c.text, c.span.start.line, c.span.start.column, c.span.end.line, c.span.end.column])).toEqual([
      ['// a', 1, 11, 1, 15],
      ['/* b\n c */', 2, 3, 3, 6],
      ['// d', 3, 17, 3, 21],
    ]);
  });

  it('every keyword lexes as itself, and a longer word as a name', () => {
    for (const k of KEYWORDS) {
      const [t] = RecLexer.tokenize(k).tokens;
      expect(t!.tokenType.name, k).not.toBe('Identifier');
      const [u] = RecLexer.tokenize(`${k}x`).tokens;
      expect(u!.tokenType.name, `${k}x`).toBe('Identifier');
    }
  });

  it('only `\\n` ends a line, also for a file with CRLF line ends', () => {
    const r = parse('model m {\r\n  let x = 1\r\n}\r\n', 'x.rec');
    expect(r.diagnostics).toEqual([]);
    const m = r.file.items[0]!;
    const l = m.kind === 'Model' ? m.items[0]! : undefined;
    expect(l?.span.start).toEqual({ offset: 13, line: 2, column: 3 });
  });
});

// The lexer's token list leaves out the category tokens AnyName and BinaryOp (issue 13), and each
// token states its first characters and whether it can span lines (start_chars_hint, line_breaks),
// so that Chevrotain neither analyses the patterns at start-up nor gives up its first-character
// optimisation. This checks that the optimisation applies, and that every `.rec` file of the
// repository lexes exactly as with a lexer of the old kind, the categories in its list and the
// patterns analysed by Chevrotain, with every token still in its categories: the parser consumes
// names and operators through them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { Lexer } from '../../src/syntax/chevrotain.js';
import { allTokens, AnyName, BinaryOp, RecLexer } from '../../src/syntax/tokens.js';

const root = join(import.meta.dirname, '../..');

function recFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return recFiles(p);
    return f.endsWith('.rec') ? [p] : [];
  });
}

const files = ['examples', 'stdlib', 'bench', 'test/fixtures', 'test/syntax/fixtures'].flatMap((d) => recFiles(join(root, d)));

// The lexer as it was built before issue 13: the parser's whole vocabulary, categories included,
// and what each token starts with and spans worked out by Chevrotain from its pattern. Copies of
// the token types without the two hints, the same otherwise (their index, categories, longer_alt).
const copies = new Map(allTokens.map((t) => [t, { ...t }]));
for (const c of copies.values()) {
  delete c.START_CHARS_HINT;
  delete c.LINE_BREAKS;
  if (c.LONGER_ALT) c.LONGER_ALT = copies.get(c.LONGER_ALT as TokenType);
}
const options = { lineTerminatorsPattern: /\n/g, lineTerminatorCharacters: ['\n'] };
const withCategories = new Lexer([...copies.values()], { ...options, positionTracking: 'onlyOffset' });
// RecLexer tracks offsets only, so Chevrotain reads the line-break hints only when lines are
// tracked: these two lexers compare them with its analysis.
const hinted = new Lexer(
  allTokens.filter((t) => t !== AnyName && t !== BinaryOp),
  { ...options, positionTracking: 'full' },
);
const analysed = new Lexer([...copies.values()], { ...options, positionTracking: 'full' });

/** Everything a token carries that the parser or a diagnostic reads (the offset; lines come from line-index.ts). */
const shape = (t: IToken) => [t.tokenType.name, t.tokenTypeIdx, t.image, t.startOffset];

// Written out here, not read from tokens.ts, so that a token that loses a category is caught.
const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATORS = new Set(['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '@', 'and', 'or']);

describe('the optimised lexer', () => {
  it('is optimised: Chevrotain applies the first-character optimisation', () => {
    // Public on the Lexer, missing from its typings.
    expect((RecLexer as unknown as { canModeBeOptimized: Record<string, boolean> }).canModeBeOptimized).toEqual({ defaultMode: true });
  });

  it("states each token's first characters and line breaks as Chevrotain's analysis finds them", () => {
    // Chevrotain's internal tables: for each character, the tokens tried; for each token, whether it spans lines.
    type Tables = { charCodeToPatternIdxToConfig: { defaultMode: ({ tokenType: TokenType }[] | undefined)[] }; patternIdxToConfig: { defaultMode: { tokenType: TokenType; canLineTerminator: boolean }[] } };
    const starts = (l: unknown) => (l as Tables).charCodeToPatternIdxToConfig.defaultMode.map((ts) => ts?.map((t) => t.tokenType.name));
    const lines = (l: unknown) => (l as Tables).patternIdxToConfig.defaultMode.map((t) => [t.tokenType.name, t.canLineTerminator]);
    expect(starts(RecLexer)).toEqual(starts(withCategories));
    expect(lines(hinted)).toEqual(lines(analysed));
    expect(lines(analysed).filter(([, spans]) => spans).length).toBeGreaterThan(1); // the comparison can tell
  });

  it(`lexes the repository's ${files.length} .rec files as the lexer with the category tokens did`, () => {
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const now = RecLexer.tokenize(text);
      const before = withCategories.tokenize(text);
      expect(now.tokens.map(shape), file).toEqual(before.tokens.map(shape));
      for (const group of ['comments', 'docs', 'errors']) expect((now.groups[group] ?? []).map(shape), `${file} ${group}`).toEqual((before.groups[group] ?? []).map(shape));
      expect(now.errors, file).toEqual(before.errors);
    }
  });

  it('keeps every word in AnyName and every operator in BinaryOp', () => {
    const inCategory = (t: IToken, c: TokenType) => tokenMatcher(t, c);
    let words = 0;
    let operators = 0;
    for (const file of files) {
      for (const t of RecLexer.tokenize(readFileSync(file, 'utf8')).tokens) {
        const word = WORD.test(t.image);
        const operator = OPERATORS.has(t.image);
        expect([t.image, inCategory(t, AnyName)], file).toEqual([t.image, word]);
        expect([t.image, inCategory(t, BinaryOp)], file).toEqual([t.image, operator]);
        words += Number(word);
        operators += Number(operator);
      }
    }
    expect(words).toBeGreaterThan(1000);
    expect(operators).toBeGreaterThan(100);
  });
});

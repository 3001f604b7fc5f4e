// The lexer's token list leaves out the category tokens AnyName and BinaryOp (issue 13), so that
// Chevrotain's first-character optimisation applies. This checks that it does apply, and that every
// `.rec` file of the repository lexes exactly as with the categories in the list, with every token
// still in its categories: the parser consumes names and operators through them.
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

// The lexer as it was built before issue 13: the parser's whole vocabulary, categories included.
const withCategories = new Lexer(allTokens, { positionTracking: 'full', lineTerminatorsPattern: /\n/g, lineTerminatorCharacters: ['\n'] });

/** Everything a token carries that the parser or a diagnostic reads. */
const shape = (t: IToken) => [t.tokenType.name, t.tokenTypeIdx, t.image, t.startOffset, t.endOffset, t.startLine, t.startColumn, t.endLine, t.endColumn];

// Written out here, not read from tokens.ts, so that a token that loses a category is caught.
const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATORS = new Set(['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '@', 'and', 'or']);

describe('the optimised lexer', () => {
  it('is optimised: Chevrotain applies the first-character optimisation', () => {
    expect(RecLexer.canModeBeOptimized).toEqual({ defaultMode: true });
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

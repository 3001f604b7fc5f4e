// The editor grammar cannot drift from the lexer: every keyword is highlighted as one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORDS } from '../../src/syntax/tokens.js';

describe('TextMate grammar', () => {
  const g = JSON.parse(readFileSync(join(import.meta.dirname, '../../grammar/rec.tmLanguage.json'), 'utf8'));
  it('is valid JSON for source.rec and knows every keyword of the lexer', () => {
    expect(g.scopeName).toBe('source.rec');
    const re = new RegExp(g.repository.keywords.patterns[0].match);
    for (const k of KEYWORDS) expect(re.test(` ${k} `), k).toBe(true);
    expect(re.test(' trainer ')).toBe(false);
  });
});

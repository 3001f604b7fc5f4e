// The editor grammar (grammar/rec.tmLanguage.json) against the lexer: every keyword of
// src/syntax/tokens.ts is highlighted as one, no rule uses a regex Oniguruma (the engine VS Code
// runs TextMate grammars with) rejects, and sample lines get the scopes a reader expects, found by
// a small TextMate-style matcher (earliest match wins, ties to the first rule).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORDS } from '../../src/syntax/tokens.js';
import { ROOT } from './helpers.js';

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  captures?: Record<string, { name: string }>;
  patterns?: Rule[];
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, { patterns: Rule[] }>;
}

const grammar = JSON.parse(readFileSync(join(ROOT, 'grammar/rec.tmLanguage.json'), 'utf8')) as Grammar;
const vscodePackage = JSON.parse(readFileSync(join(ROOT, 'editors/vscode/package.json'), 'utf8'));

/** The top-level rules with `include`s resolved, in order. */
function rules(): Rule[] {
  return grammar.patterns.flatMap((r) => (r.include ? grammar.repository[r.include.slice(1)]!.patterns : [r]));
}

/** Scope of each token of one line: [text, scope] for every matched piece, gaps left out. */
function tokenize(lineText: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pos = 0;
  while (pos < lineText.length) {
    let best: { rule: Rule; m: RegExpExecArray } | undefined;
    for (const rule of rules()) {
      const re = new RegExp(rule.match ?? rule.begin!, 'g');
      re.lastIndex = pos;
      const m = re.exec(lineText);
      if (m && m[0].length > 0 && (!best || m.index < best.m.index)) best = { rule, m };
    }
    if (!best) break;
    const { rule, m } = best;
    let end = m.index + m[0].length;
    if (rule.begin) {
      const re = new RegExp(`(?:${(rule.patterns ?? []).map((p) => p.match).concat([]).join('|') || '(?!)'})|(?:${rule.end})`, 'g');
      re.lastIndex = end;
      const close = new RegExp(rule.end!, 'g');
      // Skip escapes (the nested patterns) until the end pattern matches.
      for (let e = re.exec(lineText); e; e = re.exec(lineText)) {
        close.lastIndex = e.index;
        const c = close.exec(lineText);
        if (c && c.index === e.index) {
          end = e.index + e[0].length;
          break;
        }
        end = lineText.length;
      }
      out.push([lineText.slice(m.index, end), rule.name!]);
    } else if (rule.captures) {
      for (const [k, v] of Object.entries(rule.captures)) if (m[Number(k)]) out.push([m[Number(k)]!, v.name]);
    } else out.push([m[0], rule.name!]);
    pos = end;
  }
  return out;
}

const scopeOf = (lineText: string, word: string) => tokenize(lineText).find(([t]) => t === word)?.[1];

describe('TextMate grammar', () => {
  it('is the grammar of source.rec the VS Code extension points at', () => {
    expect(grammar.scopeName).toBe('source.rec');
    expect(vscodePackage.contributes.grammars[0].scopeName).toBe('source.rec');
    expect(join(ROOT, 'editors/vscode', vscodePackage.contributes.grammars[0].path)).toBe(join(ROOT, 'grammar/rec.tmLanguage.json'));
  });

  it('has only regexes that compile and that Oniguruma accepts (no look-behind of varying length)', () => {
    const all = JSON.stringify(grammar).match(/"(?:match|begin|end)":"(?:[^"\\]|\\.)*"/g)!;
    expect(all.length).toBeGreaterThan(5);
    for (const raw of all) {
      const re = JSON.parse(raw.slice(raw.indexOf(':') + 1)) as string;
      expect(() => new RegExp(re), re).not.toThrow();
      for (const lb of re.match(/\(\?<[=!](?:[^()\\]|\\.)*\)/g) ?? []) expect(lb.slice(4), re).not.toMatch(/(?<!\\)[*+?{]/);
    }
  });

  it('highlights every keyword of the lexer as a keyword, and no identifier that contains one', () => {
    for (const k of KEYWORDS) expect(scopeOf(`x ${k} y`, k), k).toMatch(/^keyword\./);
    for (const k of KEYWORDS) expect(tokenize(`${k}_x + x_${k} + ${k}2`).filter(([, s]) => s.startsWith('keyword.control')), k).toEqual([]);
  });

  it('gives comments, strings, numbers, types and calls their scopes', () => {
    expect(scopeOf('/// the width', '/// the width')).toBe('comment.line.documentation.rec');
    expect(scopeOf('let x = 1 // note', '// note')).toBe('comment.line.double-slash.rec');
    expect(scopeOf('a /* b */ c', '/* b */')).toBe('comment.block.rec');
    expect(scopeOf('sep: "a // b"', '"a // b"')).toBe('string.quoted.double.rec');
    expect(scopeOf('s: "say \\"hi\\"" x', '"say \\"hi\\""')).toBe('string.quoted.double.rec');
    for (const n of ['200_000', '1e-3', '0.50', '2.5E-7']) expect(scopeOf(`x = ${n}`, n), n).toBe('constant.numeric.rec');
    expect(scopeOf('block f(x: tensor, u: [int]) {', 'tensor')).toBe('support.type.rec');
    expect(scopeOf('block f(x: tensor, u: [int]) {', 'int')).toBe('support.type.rec');
    expect(scopeOf('block f(x: tensor) {', 'f')).toBe('entity.name.function.rec');
    expect(scopeOf('let h = relu(dense(x, 4))', 'dense')).toBe('entity.name.function.call.rec');
  });
});

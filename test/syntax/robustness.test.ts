// `parse` never throws and always returns a sound tree: every truncation of a realistic spec,
// thousands of random one-character edits of it, and random garbage. And it is fast enough
// for the language server to re-parse on every keystroke.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/syntax/parse.js';
import { treeProblems } from './tree-check.js';

const SPEC = readFileSync(join(import.meta.dirname, 'fixtures/everything.rec'), 'utf8');

/** Parse, and return the problems of the result (a throw is a problem too). */
function problems(text: string): string[] {
  try {
    return treeProblems(parse(text, 'f.rec'), text, 'f.rec');
  } catch (e) {
    return [`throws: ${String(e)}`];
  }
}

/** Characters a typo is likely to bring in, plus a few that no token starts with. */
const ALPHABET = [...'(){}[],:.=+-*/@<>!"\\/_ \n\tabz019eE#$;\'', '\u0000', 'é', '😀', '\uD800'];

describe('robustness', () => {
  it('the spec itself parses cleanly', () => {
    expect(parse(SPEC, 'f.rec').diagnostics).toEqual([]);
    expect(problems(SPEC)).toEqual([]);
  });

  it('every truncation of the spec', () => {
    const bad: string[] = [];
    for (let n = 0; n <= SPEC.length; n++) {
      const p = problems(SPEC.slice(0, n));
      if (p.length > 0) bad.push(`prefix ${n}: ${p[0]}`);
    }
    expect(bad).toEqual([]);
  });

  it('every suffix of the spec (starting mid-way through anything)', () => {
    const bad: string[] = [];
    for (let n = 0; n <= SPEC.length; n += 3) {
      const p = problems(SPEC.slice(n));
      if (p.length > 0) bad.push(`suffix ${n}: ${p[0]}`);
    }
    expect(bad).toEqual([]);
  });

  it('4,000 random single-character edits (replace, insert, delete)', () => {
    const rng = seedrandom('recc-syntax');
    const bad: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const at = Math.floor(rng() * SPEC.length);
      const ch = ALPHABET[Math.floor(rng() * ALPHABET.length)]!;
      const op = Math.floor(rng() * 3);
      const text = op === 0 ? SPEC.slice(0, at) + ch + SPEC.slice(at + 1) : op === 1 ? SPEC.slice(0, at) + ch + SPEC.slice(at) : SPEC.slice(0, at) + SPEC.slice(at + 1);
      const p = problems(text);
      if (p.length > 0) bad.push(`edit ${i} (${op} ${JSON.stringify(ch)} at ${at}): ${p[0]}`);
    }
    expect(bad).toEqual([]);
  });

  it('random garbage and shuffled lines', () => {
    const rng = seedrandom('garbage');
    const bad: string[] = [];
    const lines = SPEC.split('\n');
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rng() * 400);
      const text =
        i % 3 === 0
          ? String.fromCharCode(...Array.from({ length: len }, () => Math.floor(rng() * 0x10000)))
          : i % 3 === 1
            ? Array.from({ length: len }, () => ALPHABET[Math.floor(rng() * ALPHABET.length)]).join('')
            : Array.from({ length: 40 }, () => lines[Math.floor(rng() * lines.length)]).join('\n');
      const p = problems(text);
      if (p.length > 0) bad.push(`garbage ${i}: ${p[0]}`);
    }
    expect(bad).toEqual([]);
  });
});

// Resuming an elaboration along random edits of every example: stages, meta blocks, grafts,
// support sets and plans included (the constructs an edit must not leave stale). Each analysis
// resumed from the last one that elaborated must give exactly what one from scratch gives:
// diagnostics and the whole partial graph (nodes with spans and traces, plan, meta, entries).
// resume.test.ts edits a generated spec and two examples by script; these edits are blind:
// numbers changed, lines deleted or repeated, a character typed, names swapped, the text undone.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../src/semantics/analyze.js';
import { ParseCache } from '../../src/syntax/parse-cache.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const EDITS_PER_EXAMPLE = 120;

const whole = (a: Analysis) => JSON.stringify({ d: a.diagnostics, g: a.partialGraph && { ...a.partialGraph, file: undefined } });

/** A random edit of `t`, or `base` again (an edit undone). */
function editor(rng: () => number, base: string): (t: string) => string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const edits: Array<(t: string) => string> = [
    (t) => t.replace(/\d+/g, (m) => (rng() < 0.05 ? String(pick([1, 2, 3, 4, 8, 16, 64])) : m)),
    (t) => {
      const ls = t.split('\n');
      ls.splice(Math.floor(rng() * ls.length), 1);
      return ls.join('\n');
    },
    (t) => {
      const ls = t.split('\n');
      ls.splice(Math.floor(rng() * ls.length), 0, pick(ls));
      return ls.join('\n');
    },
    (t) => {
      const at = Math.floor(rng() * t.length);
      return t.slice(0, at) + pick(['(', ')', ' ', '\n', 'x', ',', '{', '}', '0', '.']) + t.slice(at + (rng() < 0.5 ? 1 : 0));
    },
    (t) => {
      // a name replaced by another of the text: its first use, and some of the others
      const names = [...new Set(t.match(/\b[a-z_][a-z0-9_]*\b/g) ?? [])];
      const [a, b] = [pick(names), pick(names)];
      let k = 0;
      return t.replace(new RegExp(`\\b${a}\\b`, 'g'), (m) => (k++ === 0 || rng() < 0.3 ? b : m));
    },
    () => base,
    () => base,
  ];
  return (t) => pick(edits)(t);
}

describe('resuming an elaboration along random edits of every example', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.rec'));

  it('covers the constructs an edit could leave stale', () => {
    const texts = files.map((f) => readFileSync(join(EXAMPLES, f), 'utf8')).join('\n');
    for (const construct of ['stage ', 'meta_block ', 'graft', 'support ', 'train {']) expect(texts).toContain(construct);
  });

  for (const f of files) {
    it(`gives what an analysis from scratch gives after ${EDITS_PER_EXAMPLE} random edits of ${f}`, () => {
      const file = join(EXAMPLES, f);
      const base = readFileSync(file, 'utf8');
      const edit = editor(seedrandom(`resume ${f}`), base);
      const parses = new ParseCache();
      let text = base;
      let previous = analyze(text, file, { deferPasses: true, parses });
      expect(previous.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      let taken = 0;
      for (let n = 0; n < EDITS_PER_EXAMPLE; n++) {
        const next = edit(text);
        if (next === text) continue;
        text = next;
        const a = analyze(text, file, { deferPasses: true, previous, parses });
        expect(whole(a), `edit ${n}:\n${text}`).toBe(whole(analyze(text, file)));
        taken += a.model?.elaborator.taken ?? 0;
        if (a.model) previous = a;
      }
      // some analyses took unchanged model-level lets: the comparison tested their reuse (a
      // model whose only lets are inside a meta block has none to take)
      if (/^ {2}let /m.test(base)) expect(taken).toBeGreaterThan(EDITS_PER_EXAMPLE / 10);
    });
  }
});

// "Did you mean" comes with its fix: every diagnostic whose hint names a close name carries the
// suggestion that writes it (the language server's quick fix), and applying it clears the
// diagnostic. Checked on misspellings of the names in the examples and the spec fixtures: a
// letter dropped or two letters swapped, anywhere a name is written (features, options, task
// kinds and fields, train settings, selectors, keywords).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { exampleSpecs, ROOT } from '../spec-files.js';

const files = exampleSpecs();

describe('quick fixes', () => {
  it('come with every "did you mean", and applying one clears its diagnostic', () => {
    const rng = seedrandom('quick fixes');
    let hints = 0;
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const words = [...text.matchAll(/\b[a-z_][a-z0-9_]{3,}\b/g)].filter((m) => !text.slice(text.lastIndexOf('\n', m.index) + 1, m.index).includes('//'));
      for (let k = 0; k < 30; k++) {
        const m = words[Math.floor(rng() * words.length)]!;
        const w = m[0];
        const i = 1 + Math.floor(rng() * (w.length - 2));
        const typo = rng() < 0.5 ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : w.slice(0, i) + w.slice(i + 1);
        const t = text.slice(0, m.index) + typo + text.slice(m.index + w.length);
        for (const d of analyze(t, file).diagnostics) {
          if (!/did you mean/.test(d.hint ?? '')) continue;
          hints++;
          const where = `${file.slice(ROOT.length + 1)}: ${w} → ${typo}: ${d.code} ${d.message}`;
          const s = d.suggestions[0];
          if (!s) {
            problems.push(`${where}: no fix`);
            continue;
          }
          const fixed = t.slice(0, s.span.start.offset) + s.text + t.slice(s.span.end.offset);
          if (analyze(fixed, file).diagnostics.some((x) => x.code === d.code && x.span.start.offset === d.span.start.offset)) problems.push(`${where}: the fix leaves it`);
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(hints).toBeGreaterThan(300);
  });

  // found by a probe: REC2007 offered the block's own name for `y = …` (a block is no variable),
  // and REC3003 offered `x` for `f(x: a, y: a)` (then given twice)
  it('applied on the diagnostics fixtures, each fix clears its error and makes none', () => {
    const dir = join(ROOT, 'test/fixtures/diagnostics');
    const errors = (t: string, file: string) => analyze(t, file).diagnostics.filter((d) => d.severity === 'error');
    const problems: string[] = [];
    let fixes = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.rec'))) {
      const file = join(dir, name);
      const text = readFileSync(file, 'utf8');
      const before = errors(text, file);
      for (const d of before) {
        for (const s of d.suggestions) {
          fixes++;
          const fixed = text.slice(0, s.span.start.offset) + s.text + text.slice(s.span.end.offset);
          const after = errors(fixed, file).map((x) => `${x.code} ${x.message}`);
          const left = before.filter((x) => x !== d).map((x) => `${x.code} ${x.message}`);
          const made = after.filter((x) => !left.includes(x));
          if (made.length > 0) problems.push(`${name}: ${d.code} fixed with \`${s.text}\` gives ${made.join('; ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(fixes).toBeGreaterThan(10);
  });

  it("offer a misspelt argument only the parameters the call does not give", () => {
    const spec = (call: string) => `block f(x: tensor, yy: int = 2, zz: int = 3) { return x }\nmodel m {\n  features {\n    a: dense(4)\n    clicked: label\n  }\n  let h = ${call}\n  task click : binary(label: clicked) { from: h }\n}\n`;
    const offered = (call: string) => analyze(spec(call), '/virtual/m.rec').diagnostics.filter((d) => d.code === 'REC3003').map((d) => d.suggestions.map((s) => s.text));
    expect(offered('f(x: a, y: a)')).toEqual([['yy']]);
    expect(offered('f(a, y: 1)')).toEqual([['yy']]);
    expect(offered('f(a, yy: 1, y: 1)')).toEqual([[]]);
    expect(offered('f(x: a, x1: 1)')).toEqual([[]]);
  });

  // found by a probe: `poso.mlp` after `use std.poso as p` was an unknown name with no fix
  it('name the alias of a module imported under another name', () => {
    const text = 'use std.poso as p\nmodel m {\n  features {\n    a: dense(4)\n    clicked: label\n  }\n  let h = poso.mlp(a, pc: a, units: [8])\n  task click : binary(label: clicked) { from: h }\n}\n';
    const [d, ...rest] = analyze(text, '/virtual/m.rec').diagnostics;
    expect(rest).toEqual([]);
    expect([d!.code, d!.hint, d!.suggestions.map((s) => s.text)]).toEqual(['REC2001', 'the module `poso` is imported as `p`', ['p']]);
    const fixed = text.replace('poso.mlp', 'p.mlp');
    expect(analyze(fixed, '/virtual/m.rec').diagnostics).toEqual([]);
  });

  it('name `label` for a misspelt kind written without arguments', () => {
    const text = 'model m {\n  features {\n    a: dense(4)\n    clicked: lbael\n  }\n  task t : binary(label: clicked) { from: a }\n}\n';
    const d = analyze(text, '/virtual/m.rec').diagnostics.find((x) => x.code === 'REC5005')!;
    expect(d.hint).toBe('did you mean `label`?');
    expect(d.suggestions.map((s) => [s.text, text.slice(s.span.start.offset, s.span.end.offset)])).toEqual([['label', 'lbael']]);
  });
});

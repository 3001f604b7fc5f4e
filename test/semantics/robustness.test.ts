// The front end never throws on user input: thousands of truncated and mutated versions of the
// examples and the stdlib all come back as diagnostics, and none repeats an error already reported.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');
const sources = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => join(ROOT, 'examples', f)),
  join(ROOT, 'test/fixtures/specs/all-blocks.rec'),
];
const ALPHABET = ['(', ')', '{', '}', '[', ']', ',', ':', '=', '.', '"', '/', '*', '@', '-', 'x', '1', '_', ' ', '\n', 'let ', 'for ', 'return ', 'task ', 'model ', 'block '];

describe('robustness of the front end', () => {
  for (const file of sources) {
    it(`never throws on truncations and mutations of ${file.split('/').pop()}`, async () => {
      const text = readFileSync(file, 'utf8');
      // seeded by the path inside the repository: the same variants in every checkout (by the
      // absolute path, a clone elsewhere met a variant no other run had)
      const rng = seedrandom(relative(ROOT, file));
      const variants: string[] = [];
      for (let i = 0; i < 300; i++) variants.push(text.slice(0, Math.floor(rng() * text.length)));
      for (let i = 0; i < 700; i++) {
        let t = text;
        const edits = 1 + Math.floor(rng() * 3);
        for (let k = 0; k < edits; k++) {
          const at = Math.floor(rng() * t.length);
          const r = rng();
          if (r < 0.4) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rng() * 8));
          else if (r < 0.8) t = t.slice(0, at) + ALPHABET[Math.floor(rng() * ALPHABET.length)] + t.slice(at);
          else t = t.slice(0, at) + t.slice(at).replace(/\d+/, String(Math.floor(rng() * 5)));
        }
        variants.push(t);
      }
      for (const [i, v] of variants.entries()) {
        // yield now and then: a long synchronous loop starves the test runner's heartbeat
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
        const a = analyze(v, file);
        for (const d of a.diagnostics) {
          expect(d.span.start.offset).toBeLessThanOrEqual(d.span.end.offset);
          expect(typeof d.code).toBe('string');
          // an error is reported where it happens; what reads its value says nothing more
          expect(d.message, v).not.toMatch(/found error\b/);
        }
        // and one error is one report: no two at the same place
        const errorsAt = a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.span.start.offset);
        expect(new Set(errorsAt).size, v).toBe(errorsAt.length);
      }
    });
  }
});

describe('no recursion depth is reachable from text (issue 17, item 7)', () => {
  const spec = (body: string, blocks = '') => `${blocks}model m {
  features {
    a: id(hash: 100, dim: 4)
    y: label
  }
  ${body}
  task t : binary(label: y) { from: h }
}
`;
  const codes = (text: string) => analyze(text, '/tmp/deep.rec').diagnostics.map((d) => d.code);

  it('a 100,000-term sum and 100,000 nested parentheses are diagnostics', () => {
    expect(codes(spec(`let h = ${Array(100_000).fill('a').join(' + ')}`))).toEqual(['REC1009']);
    expect(codes(spec(`let h = ${'('.repeat(100_000)}a${')'.repeat(100_000)}`))).toEqual(['REC1008']);
  });

  it('the longest chain accepted elaborates', () => {
    // the model's braces are one level: 254 `+` make a tree of 255
    const a = analyze(spec(`let h = ${Array(255).fill('a').join(' + ')}`), '/tmp/deep.rec');
    expect(a.diagnostics).toEqual([]);
    expect(a.graph!.nodes.filter((n) => n.op === 'add').length).toBeGreaterThanOrEqual(254);
  });

  it('expressions nested through block calls stop at a diagnostic', () => {
    // each block's body is 240 levels deep and calls the next at the bottom: 12 blocks make
    // 2,880 levels, about twice what overflows the stack
    let blocks = '';
    for (let i = 0; i < 12; i++) blocks += `block b${i}(x: tensor) {\n  return ${i < 11 ? `b${i + 1}(x)` : 'x'}${' + x'.repeat(240)}\n}\n`;
    expect(new Set(codes(spec('let h = b0(a)', blocks)))).toEqual(new Set(['REC3010']));
    // three of them (720 levels) stay under the bound and elaborate
    let three = '';
    for (let i = 0; i < 3; i++) three += `block b${i}(x: tensor) {\n  return ${i < 2 ? `b${i + 1}(x)` : 'x'}${' + x'.repeat(150)}\n}\n`;
    expect(codes(spec('let h = b0(a)', three))).toEqual([]);
  });
});

// Every diagnostic code has a fixture that triggers it, with the expected span marked under the
// offending line: `//   ^^^^ REC2001` (the carets sit in the columns of the line above).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const DIR = join(import.meta.dirname, '../fixtures/diagnostics');

interface Mark {
  code: string;
  line: number;
  column: number;
  endColumn: number;
}

/** Markers of one file: each refers to the closest line above that is not a marker. */
export function marks(text: string): Mark[] {
  const lines = text.split('\n');
  const out: Mark[] = [];
  let target = 0;
  lines.forEach((l, i) => {
    const m = /^(\s*\/\/\s*)(\^+)\s+(REC\d{4})\s*$/.exec(l);
    if (!m) {
      target = i + 1;
      return;
    }
    const col = l.indexOf('^') + 1;
    out.push({ code: m[3]!, line: target, column: col, endColumn: col + m[2]!.length });
  });
  return out;
}

interface Fixture {
  name: string;
  entry: string;
  files: string[];
}

function fixtures(): Fixture[] {
  return readdirSync(DIR)
    .sort()
    .map((name) => {
      const p = join(DIR, name);
      if (statSync(p).isDirectory()) {
        const files = readdirSync(p).map((f) => join(p, f));
        return { name, entry: join(p, 'main.rec'), files };
      }
      return { name, entry: p, files: [p] };
    });
}

describe('diagnostic fixtures', () => {
  for (const fx of fixtures()) {
    it(fx.name, () => {
      const expected = fx.files.flatMap((f) => marks(readFileSync(f, 'utf8')).map((m) => ({ ...m, file: f })));
      const a = analyzeFile(fx.entry);
      const got = a.diagnostics.map((d) => ({
        code: d.code,
        file: d.span.file,
        line: d.span.start.line,
        column: d.span.start.column,
        // a zero-width span (a missing token) is shown as one caret
        endColumn: d.span.end.line === d.span.start.line ? Math.max(d.span.end.column, d.span.start.column + 1) : -1,
      }));
      const key = (m: { code: string; file: string; line: number; column: number; endColumn: number }) => `${m.file.split('/').pop()}:${m.line}:${m.column}-${m.endColumn} ${m.code}`;
      expect(got.map(key).sort()).toEqual(expected.map(key).sort());
      for (const d of a.diagnostics) {
        expect(d.message.length).toBeGreaterThan(10);
        expect(d.severity).toBe(CODES[d.code].severity);
      }
    });
  }

  it('every code in the table has a fixture (data codes are covered by test/data)', () => {
    const covered = new Set(
      fixtures().flatMap((fx) => fx.files.flatMap((f) => marks(readFileSync(f, 'utf8')).map((m) => m.code))),
    );
    const missing = Object.keys(CODES).filter((c) => !covered.has(c) && !c.startsWith('REC6'));
    expect(missing).toEqual([]);
  });
});

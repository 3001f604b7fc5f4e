// Shared by the formatter tests: what a spec means (its AST without positions, spellings and
// comments) and which comments it holds, both read back with the compiler's own parser.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../src/syntax/parse.js';

export const ROOT = join(import.meta.dirname, '../..');
export const CASES = join(ROOT, 'test/fixtures/format');

/** The AST without spans, `raw` spellings and comments: equal ASTs mean the same spec. */
export function meaning(text: string): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== 'span' && k !== 'raw' && k !== 'comments')
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  const { file, diagnostics } = parse(text, 'x.rec');
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`does not parse: ${diagnostics[0]!.message}`);
  return strip(file);
}

/** The comments of a spec, in order, as written. */
export function comments(text: string): string[] {
  return parse(text, 'x.rec').file.comments.map((c) => c.text);
}

/** Every `.rec` of the stdlib, the examples and the spec fixtures. */
export function specFiles(): string[] {
  return ['stdlib', 'examples', 'test/fixtures/specs'].flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.rec'))
      .map((f) => join(ROOT, d, f)),
  );
}

export const fixtureCases = (): string[] => readdirSync(CASES).sort();

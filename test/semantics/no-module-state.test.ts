// The front end keeps no analysis state at module level (issue 13): what one analysis leaves for
// the next (parses, block templates, elaborations) lives in objects their owner passes on (the
// language server's Workspace), so the CLI and the tests never see another analysis's leftovers.
// A mutable binding, a Map or WeakMap, or a class's mutable static at the top level of a file of
// the front end is reported here; constant tables (a ReadonlyMap, a Set of token types) are not.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { ParseCache } from '../../src/syntax/parse-cache.js';
import { generateSpec } from '../../bench/lib/generate-spec.mjs';

const ROOT = join(import.meta.dirname, '../..');
const FRONT_END = ['src/syntax', 'src/semantics', 'src/server', 'src/diagnostics', 'src/format'];

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** Top-level declarations that hold state: `let`, `var`, `new Map`/`new WeakMap`, mutable statics. */
export function moduleState(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    if (/^(export )?(let|var) /.test(line)) found.push(line);
    else if (/^(export )?const \w+(: [^=]+)? = new (Map|WeakMap)\b/.test(line) && !/: ReadonlyMap</.test(line)) found.push(line);
    else if (/^ {2}(public |private |protected )?static (?!readonly)\w+ = /.test(line)) found.push(line);
  }
  return found;
}

describe('no analysis state at module level', () => {
  it('the check finds the kinds of state the front end had', () => {
    expect(moduleState('const lastClean = new Map<string, CleanParse>();\nlet nextDeclId = 0;\nclass E {\n  static memoiseCalls = true;\n}\nconst declIds = new WeakMap<object, number>();')).toHaveLength(4);
    expect(moduleState('const OPEN = new Set<TokenType>([T.LParen]);\nconst B: ReadonlyMap<string, X> = new Map();\n  static readonly N = 1;')).toEqual([]);
  });

  it('no file of the front end keeps any', () => {
    const found = FRONT_END.flatMap((d) => files(join(ROOT, d))).flatMap((f) => moduleState(readFileSync(f, 'utf8')).map((l) => `${relative(ROOT, f)}: ${l}`));
    expect(found).toEqual([]);
  });

  it('an analysis depends only on what it is given: the same text gives the same result whatever ran before', () => {
    const text = generateSpec(60).text;
    const file = '/virtual/state.rec';
    const alone = JSON.stringify(analyze(text, file).diagnostics) + JSON.stringify(analyze(text, file).partialGraph?.nodes);
    // an analysis with a cache, of another text of the same file, leaves nothing the next one without a cache sees
    const parses = new ParseCache();
    analyze(text.replace('width: 16', 'width: 17'), file, { parses });
    analyze(text.replace('let v3 =', 'let v3 = ('), file, { parses });
    const after = JSON.stringify(analyze(text, file).diagnostics) + JSON.stringify(analyze(text, file).partialGraph?.nodes);
    expect(after).toBe(alone);
  });
});

// The formatter: snapshot fixtures (input → output), idempotence, comments kept, and meaning kept
// (the AST of the formatted text equals the AST of the original, positions aside).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRec } from '../../src/format/format.js';
import { parse } from '../../src/syntax/parse.js';

const ROOT = join(import.meta.dirname, '../..');
const CASES = join(ROOT, 'test/fixtures/format');

/** The AST without positions and spellings (`raw`), comments apart. */
function meaning(text: string): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'span' && k !== 'raw' && k !== 'comments').map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(parse(text, 'x.rec').file);
}

const specFiles = [
  ...readdirSync(join(ROOT, 'stdlib')).map((f) => join(ROOT, 'stdlib', f)),
  ...readdirSync(join(ROOT, 'examples')).map((f) => join(ROOT, 'examples', f)),
  ...readdirSync(join(ROOT, 'test/fixtures/specs')).map((f) => join(ROOT, 'test/fixtures/specs', f)),
].filter((f) => f.endsWith('.rec'));

describe('formatter', () => {
  for (const c of readdirSync(CASES).sort()) {
    it(`formats ${c} as its snapshot, and its output again to itself`, async () => {
      const input = readFileSync(join(CASES, c, 'input.rec'), 'utf8');
      const expected = readFileSync(join(CASES, c, 'output.rec'), 'utf8');
      const out = await formatRec(input);
      expect(out).toBe(expected);
      expect(await formatRec(out)).toBe(out);
      expect(meaning(out)).toEqual(meaning(input));
      const comments = (t: string) => parse(t, 'x').file.comments.map((k) => k.text);
      expect(comments(out)).toEqual(comments(input));
    });
  }

  it('every stdlib and example file is already formatted, and formatting keeps its meaning', async () => {
    for (const f of specFiles) {
      const text = readFileSync(f, 'utf8');
      const out = await formatRec(text);
      expect(out, f).toBe(text);
      expect(meaning(out)).toEqual(meaning(text));
    }
  });

  it('refuses to format text with a syntax error, saying where', async () => {
    await expect(formatRec('model m {\n  let x = relu(\n}\n')).rejects.toThrow(/\(3:1\)|\(2:\d+\)/);
  });

  it('works as a Prettier plugin from the command line, and through `recc fmt --check`', () => {
    const file = join(CASES, 'blocks/output.rec');
    const p = spawnSync(process.execPath, [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--plugin', join(ROOT, 'dist/format/plugin.js'), file], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.stdout).toBe(readFileSync(file, 'utf8'));
    const ok = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), 'fmt', '--check', ...specFiles], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), 'fmt', '--check', join(CASES, 'blocks/input.rec')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('blocks/input.rec');
  });
});

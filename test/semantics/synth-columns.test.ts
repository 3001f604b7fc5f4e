// A spec on synthetic data (`data: synth(…)`): the setting's name and version are checked where
// they are written, the columns the model reads are checked against the setting's columns by
// `recc check` (a warning at the line that reads each), and training reports a missing column once,
// as a file's header would, not once per row. The columns expected are written out by hand from
// each generator's rows, and a generated row of every setting and version has exactly them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDataError } from '../../src/data/row.js';
import { generate, settingAt } from '../../src/data/synth/index.js';
import { SYNTH_SETTINGS, synthColumns } from '../../src/data/synth/settings.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const ROOT = join(import.meta.dirname, '../..');
const FILE = join(ROOT, 'examples/poso-movielens.rec');
const BASE = readFileSync(FILE, 'utf8');
const at = (text: string, needle: string) => text.indexOf(needle);
/** The text with a diagnostic's first fix applied. */
const applyFix = (text: string, d: Diagnostic) => {
  const s = d.suggestions[0]!;
  return text.slice(0, s.span.start.offset) + s.text + text.slice(s.span.end.offset);
};

describe('synthetic settings', () => {
  it("every setting's rows have exactly the columns its name and version declare", () => {
    expect(synthColumns('poso').columns).toEqual(['user_id', 'movie_id', 'rated_movies', 'rated_tags', 'avc', 'rating', 'is_new', 'timestamp']);
    for (const [setting, versions] of Object.entries(SYNTH_SETTINGS)) {
      for (const v of Object.keys(versions).map(Number)) {
        const g = settingAt(setting, v);
        if ('error' in g) throw new Error(g.error);
        const data = generate(setting, { rows: 30, seed: 3, version: v });
        if ('error' in data) throw new Error(data.error);
        const seen = new Set(data.rows.flatMap((r) => Object.keys(r)));
        expect([...seen].sort(), `${setting} v${v}`).toEqual([...versions[v]!].sort());
        expect(g.columns, `${setting} v${v}`).toEqual(versions[v]);
      }
    }
  });
});

describe('recc check on synthetic data', () => {
  it('names an unknown setting where it is written, with the nearest as a fix', () => {
    const text = BASE.replace('synth(poso,', 'synth(posoo,');
    const d = analyze(text, FILE).diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => [x.code, x.span.start.offset])).toEqual([['REC5006', at(text, 'posoo')]]);
    expect(d[0]!.message).toContain('unknown synthetic setting `posoo`');
    expect(analyze(applyFix(text, d[0]!), FILE).diagnostics).toEqual([]);
  });

  it('names an unknown version at its option', () => {
    const text = BASE.replace('synth(poso, rows: 200_000)', 'synth(poso, rows: 200_000, version: 7)');
    const d = analyze(text, FILE).diagnostics;
    expect(d.map((x) => [x.code, x.span.start.offset, x.message])).toEqual([['REC5006', at(text, '7)'), 'synthetic setting `poso` has no version 7 (known: 1, 2)']]);
  });

  it("warns at each feature, label and key that reads a column the setting's rows lack", () => {
    const text = BASE.replace('    rating: label\n', '    rating: label\n    genre: id(hash: 100, dim: 4)\n    liked: label\n')
      .replace('task favorite : binary(label: rating == 5)', 'task favorite : binary(label: liked == 1)')
      .replace('group_by: is_new', 'group_by: "is_neww"')
      .replace('let query = concat(user_id, movie_id)', 'let query = concat(user_id, movie_id, genre)');
    const d = analyze(text, FILE).diagnostics;
    expect(d.map((x) => [x.code, x.severity, x.span.start.offset, x.message])).toEqual([
      ['REC6021', 'warning', at(text, 'genre: id'), 'synth(poso) has no column `genre`, which feature `genre` reads: training on it fails'],
      ['REC6021', 'warning', at(text, 'liked == 1'), 'synth(poso) has no column `liked`, which the label of task `favorite` reads: training on it fails'],
      ['REC6021', 'warning', at(text, '"is_neww"'), 'synth(poso) has no column `is_neww`, which the train section (a split, metric or group key) reads: training on it fails'],
    ]);
    // no column near `genre`: the hint lists the setting's columns; `is_neww` is one letter off `is_new`
    expect(d[0]!.hint).toContain('its rows have `user_id`, `movie_id`');
    expect(d[0]!.suggestions ?? []).toEqual([]);
    expect(d[2]!.hint).toMatch(/^did you mean `is_new`\?/);
    // the fix keeps the quotes of a string
    expect(applyFix(text, d[2]!)).toContain('group_by: "is_new"');
  });

  it('stays silent on every example (their columns are their settings)', () => {
    for (const f of ['poso-movielens', 'pepnet-multidomain', 'cmml-user', 'limaml-mlp', 'peterrec-profile', 'peterrec-coldstart']) {
      const file = join(ROOT, `examples/${f}.rec`);
      expect(analyze(readFileSync(file, 'utf8'), file).diagnostics, f).toEqual([]);
    }
  });
});

describe('training on synthetic data', () => {
  it('reports a missing column once, naming the spec line and the columns the setting has', async () => {
    const text = BASE.replace('    rating: label\n', '    rating: label\n    genre: id(hash: 100, dim: 4)\n').replace('let query = concat(user_id, movie_id)', 'let query = concat(user_id, movie_id, genre)');
    const a = analyze(text, FILE);
    const line = text.slice(0, at(text, 'genre: id')).split('\n').length;
    const loaded = await loadData(a.graph!, { rows: 50, skipBadRows: false, seed: 1 });
    expect(loaded.errors.map(formatDataError)).toEqual([
      `synth(poso) (column genre): error[REC6001]: no column \`genre\` for feature \`genre\` (examples/poso-movielens.rec:${line}:5); synth(poso) has user_id, movie_id, rated_movies, rated_tags, avc, rating, is_new, timestamp`,
    ]);
  });
});

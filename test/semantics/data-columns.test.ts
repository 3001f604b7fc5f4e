// The columns a model reads, checked before it trains. On synthetic data (`data: synth(…)`) the
// setting's name and version are checked where they are written and its columns are fixed by
// them; a data file names them (a CSV or TSV header, a JSON Lines file's first object, a Parquet
// footer). `recc check` warns at the spec text that reads
// each missing column; training reports one once, as a file's header would, not once per row. The
// columns expected are written out by hand, and a generated row of every setting and version has
// exactly its setting's.
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { readFileColumns, type ColumnsCache } from '../../src/data/file-columns.js';
import { filePolicy } from '../../src/io/file-policy.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import seedrandom from 'seedrandom';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDataError } from '../../src/data/row.js';
import { readRows } from '../../src/data/read.js';
import { generate, settingAt } from '../../src/data/synth/index.js';
import { SYNTH_SETTINGS, synthColumns } from '../../src/data/synth/settings.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import { planOf, stageGraph } from '../../src/ir/plan.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import { Workspace } from '../../src/server/documents.js';
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
    // a feature or a label: the hint lists the setting's columns (a label is read through its
    // declaration, so replacing its name in the task would name no label); `is_neww` is one
    // letter off `is_new`
    for (const k of [0, 1]) {
      expect(d[k]!.hint).toContain('its columns are `user_id`, `movie_id`');
      expect(d[k]!.suggestions ?? []).toEqual([]);
    }
    expect(d[2]!.hint).toMatch(/^did you mean `is_new`\?/);
    // the fix keeps the quotes of a string
    expect(applyFix(text, d[2]!)).toContain('group_by: "is_new"');
  });

  it('warns of a column two stages\' data lack once for each, at the one feature', () => {
    const text = `model m {
  features {
    a: dense(4)
    clicked: label
  }
  let net = mlp(a, [8])
  task click : binary(label: clicked) { from: net }
  stage warm { data: synth(poso, rows: 10) }
  stage tune { data: synth(pepnet, rows: 10) }
}
`;
    const d = analyze(text, FILE).diagnostics.filter((x) => x.span.start.offset === at(text, 'a: dense'));
    expect(d.map((x) => [x.code, x.message])).toEqual([
      ['REC6021', 'synth(poso) has no column `a`, which feature `a` reads: training on it fails'],
      ['REC6021', 'synth(pepnet) has no column `a`, which feature `a` reads: training on it fails'],
    ]);
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

describe('recc check on a data file', () => {
  const spec = (data: string, extra = '') => `model m {
  features {
    user: id(hash: 10, dim: 4)
    item: id(hash: 10, dim: 4)
    clicked: label
  }
  let h = concat(user, item)
  task t : binary(label: clicked) { from: h }
  train {
    data: "${data}"${extra}
  }
}
`;
  const dir = mkdtempSync(join(tmpdir(), 'recc-data-columns-'));
  const put = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const check = (text: string) => analyze(text, join(dir, 's.rec')).diagnostics.map((d) => [d.code, d.span.start.offset, d.message]);

  it("warns at each column a CSV or TSV header lacks, naming the file as the spec does", () => {
    put('a.csv', 'user,item,click\n1,2,1\n');
    const text = spec('a.csv');
    expect(check(text)).toEqual([['REC6021', at(text, 'clicked)'), 'a.csv has no column `clicked`, which the label of task `t` reads: training on it fails']]);
    // a BOM, blank lines before the header, spaces around names, quotes: as the reader reads them
    put('b.csv', '\uFEFF\n  \n"user" , item ,clicked\n1,2,1\n');
    expect(check(spec('b.csv'))).toEqual([]);
    put('c.tsv', 'user\t"item"\tclicked\n');
    const tsv = spec('c.tsv');
    // TSV has no quoting: the column is named `"item"`
    expect(check(tsv)).toEqual([['REC6021', at(tsv, 'item: id'), 'c.tsv has no column `item`, which feature `item` reads: training on it fails']]);
  });

  it('offers the nearest column for a key written in the train section', () => {
    put('d.csv', 'user,item,clicked,user_group\n');
    const text = spec('d.csv', '\n    group_by: usr_group');
    const d = analyze(text, join(dir, 's.rec')).diagnostics;
    expect(d.map((x) => [x.code, x.span.start.offset])).toEqual([['REC6021', at(text, 'usr_group')]]);
    expect(analyze(applyFix(text, d[0]!), join(dir, 's.rec')).diagnostics).toEqual([]);
  });

  it("reads a JSON Lines file's first object and a Parquet file's footer", () => {
    put('e.jsonl', '\n{"user": 1, "item": 2, "click": 1}\n{"user": 1, "item": 2, "clicked": 1}\n');
    const jsonl = spec('e.jsonl');
    expect(check(jsonl)).toEqual([['REC6021', at(jsonl, 'clicked)'), 'e.jsonl has no column `clicked`, which the label of task `t` reads: training on it fails']]);
    const columnData = [
      { name: 'user', data: [1, 2], type: 'INT32' as const },
      { name: 'clicked', data: [0, 1], type: 'INT32' as const },
    ];
    writeFileSync(join(dir, 'p.parquet'), new Uint8Array(parquetWriteBuffer({ columnData })));
    const parquet = spec('p.parquet');
    expect(check(parquet)).toEqual([['REC6021', at(parquet, 'item: id'), 'p.parquet has no column `item`, which feature `item` reads: training on it fails']]);
    // a Parquet file by its signature, whatever its name
    writeFileSync(join(dir, 'p.data'), new Uint8Array(parquetWriteBuffer({ columnData })));
    expect(check(spec('p.data')).map((d) => d[0])).toEqual(['REC6021']);
  });

  it('warns, at `data:`, of a file that cannot be read, as training would refuse it', async () => {
    const warned = (data: string) => {
      const text = spec(data);
      const d = check(text);
      expect(d.map((x) => [x[0], x[1]]), data).toEqual([['REC6022', at(text, `"${data}"`)]]);
      return d[0]![2];
    };
    expect(warned('missing.csv')).toBe(`cannot read \`${join(dir, 'missing.csv')}\`: no such file: training on it fails`);
    expect(warned('.')).toBe(`\`${dir}\` is a directory: only regular files are read: training on it fails`);
    // a spec one folder down reads no file of this one
    put('up.csv', 'user,item,clicked\n');
    mkdirSync(join(dir, 'down'), { recursive: true });
    const below = analyze(spec('../up.csv'), join(dir, 'down/s.rec')).diagnostics;
    expect(below.map((d) => [d.code, d.message])).toEqual([['REC6022', `\`${join(dir, 'up.csv')}\` is outside the spec's directory ${join(dir, 'down')}: a spec reads files only under its own directory (allow another with --allow-path DIR): training on it fails`]]);
    expect(warned('a\\u{0}b.csv')).toMatch(/a path cannot hold a NUL character: training on it fails$/);
    // training refuses the same file for the same reason
    const g = analyze(spec('missing.csv'), join(dir, 's.rec')).graph!;
    const loaded = await loadData(g, { skipBadRows: false, seed: 1 });
    expect(loaded.errors.map((e) => e.message)).toEqual([`cannot read \`${join(dir, 'missing.csv')}\`: no such file`]);
  });

  it('says nothing of a file whose columns cannot be known before training (training reports those)', () => {
    put('f.parquet', 'PAR1 not really');
    expect(check(spec('f.parquet'))).toEqual([]);
    put('h.json', '[{"user": 1}]\n');
    expect(check(spec('h.json'))).toEqual([]);
    // a header longer than what is read: unknown, not missing
    put('g.csv', `${'x,'.repeat(40_000)}user\n`);
    expect(check(spec('g.csv'))).toEqual([]);
  });

  it('checks each stage against its own data, and training reads each stage from it', async () => {
    put('pre.csv', 'user,item,clicked\n1,2,1\n3,4,0\n');
    put('fine.csv', 'user,item,liked\n5,6,0\n7,8,1\n');
    const text = `model m {
  features {
    user: id(hash: 10, dim: 4)
    item: id(hash: 10, dim: 4)
    clicked: label
    liked: label
  }
  let h = concat(user, item)
  train {
    data: "fine.csv"
  }
  stage pre {
    data: "pre.csv"
    task a : binary(label: clicked) { from: h }
  }
  stage fine {
    task b : binary(label: liked) { from: h }
  }
}
`;
    expect(check(text)).toEqual([]);
    // a stage's data need not hold the labels of the other stage's tasks
    const g = analyze(text, join(dir, 's.rec')).graph!;
    for (const st of planOf(g).stages) {
      const loaded = await loadData(stageGraph(g, st), { skipBadRows: false, seed: 1 });
      expect(loaded.errors, st.name).toEqual([]);
      expect(Object.values(loaded.dataset.labels).map((l) => [...l]), st.name).toEqual([st.name === 'pre' ? [1, 0] : [0, 1]]);
    }
    const swapped = text.replace('data: "pre.csv"', 'data: "fine.csv"');
    expect(check(swapped)).toEqual([['REC6021', at(swapped, 'clicked)'), 'fine.csv has no column `clicked`, which the label of task `a` reads: training on it fails']]);
  });

  it("is checked again in the editor when the data file's header changes", () => {
    put('h.csv', 'user,item,click\n');
    const ws = new Workspace();
    const specUri = pathToFileURL(join(dir, 'h.rec')).href;
    const csvUri = pathToFileURL(join(dir, 'h.csv')).href;
    ws.update(TextDocument.create(specUri, 'rec', 1, spec('h.csv')));
    expect(ws.analysis(specUri)!.diagnostics.map((d) => d.code)).toEqual(['REC6021']);
    // the file opened and fixed in the editor: the spec's analysis is stale, and the new one sees the buffer
    expect(ws.update(TextDocument.create(csvUri, 'csv', 1, 'user,item,click\n'))).toEqual([]);
    expect(ws.update(TextDocument.create(csvUri, 'csv', 2, 'user,item,clicked\n'))).toEqual([specUri]);
    expect(ws.analysis(specUri)!.diagnostics).toEqual([]);
    // closed: read from the disk again
    expect(ws.close(csvUri)).toEqual([specUri]);
    expect(ws.analysis(specUri)!.diagnostics.map((d) => d.code)).toEqual(['REC6021']);
  });
});

describe('the checker and the reader agree', () => {
  it("warns of exactly the columns training finds missing, for each format, over every example's columns", async () => {
    const rng = seedrandom('data-columns-agree');
    const dir = mkdtempSync(join(tmpdir(), 'recc-data-agree-'));
    const cell = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v));
    const quoted = (x: string) => (/[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
    let cases = 0;
    for (const f of ['poso-movielens', 'pepnet-multidomain', 'cmml-user', 'limaml-mlp']) {
      const base = readFileSync(join(ROOT, `examples/${f}.rec`), 'utf8');
      const m = /data: synth\((\w+)[^)]*\)/.exec(base)!;
      const synth = generate(m[1]!, { rows: 20, seed: 1 });
      if ('error' in synth) throw new Error(synth.error);
      for (const ext of ['csv', 'tsv', 'jsonl', 'parquet', 'csv', 'tsv', 'jsonl', 'parquet']) {
        // a random part of the setting's columns, in the setting's order
        const cols = synth.columns.filter(() => rng() > 0.25);
        const file = join(dir, `d${cases}.${ext}`);
        const rows = synth.rows;
        if (ext === 'csv') writeFileSync(file, [cols.join(','), ...rows.map((r) => cols.map((c) => quoted(cell(r[c]))).join(','))].join('\n'));
        else if (ext === 'tsv') writeFileSync(file, [cols.join('\t'), ...rows.map((r) => cols.map((c) => cell(r[c])).join('\t'))].join('\n'));
        else if (ext === 'jsonl') writeFileSync(file, rows.map((r) => JSON.stringify(Object.fromEntries(cols.map((c) => [c, r[c]])))).join('\n'));
        else writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: cols.map((c) => ({ name: c, type: 'STRING' as const, data: rows.map((r) => cell(r[c])) })) })));
        const a = analyze(base.replace(m[0], `data: "${file}"`), join(dir, `s${cases++}.rec`));
        const warned = new Set(a.diagnostics.filter((d) => d.code === 'REC6021').map((d) => /no column `([^`]+)`/.exec(d.message)![1]!));
        const loaded = await loadData(a.graph ?? a.partialGraph!, { skipBadRows: false, seed: 1 });
        const missing = new Set(loaded.errors.map((e) => (e.code === 'REC6001' ? e.column : `${e.code} ${e.message}`)));
        const where = `${f} as ${ext}, columns ${cols.join(' ')}`;
        // JSON Lines: training stops at the first row's first missing key; the checker names them all
        if (ext === 'jsonl') {
          expect(warned.size > 0, where).toBe(missing.size > 0);
          for (const c of missing) expect(warned.has(c!), where).toBe(true);
        } else expect([...warned].sort(), where).toEqual([...missing].sort());
      }
    }
    expect(cases).toBe(32);
  });
});

describe('the header of a UTF-16 file', () => {
  it('is read as the reader reads it, by its byte order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-utf16-'));
    const file = join(dir, 'd.csv');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('user_id,rating\nu1,4\n', 'utf16le')]));
    const r = readFileColumns(filePolicy(), file);
    expect('columns' in r ? r.columns : r.error).toEqual(['user_id', 'rating']);
    expect((await readRows(file, { skipBadRows: false })).columns).toEqual(['user_id', 'rating']);
  });
});

describe('the columns cache the language server keeps', () => {
  it("reads a file's columns again only when its size or time changes", () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-columns-cache-'));
    const file = join(dir, 'd.csv');
    // times in whole seconds, which setting them keeps exactly
    const T = 1_700_000_000;
    writeFileSync(file, 'a,b\n1,2\n');
    utimesSync(file, T, T);
    const cache: ColumnsCache = new Map();
    const columns = () => {
      const r = readFileColumns(filePolicy(), file, undefined, cache);
      return 'columns' in r ? r.columns : r.error;
    };
    expect(columns()).toEqual(['a', 'b']);
    // the same size and time: the columns found before, without reading the file
    writeFileSync(file, 'x,y\n1,2\n');
    utimesSync(file, T, T);
    expect(columns()).toEqual(['a', 'b']);
    // another time: read again
    utimesSync(file, T + 5, T + 5);
    expect(columns()).toEqual(['x', 'y']);
    // another size
    writeFileSync(file, 'x,y,z\n');
    expect(columns()).toEqual(['x', 'y', 'z']);
  });
});

// Bad data never trains silently (issue 17, items 3 and 4): labels a task cannot learn from,
// numbers that are not decimal, a label comparing text with a number, a missing column (one
// error at the header), and row numbers that are the file's lines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { feedModel, onnxFeeds } from '../../src/data/onnx-feeds.js';
import { formatDataError, type Row } from '../../src/data/row.js';
import { analyze } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';

const SPEC = `model m {
  features {
    user: id(hash: 100, dim: 2)
    x: dense(2)
    n: bucketize(boundaries: [10, 20], dim: 2)
    click: label
  }
  task t : binary(label: click) { from: concat(user, x, n) }
  train { split: random(test: 0.25) }
}
`;

function setup(spec = SPEC) {
  const dir = mkdtempSync(join(tmpdir(), 'recc-bad-'));
  const specFile = join(dir, 'm.rec');
  writeFileSync(specFile, spec);
  const a = analyze(spec, specFile);
  if (!a.graph) throw new Error(JSON.stringify(a.diagnostics.map((d) => d.message)));
  const load = async (name: string, text: string, skipBadRows = false) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return { file: f, ...(await loadData(a.graph!, { data: f, skipBadRows, seed: 1 })) };
  };
  return { load, dir };
}

const rows = (n: number, row = (i: number) => `u${i},"1,2",${i},${i % 2}`) => Array.from({ length: n }, (_, i) => row(i)).join('\n');

describe('labels', () => {
  it('a binary label must be 0 or 1 (or true/false): anything else is an error at its line and column, or a counted skip', async () => {
    const { load } = setup();
    for (const bad of ['2', '-1', '0.5', '5', 'yes']) {
      const text = `user,x,n,click\n${rows(30)}\nu99,"1,2",3,${bad}\n${rows(10)}\n`;
      const r = await load('l.csv', text);
      expect(r.errors, bad).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ row: 32, column: 'click', field: 4, code: 'REC6002' });
      expect(formatDataError(r.errors[0]!)).toMatch(new RegExp(`l\\.csv:32:4 \\(column click\\): error\\[REC6002\\]`));
      const s = await load('l.csv', text, true);
      expect(s.errors).toEqual([]);
      expect(s.skipped).toBe(1);
      expect(s.dataset.n).toBe(40);
    }
    const ok = await load('ok.csv', `user,x,n,click\nu1,"1,2",3,true\nu2,"1,2",3,false\nu3,"1,2",3,1\n`);
    expect(ok.errors).toEqual([]);
    expect(Array.from(ok.dataset.labels.t!)).toEqual([1, 0, 1]);
  });

  it('a label comparing a text cell with a number is an error at the first such row', async () => {
    const { load } = setup(SPEC.replace('binary(label: click)', 'binary(label: click == 1)'));
    const r = await load('yes.csv', `user,x,n,click\nu1,"1,2",3,0\nu2,"1,2",3,yes\nu3,"1,2",3,yes\n`);
    expect(r.errors[0]).toMatchObject({ row: 3, column: 'click', code: 'REC6002' });
    expect(r.errors[0]!.message).toContain('holds `yes`, compared with the number 1');
    // text compared with text stays a comparison
    const { load: load2 } = setup(SPEC.replace('binary(label: click)', 'binary(label: click == "yes")'));
    const t = await load2('yes.csv', `user,x,n,click\nu1,"1,2",3,no\nu2,"1,2",3,yes\n`);
    expect(t.errors).toEqual([]);
    expect(Array.from(t.dataset.labels.t!)).toEqual([0, 1]);
  });

  // found by a probe: such rows were one error naming a column `t` (the task), "(and 2 more rows lack it)"
  it("a label expression's value its task refuses: an error at each row, naming the task and no column", async () => {
    const { load } = setup(SPEC.replace('click: label', 'click: label\n    seen: label').replace('binary(label: click)', 'binary(label: click - seen)'));
    const r = await load('expr.csv', `user,x,n,click,seen\nu1,"1,2",1,1,1\nu2,"1,2",1,1,3\nu3,"1,2",1,0,0\nu4,"1,2",1,0,5\n`);
    const message = (y: number) => `task \`t\`: a binary label must be 0 or 1 (or true/false), found ${y}`;
    expect(r.errors).toEqual([
      { file: r.file, row: 3, code: 'REC6002', message: message(-2) },
      { file: r.file, row: 5, code: 'REC6002', message: message(-5) },
    ]);
    expect(formatDataError(r.errors[0]!)).toBe(`${r.file}:3: error[REC6002]: ${message(-2)}`);
  });

  it('a multiclass label must be a class index', async () => {
    const { load } = setup(SPEC.replace('task t : binary(label: click)', 'task t : multiclass(label: click, classes: 3)'));
    const r = await load('m.csv', `user,x,n,click\nu1,"1,2",3,0\nu2,"1,2",3,2\nu3,"1,2",3,3\nu4,"1,2",3,1.5\n`);
    expect(r.errors.map((e) => e.row)).toEqual([4, 5]);
  });
});

describe('numbers are decimal', () => {
  it('refuses hex, binary, octal and Infinity in numeric cells and labels', async () => {
    const { load } = setup();
    for (const [col, text] of [
      ['n', `u1,"1,2",0x1E,0`],
      ['n', `u1,"1,2",Infinity,0`],
      ['x', `u1,"0b11,2",3,0`],
      ['x', `u1,"1,0o7",3,0`],
      ['click', `u1,"1,2",3,0x1`],
    ] as const) {
      const r = await load('h.csv', `user,x,n,click\nu0,"1,2",3,1\n${text}\n`);
      expect(r.errors, text).toMatchObject([{ row: 3, column: col, code: 'REC6002' }]);
    }
    const ok = await load('d.csv', `user,x,n,click\nu1," 1e1, -.5",+15.,1\n`);
    expect(ok.errors).toEqual([]);
    expect(Array.from(ok.dataset.inputs.x!)).toEqual([10, -0.5]);
    expect(Array.from(ok.dataset.inputs.n!)).toEqual([2]);
  });
});

describe('missing columns and line numbers', () => {
  it('a missing column is one error at the header: the spec line, the file\'s columns, a did-you-mean', async () => {
    const { load } = setup();
    const r = await load('c.csv', `user,x,n,clicks\n${rows(200)}\n`);
    expect(r.errors).toHaveLength(1);
    const e = r.errors[0]!;
    expect(e).toMatchObject({ row: 1, column: 'click', code: 'REC6001' });
    expect(e.message).toContain('m.rec:8:26)'); // the task whose label reads it
    expect(e.message).toContain('the header has user, x, n, clicks');
    expect(e.message).toContain('did you mean `clicks`?');
    // a feature's column: its declaration's line
    const f = await load('f.csv', `usr,x,n,click\n${rows(200)}\n`);
    expect(f.errors).toHaveLength(1);
    expect(f.errors[0]!.message).toMatch(/no column `user` for feature `user` \(.*m\.rec:3:\d+\)/);
    expect(f.errors[0]!.message).toContain('did you mean `usr`?');
  });

  it('reports a bad row at its line in the file (the header is line 1), quoted line breaks and blank lines counted', async () => {
    const { load } = setup();
    const r = await load('r.csv', `user,x,n,click\n${rows(200)}\nu200,"1,2",3,1,extra\n${rows(5)}\n`);
    expect(r.errors).toMatchObject([{ row: 202, code: 'REC6003' }]);
    const q = await load('q.csv', `user,x,n,click\nu0,"1,\n2",3,1\n\n${rows(3)}\nu9,"1,2",zz,1\n`);
    // u0 spans lines 2-3, line 4 is blank, rows on 5-7, the bad one on 8
    expect(q.errors).toMatchObject([{ row: 8, column: 'n', field: 3 }]);
  });

  it('reports a stray quote at its line, even past the first chunk of the file', async () => {
    const { load } = setup();
    const text = `user,x,n,click\n${rows(49)}\nu50,"1,2"x,3,1\n${rows(5)}\n`;
    const r = await load('s.csv', text);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 51, code: 'REC6002' });
    const big = `user,x,n,click\n${rows(30_000)}\nu50,"1,2"x,3,1\n`;
    const b = await load('big.csv', big);
    expect(b.errors).toMatchObject([{ row: 30_002, code: 'REC6002' }]);
  });

  // found by a probe: csv-parse counts a CRLF inside a quoted cell twice, and its message named that line
  it('a malformed record in a CRLF file with line breaks in quoted cells: its own line, field and column, in recc words', async () => {
    const { load } = setup();
    // line 2 holds a cell over two lines (2-3), lines 4-6 are rows, the bad record is line 7
    const head = `user,x,n,click\r\nu0,"1,\r\n2",3,1\r\n${rows(3).replace(/\n/g, '\r\n')}\r\n`;
    for (const [bad, message] of [
      ['u9,1,m1"m2,1', 'a quote inside a field that is not quoted: quote the whole field and double the quotes inside it ("a""b")'],
      ['u9,1,"m1"x,1', 'a quoted field goes on after its closing quote: double the quotes inside a quoted field ("a""b")'],
    ]) {
      for (const eol of ['\r\n', '\n']) {
        const r = await load('crlf.csv', (eol === '\n' ? head.replace(/\r\n/g, '\n') : head) + `${bad}${eol}${rows(2)}${eol}`);
        expect(r.errors).toEqual([{ file: expect.stringMatching(/crlf\.csv$/), row: 7, field: 3, column: 'n', code: 'REC6002', message }]);
      }
    }
  });

  it('JSON Lines: the line of the object, and a column the objects lack once, then counted', async () => {
    const { load } = setup();
    const obj = (i: number) => JSON.stringify({ user: `u${i}`, x: [1, 2], n: i, clicks: i % 2 });
    const r = await load('j.jsonl', `${obj(0)}\n\n${obj(1)}\n${obj(2)}\n`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 1, column: 'click', code: 'REC6001' });
    expect(r.errors[0]!.message).toContain('did you mean `clicks`?');
    expect(r.errors[0]!.message).toContain('(and 2 more rows lack it)');
    const ok = (i: number) => JSON.stringify({ user: `u${i}`, x: [1, 2], n: i, click: i % 2 });
    const l = await load('k.jsonl', `${ok(0)}\n\n${ok(1)}\n{"user": "u", "x": [1], "n": 1, "click": 0}\n`);
    expect(l.errors).toMatchObject([{ row: 4, column: 'x', code: 'REC6002' }]);
  });
});

describe('numbers a float32 cannot hold', () => {
  // Inputs and labels are float32 tensors: NaN, ±Infinity and 1e39 (finite as a float64) would
  // train as NaN losses, score as NaN and compare silently (`y >= 4` is 1 for Infinity, 0 for NaN).
  const SPEC_Y = `model m {
  features {
    user: id(hash: 100, dim: 2)
    x: dense(2)
    n: bucketize(boundaries: [10, 20], dim: 2)
    y: label
  }
  task t : binary(label: y >= 4) { from: concat(user, x, n) }
  task r : regression(label: y) { from: concat(user, x, n) }
  train { split: random(test: 0.25) }
}
`;
  const graph = () => analyze(SPEC_Y, 'm.rec').graph!;
  const parquetFile = (dir: string, name: string, bad: { column: 'n' | 'y'; value: number; type: 'FLOAT' | 'DOUBLE' }) => {
    const n = [1, 2, 3, 4];
    const y = [5, 1, 4, 2];
    const at = 2; // the third row
    const type = (c: 'n' | 'y') => (bad.column === c ? bad.type : 'DOUBLE');
    const column = (c: 'n' | 'y', xs: number[]) => ({ name: c, data: xs.map((v, i) => (bad.column === c && i === at ? bad.value : v)) });
    const schema = [
      { name: 'root', num_children: 4 },
      { name: 'user', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'x', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      ...(['n', 'y'] as const).map((c) => ({ name: c, type: type(c), repetition_type: 'REQUIRED' })),
    ] as SchemaElement[];
    const f = join(dir, name);
    writeFileSync(f, new Uint8Array(parquetWriteBuffer({ schema, columnData: [{ name: 'user', data: ['a', 'b', 'c', 'd'] }, { name: 'x', data: n.map(() => [1, 2]) }, column('n', n), column('y', y)] })));
    return f;
  };

  it('NaN, ±Infinity, 1e39 and 1e400 are REC6002 at the cell in CSV, JSON Lines and Parquet, shown as they are', async () => {
    const { load, dir } = setup(SPEC_Y);
    const g = graph();
    const csv = (row: string) => `user,x,n,y\nu0,"1,2",3,5\n${row}\nu2,"1,2",3,1\n`;
    const jsonl = (row: string) => `{"user":"u0","x":[1,2],"n":3,"y":5}\n${row}\n{"user":"u2","x":[1,2],"n":3,"y":1}\n`;
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['y.csv', csv('u1,"1,2",3,1e39'), { row: 3, column: 'y', field: 4 }, "label column `y` holds `1e39`, beyond float32's range (±3.4e38)"],
      ['y.csv', csv('u1,"1,2",3,1e400'), { row: 3, column: 'y', field: 4 }, "label column `y` holds `1e400`, beyond float32's range (±3.4e38)"],
      ['n.csv', csv('u1,"1,2",1e39,1'), { row: 3, column: 'n', field: 3 }, "`n` must be a number, found `1e39`, beyond float32's range (±3.4e38)"],
      ['x.csv', csv('u1,"1e39,2",3,1'), { row: 3, column: 'x', field: 2 }, "`x` item 1 must be a number, found `1e39`, beyond float32's range (±3.4e38)"],
      ['y.jsonl', jsonl('{"user":"u1","x":[1,2],"n":3,"y":1e400}'), { row: 2, column: 'y' }, "label column `y` holds `1e400`, beyond float32's range (±3.4e38)"],
      ['y.jsonl', jsonl('{"user":"u1","x":[1,2],"n":3,"y":-1e39}'), { row: 2, column: 'y' }, "label column `y` holds `-1e39`, beyond float32's range (±3.4e38)"],
      ['n.jsonl', jsonl('{"user":"u1","x":[1,2],"n":1e400,"y":1}'), { row: 2, column: 'n' }, "`n` must be a number, found `1e400`, beyond float32's range (±3.4e38)"],
      ['x.jsonl', jsonl('{"user":"u1","x":[1e400,2],"n":3,"y":1}'), { row: 2, column: 'x' }, "`x` item 1 must be a number, found `1e400`, beyond float32's range (±3.4e38)"],
      ['x.jsonl', jsonl('{"user":"u1","x":[1,null],"n":3,"y":1}'), { row: 2, column: 'x' }, '`x` item 2 must be a number, found `null`'],
    ];
    for (const [name, text, at, message] of cases) {
      const r = await load(name, text);
      expect(r.errors, `${name}: ${text}`).toEqual([{ file: join(dir, name), ...at, code: 'REC6002', message: expect.stringContaining(message) }]);
    }
    const parquetCases: Array<[{ column: 'n' | 'y'; value: number; type: 'FLOAT' | 'DOUBLE' }, string]> = [
      [{ column: 'y', value: NaN, type: 'FLOAT' }, 'label column `y` holds `NaN`, not a number'],
      [{ column: 'y', value: Infinity, type: 'DOUBLE' }, "label column `y` holds `Infinity`, beyond float32's range"],
      [{ column: 'y', value: 1e39, type: 'DOUBLE' }, "label column `y` holds `1e+39`, beyond float32's range"],
      [{ column: 'n', value: NaN, type: 'DOUBLE' }, '`n` must be a number, found `NaN`'],
      [{ column: 'n', value: -Infinity, type: 'FLOAT' }, "`n` must be a number, found `-Infinity`, beyond float32's range"],
    ];
    for (const [bad, message] of parquetCases) {
      const f = parquetFile(dir, 'bad.parquet', bad);
      const r = await loadData(g, { data: f, skipBadRows: false, seed: 1 });
      // Parquet rows by number (from 1), columns by position
      expect(r.errors, message).toEqual([{ file: f, row: 3, column: bad.column, field: bad.column === 'n' ? 3 : 4, code: 'REC6002', message: expect.stringContaining(message) }]);
      expect(formatDataError(r.errors[0]!)).toMatch(new RegExp(`bad\\.parquet:3:${bad.column === 'n' ? 3 : 4} \\(column ${bad.column}\\): error\\[REC6002\\]`));
      const s = await loadData(g, { data: f, skipBadRows: true, seed: 1 });
      expect([s.errors, s.skipped, s.dataset.n]).toEqual([[], 1, 3]);
    }
    // the largest float32 and the smallest numbers are fine
    const ok = await load('ok.csv', csv('u1,"3.4e38,1e-50",-3.4e38,3.4e38'));
    expect(ok.errors).toEqual([]);
  });

  it('predict refuses them as training does (its feeds are float32 too)', () => {
    const g = graph();
    const feeds = (x: string, n: unknown) => () => onnxFeeds(feedModel(g), [{ user: 'u', x, n } as Row]);
    expect(feeds('1e39,2', 3)).toThrow("row 1: `x` item 1 must be a number, found `1e39`, beyond float32's range (±3.4e38)");
    expect(feeds('1,2', 1e39)).toThrow("row 1: `n` must be a number, found `1e+39`, beyond float32's range (±3.4e38)");
    expect(feeds('1,2', NaN)).toThrow('row 1: `n` must be a number, found `NaN`');
    expect(feeds('1,2', 3)).not.toThrow();
  });
});

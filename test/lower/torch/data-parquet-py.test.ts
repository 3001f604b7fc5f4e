// Parquet in data.py of `recc export torch`. pyarrow (its reader) is not installable here, so:
// - data.parquet_cell, which turns pyarrow's to_pylist() values into cells, is given the values
//   pyarrow documents for each column of test/fixtures/parquet/types.parquet (written here from
//   make-fixtures.mjs's source values: int, float, str, bool, None, lists, naive datetimes for
//   timestamp[ms]) and must give the cells recc's own reader reads from that file (readRows), and
//   structs must become the JSON text JavaScript's JSON.stringify gives;
// - without pyarrow, a Parquet file (found by its `PAR1` signature, whatever its name) is a DataError
//   naming the fix, and train.py ends with that one line, no traceback.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows } from '../../../src/data/read.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { haveTorch } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const FIX = join(ROOT, 'test/fixtures/parquet');
const work = mkdtempSync(join(tmpdir(), 'recc-data-parquet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const havePyarrow = () => spawnSync('/usr/bin/python3', ['-c', 'import pyarrow'], { encoding: 'utf8' }).status === 0;

function python(code: string): { status: number | null; stdout: string; stderr: string } {
  const path = [join(ROOT, 'runtime/torch'), join(ROOT, 'clients/python')].map((p) => JSON.stringify(p)).join(', ');
  return spawnSync('/usr/bin/python3', ['-c', `import sys; sys.path[:0] = [${path}]\n${code}`], { encoding: 'utf8' });
}

// types.parquet's columns as pyarrow.Table.to_pylist() gives them (float32 widened to Python float)
const PYARROW_VALUES = `
import datetime, struct
f32 = lambda x: None if x is None else struct.unpack("<f", struct.pack("<f", x))[0]
ms = lambda x: None if x is None else datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=x)
cols = {
  "i32": [1, -2, None, 4, 5, 6, 7, 8, 9, 10],
  "i64": [1, -2, 3, 2**53 + 1, None, 6, 7, 8, 9, 10],
  "f32": [f32(x) for x in [0.1, 2.5, -3.25, None, 1e-3, 6, 7, 8, 9, 10]],
  "f64": [0.1, 2.5, -3.25, 1e300, None, 6.0, 7.0, 8.0, 9.0, 10.0],
  "s": ["a", "", None, 'héllo, "wörld"', "e", "f", "g", "h", "i", "j"],
  "b": [True, False, None, True, False, True, False, True, False, True],
  "tags": [["x", "y"], [], None, ["z"], ["a", "b", "c"], ["d"], ["e"], ["f"], ["g"], ["h"]],
  "nums": [[1, 2], [3], [], None, [5], [6], [7], [8], [9], [10]],
  "d": ["A", "B", "A", None, "C", "A", "B", "A", "C", "A"],
  "ts": [ms(x) for x in [0, 86_400_000, None, 1_700_000_000_000, 5, 6, 7, 8, 9, 10]],
}
rows = [{c: data.parquet_cell(v[i]) for c, v in cols.items()} for i in range(10)]
`;

describe.runIf(haveTorch())('data.py reads Parquet as recc does', () => {
  it('pyarrow’s values of every column type become the cells recc’s reader gives', async () => {
    const recc = await readRows(join(FIX, 'types.parquet'), { skipBadRows: false });
    expect(recc.errors).toEqual([]);
    const r = python(`import data, json\n${PYARROW_VALUES}\nprint(json.dumps(rows, ensure_ascii=False))`);
    expect(r.stderr).toBe('');
    const torch = JSON.parse(r.stdout) as unknown[];
    expect(torch).toEqual(recc.rows.map((x) => ({ ...x.row })));
    // the cases that need care: INT64 past 2^53 as text, float32 widened, timestamps as ISO text
    expect(torch[3]).toMatchObject({ i64: '9007199254740993', ts: '2023-11-14T22:13:20.000Z' });
  });

  it('structs, lists of mixed values, decimals and timestamps before 1970 as recc writes them', () => {
    const r = python(`import data, json, decimal, datetime
vals = [
  {"a": 1.0, "b": "é\\"", "c": [True, None], "d": 2**60, "e": 1e21, "f": float("nan")},
  [True, False],
  [1, None],
  decimal.Decimal("2.50"),
  datetime.datetime(1969, 12, 31, 23, 59, 59, 999500),
  datetime.date(2024, 2, 29),
  datetime.datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
]
print(json.dumps([data.parquet_cell(v) for v in vals], ensure_ascii=False))`);
    expect(r.stderr).toBe('');
    // JavaScript's own JSON.stringify and Date of the same values (read-parquet.ts's toCell)
    const stringify = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : String(x)) : x));
    expect(JSON.parse(r.stdout)).toEqual([
      stringify({ a: 1.0, b: 'é"', c: [true, null], d: 2n ** 60n, e: 1e21, f: NaN }),
      stringify([true, false]),
      stringify([1, null]),
      2.5,
      // −500 µs: recc's timestampFromMicroseconds divides as BigInt, toward zero
      new Date(Number(-500n / 1000n)).toISOString(),
      '2024-02-29',
      new Date(Date.UTC(2024, 0, 2, 1, 4, 5, 6)).toISOString(),
    ]);
  });

  it.skipIf(havePyarrow())('without pyarrow: a DataError naming the fix, and train.py says it in one line', () => {
    const graph = analyzeFile(join(ROOT, 'test/fixtures/train/clicks.rec')).graph!;
    const dir = join(work, 'pkg');
    writeDirectoryAtomic(dir, torchPackage(graph, { specFile: 'clicks.rec', reccVersion: 'test' }));
    // Parquet by its signature, whatever the name
    const named = join(work, 'clicks.csv');
    copyFileSync(join(FIX, 'clicks-snappy.parquet'), named);
    const r = python(`import data
try:
    data.encode(${JSON.stringify(named)}, data.load_spec(${JSON.stringify(join(dir, 'spec.json'))}))
except data.DataError as e:
    print(e)`);
    expect(r.stdout.trim()).toBe(`${named}:0: \`(file)\`: reading Parquet needs pyarrow, which is not importable here: pip install pyarrow, or convert the file to CSV [REC6004]`);

    const t = spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--data', named, '--out', join(work, 'out.safetensors')], { encoding: 'utf8' });
    expect(t.status).toBe(1);
    expect(t.stderr.trim()).toBe(`error: ${r.stdout.trim()}`);
    expect(t.stderr).not.toContain('Traceback');
  });
});

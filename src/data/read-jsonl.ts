// JSON Lines, streamed with node:readline: one JSON object per line, blank lines ignored. Cells
// keep their JSON types (numbers, booleans, null, arrays of items for sequences). A line that is
// not a JSON object is REC6002. A `.json` file holding one array of objects is read whole.
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { badRow, type ReadOptions, type ReadReport } from './read-csv.js';
import { checkRow, type NumberedRow, type RawCell, type Row } from './row.js';

/** A JSON value as a cell: nested objects (and arrays of them) become their JSON text. */
function toCell(v: unknown): RawCell {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v as Array<string | number>;
  return JSON.stringify(v);
}

function toRow(v: unknown): Row | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const row: Row = {};
  for (const [k, x] of Object.entries(v)) row[k] = toCell(x);
  return row;
}

/** One parsed value as a row; 'bad' when reported or skipped, 'stop' after too many errors. */
function accept(v: unknown, file: string, line: number, opts: ReadOptions, report: ReadReport, cols: Set<string>): Row | 'bad' | 'stop' {
  const row = toRow(v);
  const bad: { code: 'REC6001' | 'REC6002'; column?: string; message: string } | undefined = row
    ? checkRow(row, opts)
    : { code: 'REC6002', message: 'the line is not a JSON object' };
  if (bad) return badRow(report, opts, { file, row: line, ...bad }) ? 'bad' : 'stop';
  for (const k of Object.keys(row!)) if (!cols.has(k)) {
    cols.add(k);
    report.columns.push(k);
  }
  return row!;
}

/** Stream the rows of a JSON Lines file (or a `.json` array); problems go to `report`. */
export async function* streamJsonl(file: string, opts: ReadOptions, report: ReadReport): AsyncGenerator<NumberedRow> {
  let handle;
  try {
    handle = await open(file);
  } catch (e) {
    report.errors.push({ file, row: 0, code: 'REC2009', message: `cannot read the file: ${(e as Error).message}` });
    return;
  }
  const cols = new Set<string>();
  let line = 0;
  let good = 0;
  try {
    if (file.toLowerCase().endsWith('.json')) {
      const text = await readFile(handle, 'utf8');
      if (text.trimStart().startsWith('[')) {
        let all: unknown;
        try {
          all = JSON.parse(text);
        } catch (e) {
          report.errors.push({ file, row: 0, code: 'REC6002', message: `the file is not valid JSON: ${(e as Error).message}` });
          return;
        }
        const items = all as unknown[];
        if (items.length === 0) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file holds an empty array' });
        for (const v of items) {
          line++;
          const r = accept(v, file, line, opts, report, cols);
          if (r === 'stop') return;
          if (r === 'bad') continue;
          yield { row: r, line };
          if (opts.limit !== undefined && ++good >= opts.limit) return;
        }
        return;
      }
      // not an array: JSON Lines in a .json file, read again line by line below
      await handle.close();
      handle = await open(file);
    }
    const lines = createInterface({ input: handle.createReadStream({ encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const raw of lines) {
      const text = line === 0 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      line++;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        v = undefined;
      }
      const r = accept(v, file, line, opts, report, cols);
      if (r === 'stop') break;
      if (r === 'bad') continue;
      yield { row: r, line };
      if (opts.limit !== undefined && ++good >= opts.limit) break;
    }
    lines.close();
    if (line === 0) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file is empty' });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

// JSON Lines, streamed with node:readline: one JSON object per line, blank lines ignored but
// counted (a record's line is the file's). Cells keep their JSON types (numbers, booleans, null,
// arrays of items for sequences), but for numbers JSON.parse cannot keep (integers past 2^53,
// numbers past float64's range), which are their literal text (json-number-text.ts says why). A
// line that is not a JSON object is REC6002. A `.json` file holding one array of objects is read
// whole; its records are numbered by position.
//
// Objects name their own columns, so there is no header: the consumer sees the first object's
// keys, and a later object may lack a column (its cell is undefined). Keys are read as own
// properties only: `__proto__`, `constructor` and the like are columns like any other.
import { createInterface } from 'node:readline';
import { hasLossyNumber, parseKeepingNumbers } from './json-number-text.js';
import { badRow, readFailure, type DataRecord, type ReaderInput } from './record.js';
import type { RawCell, Row } from './row.js';

/** A JSON value as a cell: nested objects (and arrays of them) become their JSON text. */
function toCell(v: unknown): RawCell {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  // a list's null items stay items (a sequence drops them like empty items): as JSON text the
  // whole list would be one sequence item
  if (Array.isArray(v) && v.every((x) => x === null || typeof x === 'string' || typeof x === 'number')) return v as Array<string | number | null>;
  return JSON.stringify(v);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A whole object as a row without a prototype (a key `__proto__` is a column, not a prototype). */
function toRow(v: Record<string, unknown>): Row {
  const row: Row = Object.create(null);
  for (const k of Object.keys(v)) row[k] = toCell(v[k]);
  return row;
}

async function readAll(input: ReaderInput): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input.stream() as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** The records of a JSON Lines file (or a `.json` array); problems go to `input.report`. */
export async function* jsonlRecords(input: ReaderInput): AsyncGenerator<DataRecord> {
  const { file, report, skipBadRows } = input;
  let wanted: readonly string[] | undefined;
  const cells: RawCell[] = [];
  const seen = new Set<string>();
  let objects = 0;
  // One parsed value at `line`: a record, or 'bad' (reported or skipped), or 'stop'. `again`
  // parses its text again keeping the numbers JSON.parse could not (json-number-text.ts), only
  // for a value holding one.
  const take = (parsed: unknown, line: number, again: () => unknown): DataRecord | 'bad' | 'stop' => {
    let v = parsed;
    if (!isObject(v)) return badRow(report, skipBadRows, { file, row: line, code: 'REC6002', message: 'the line is not a JSON object' }) ? 'bad' : 'stop';
    if (hasLossyNumber(v)) {
      try {
        v = again();
      } catch (e) {
        return badRow(report, skipBadRows, { file, row: line, code: 'REC6002', message: `the line is not a JSON object recc can read: ${(e as Error).message}` }) ? 'bad' : 'stop';
      }
      if (!isObject(v)) return 'stop'; // the same text as JSON.parse read: an object
    }
    objects++;
    if (!wanted) {
      wanted = input.header({ columns: Object.keys(v), line, fixed: false });
      if (!wanted) return 'stop';
      if (!input.wholeRows) report.columns = Object.keys(v);
    }
    for (let k = 0; k < wanted.length; k++) cells[k] = Object.hasOwn(v, wanted[k]!) ? toCell(v[wanted[k]!]) : undefined;
    if (!input.wholeRows) return { line, cells };
    for (const k of Object.keys(v)) if (!seen.has(k)) {
      seen.add(k);
      report.columns.push(k);
    }
    return { line, cells, row: toRow(v) };
  };

  try {
    if (file.toLowerCase().endsWith('.json')) {
      // a byte-order mark, which CSV, TSV and JSON Lines readers skip too (JSON.parse would not)
      const text = (await readAll(input)).replace(/^\uFEFF/, '');
      if (text.trimStart().startsWith('[')) {
        let all: unknown;
        try {
          all = JSON.parse(text);
        } catch (e) {
          report.errors.push({ file, row: 0, code: 'REC6002', message: `the file is not valid JSON: ${(e as Error).message}` });
          return;
        }
        const items = Array.isArray(all) ? all : [];
        if (items.length === 0) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file holds an empty array' });
        let again: unknown[] | undefined;
        for (let i = 0; i < items.length; i++) {
          const r = take(items[i], i + 1, () => (again ??= parseKeepingNumbers(text) as unknown[])[i]);
          if (r === 'stop') return;
          if (r !== 'bad') yield r;
        }
        return;
      }
      // not an array: JSON Lines in a .json file
      yield* linesOf(text.split('\n'));
    } else {
      const stream = input.stream();
      try {
        yield* linesOf(createInterface({ input: stream, crlfDelay: Infinity }));
      } finally {
        stream.destroy();
      }
    }
  } catch (e) {
    report.errors.push(readFailure(file, e));
    return;
  }
  if (objects === 0 && report.errors.length === 0 && report.skipped === 0) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file is empty' });

  async function* linesOf(lines: Iterable<string> | AsyncIterable<string>): AsyncGenerator<DataRecord> {
    let line = 0;
    for await (const raw of lines) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        v = undefined;
      }
      const r = take(v, line, () => parseKeepingNumbers(text));
      if (r === 'stop') return;
      if (r !== 'bad') yield r;
    }
  }
}

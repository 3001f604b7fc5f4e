// Whole rows of a data file, for callers that want every column by name (the MovieLens loader,
// tests): records from source.ts made into rows without a prototype. Training does not come
// here; it encodes records as they are read (src/data/encoder.ts).
import { filePolicy, isRefusal, openChecked } from '../io/file-policy.js';
import { badRow, newReport, type ReadReport } from './record.js';
import { checkRow, type DataError, type NumberedRow, type Row, type RowChecks } from './row.js';
import { readRecords } from './source.js';

export type { ReadReport } from './record.js';
export { formatOf, type Format } from './file-format.js';

export interface ReadOptions extends RowChecks {
  /** Count and skip bad rows instead of reporting them. */
  skipBadRows: boolean;
  /** Stop after this many good rows. */
  limit?: number;
}

export interface ReadResult {
  rows: NumberedRow[];
  columns: string[];
  errors: DataError[];
  skipped: number;
}

/** Stream a data file's rows (a regular file, src/io/file-policy.ts); errors and the skipped count accumulate in `report`. */
export async function* streamRows(file: string, opts: ReadOptions, report: ReadReport): AsyncGenerator<NumberedRow> {
  const opened = openChecked(filePolicy(), file, 'data');
  if (isRefusal(opened)) {
    report.errors.push({ file, row: 0, code: opened.code, message: opened.error });
    return;
  }
  let columns: string[] = [];
  const header = (h: { columns: string[]; line: number; fixed: boolean }) => {
    columns = h.columns;
    const absent = h.fixed ? [...new Set([...(opts.required ?? []), ...(opts.numeric ?? [])])].filter((c) => !h.columns.includes(c)) : [];
    if (absent.length === 0) return h.columns;
    report.errors.push({ file, row: h.line, column: absent[0], code: 'REC6001', message: `missing column${absent.length > 1 ? 's' : ''} ${absent.map((c) => `\`${c}\``).join(', ')} (the header has ${h.columns.join(', ')})` });
    return undefined;
  };
  let good = 0;
  // the stream closes the descriptor when it ends or the loop stops
  for await (const rec of readRecords(file, opened.fd, { skipBadRows: opts.skipBadRows, report, header, wholeRows: true })) {
    let row = rec.row;
    if (!row) {
      row = Object.create(null) as Row;
      for (let i = 0; i < columns.length; i++) row[columns[i]!] = rec.cells[i];
    }
    const bad = checkRow(row, opts);
    if (bad) {
      if (!badRow(report, opts.skipBadRows, { file, row: rec.line, ...bad })) return;
      continue;
    }
    yield { row, line: rec.line };
    if (opts.limit !== undefined && ++good >= opts.limit) return;
  }
}

/** Read a whole data file into memory (rows with their line numbers). */
export async function readRows(file: string, opts: ReadOptions): Promise<ReadResult> {
  const report = newReport();
  const rows: NumberedRow[] = [];
  for await (const r of streamRows(file, opts, report)) rows.push(r);
  return { rows, columns: report.columns, errors: report.errors, skipped: report.skipped };
}

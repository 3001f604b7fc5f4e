// Reading a data file, by its extension: .csv, .tsv (csv-parse), .jsonl/.ndjson/.json
// (node:readline). Streams row by row; `readRows` collects them for the in-memory dataset.
import { newReport, streamCsv, type ReadOptions, type ReadReport } from './read-csv.js';
import { streamJsonl } from './read-jsonl.js';
import type { DataError, NumberedRow } from './row.js';

export type { ReadOptions, ReadReport } from './read-csv.js';

export interface ReadResult {
  rows: NumberedRow[];
  columns: string[];
  errors: DataError[];
  skipped: number;
}

export type Format = 'csv' | 'tsv' | 'jsonl';

/** The format a file's extension names; CSV when it names none we know. */
export function formatOf(file: string): Format {
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  return 'csv';
}

/** Stream a data file's rows; errors and the skipped count accumulate in `report`. */
export function streamRows(file: string, opts: ReadOptions, report: ReadReport): AsyncGenerator<NumberedRow> {
  const format = formatOf(file);
  return format === 'jsonl' ? streamJsonl(file, opts, report) : streamCsv(file, format === 'tsv' ? '\t' : ',', opts, report);
}

/** Read a whole data file into memory (rows with their row numbers). */
export async function readRows(file: string, opts: ReadOptions): Promise<ReadResult> {
  const report = newReport();
  const rows: NumberedRow[] = [];
  for await (const r of streamRows(file, opts, report)) rows.push(r);
  return { rows, columns: report.columns, errors: report.errors, skipped: report.skipped };
}

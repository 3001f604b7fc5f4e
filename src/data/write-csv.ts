// Rows to a CSV file (RFC 4180), atomically: the text goes to a temporary file beside the target,
// which is then renamed over it, so a reader never sees half a file. A field holding a comma, a
// quote, CR or LF is quoted, with quotes doubled; arrays are written "|"-joined (the default
// `seq` separator); null and missing cells are empty fields.
import { writeFileAtomic } from '../io/atomic-write.js';
import type { RawCell, Row } from './row.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted when it holds a comma, a quote, CR or LF. */
export function csvField(v: RawCell): string {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV text of rows under a header of `columns` (in that order), one "\n" per record. */
export function toCsv(data: { columns: readonly string[]; rows: readonly Row[] }): string {
  const lines: string[] = [data.columns.map(csvField).join(',')];
  for (const r of data.rows) lines.push(data.columns.map((c) => csvField(r[c])).join(','));
  return lines.join('\n') + '\n';
}

/** Write rows as CSV to `path` atomically (temp file, then rename). */
export function writeCsv(path: string, data: { columns: readonly string[]; rows: readonly Row[] }): void {
  writeFileAtomic(path, toCsv(data));
}

// The columns a data file names, read before training (by the checker, under the file policy)
// without reading the file: a CSV or TSV file's header, parsed as read-csv.ts parses it (blank
// lines before it skipped, a BOM dropped, names trimmed, TSV without quoting); a JSON Lines
// file's first object's keys (a row without one of the model's columns stops training, so the
// first row stands for the file); a Parquet file's top-level fields, from its footer. A `.json`
// array, a header longer than what is read or a file that does not parse: unknown.
import { closeSync, readSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { isRefusal, openChecked, type FilePolicy, type Refusal } from '../io/file-policy.js';
import { detectFormat, type Format } from './file-format.js';

/** How much of a text file is read for its header. */
export const HEAD_BYTES = 64 * 2 ** 10;
/**
 * The largest Parquet footer read. A footer lists every row group's column chunks: a few KB for
 * most files, and the editor reads it again on every edit of a spec that names the file.
 */
const FOOTER_BYTES = 2 ** 20;
/** How many records are looked at for the first that is not blank. */
const LINES_SEEN = 64;

/** The columns a text format's first lines name (`head`: whole lines only), or undefined. */
export function columnsInText(head: string, format: Exclude<Format, 'parquet'>): string[] | undefined {
  try {
    if (format === 'jsonl') {
      const first = head.split('\n').find((l) => l.trim() !== '');
      const v: unknown = first === undefined ? undefined : JSON.parse(first);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : undefined;
    }
    const records = parse(head, { delimiter: format === 'tsv' ? '\t' : ',', bom: true, relax_column_count: true, to: LINES_SEEN, ...(format === 'tsv' ? { quote: false } : {}) }) as string[][];
    return records.find((r) => !(r.length === 1 && r[0]!.trim() === ''))?.map((h) => h.trim());
  } catch {
    return undefined;
  }
}

/** The first lines of a text in memory (an editor's buffer of a data file), cut as a file's head is. */
export function headOf(text: string): string {
  return text.length <= HEAD_BYTES ? text : text.slice(0, text.lastIndexOf('\n', HEAD_BYTES) + 1);
}

/**
 * The columns found in data files, by real path, with the size and modification time they were
 * found at: the language server keeps one across analyses (a large Parquet footer takes ~15 ms
 * to parse, and every edit of a spec checks its data again). Owned by the caller; none in the CLI.
 */
export type ColumnsCache = Map<string, { size: number; mtimeMs: number; columns: string[] | undefined }>;

/** The columns of the data file at `path`, or undefined when they cannot be known before reading it all. */
export function readFileColumns(policy: FilePolicy, path: string, reach?: readonly string[], cache?: ColumnsCache): { columns: string[] | undefined } | Refusal {
  const opened = openChecked(policy, path, 'data', reach);
  if (isRefusal(opened)) return opened;
  const { fd, stats, real } = opened;
  try {
    const hit = cache?.get(real);
    if (hit && hit.size === stats.size && hit.mtimeMs === stats.mtimeMs) return { columns: hit.columns };
    const columns = columnsOfFd(path, fd, stats.size);
    cache?.set(real, { size: stats.size, mtimeMs: stats.mtimeMs, columns });
    return { columns };
  } finally {
    closeSync(fd);
  }
}

function columnsOfFd(path: string, fd: number, size: number): string[] | undefined {
  try {
    const format = detectFormat(path, fd);
    if ('error' in format) return undefined;
    if (format.format === 'parquet') return parquetColumns(fd, size);
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    // whole lines only: a header cut short would name a column that is not there
    const bytes = n < HEAD_BYTES || size === n ? buf.subarray(0, n) : buf.subarray(0, buf.lastIndexOf(10) + 1);
    // The reader (csv-parse) reads a file with UTF-16 LE's byte order mark as UTF-16: so is its header here.
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
    return columnsInText(new TextDecoder(utf16 ? 'utf-16le' : 'utf-8').decode(bytes), format.format);
  } catch {
    return undefined;
  }
}

/** A Parquet file's top-level fields, from its footer (the last 8 bytes give its length). */
function parquetColumns(fd: number, size: number): string[] | undefined {
  if (size < 12) return undefined;
  const tail = Buffer.alloc(8);
  readSync(fd, tail, 0, 8, size - 8);
  const length = tail.readUInt32LE(0);
  if (length + 8 > Math.min(size - 4, FOOTER_BYTES)) return undefined;
  const footer = Buffer.alloc(length + 8);
  readSync(fd, footer, 0, length + 8, size - length - 8);
  return parquetSchema(parquetMetadata(footer)).children.map((c) => c.element.name);
}

// A data file straight into a RowEncoder: its header checked against the columns the model needs
// (one error per missing column), then each record encoded as it is read. Errors carry the file's
// line and, for formats with fixed columns, the column's position. A column that objects of a JSON
// Lines file lack is reported at the first one, then counted.
import type { BadRow } from './preprocess.js';
import { checkHeader, missingMessage, type NeededColumn } from './needed-columns.js';
import type { ReadReport, SourceHeader } from './record.js';
import { MAX_ERRORS, type DataError, type RawCell } from './row.js';
import { readRecords } from './source.js';

export interface EncodeFileOptions {
  skipBadRows: boolean;
  /** Stop after this many rows kept. */
  limit?: number;
  /** Records to pass over unencoded and uncounted (the other side of a split, when streaming). */
  keep?: (line: number, cells: readonly RawCell[]) => boolean;
  /** Called after each row kept, with its line and cells (it may take the row back: RowEncoder.pop); a promise is awaited. */
  afterRow?: (line: number, cells: readonly RawCell[]) => void | Promise<void>;
}

/** What encodes the records: a RowEncoder (training data), a FeedEncoder (serving feeds). */
export interface RecordEncoder {
  /** The columns it reads, in the order `push` takes their cells. */
  readonly columns: readonly string[];
  push(cells: ArrayLike<RawCell>): BadRow | undefined;
}

/**
 * Encode the records of `file` (open as `fd`, which is closed at the end) with `enc`. Problems
 * go to `report`; reading stops at MAX_ERRORS of them. Returns the rows kept.
 */
export async function encodeFile(file: string, fd: number, enc: RecordEncoder, needed: readonly NeededColumn[], opts: EncodeFileOptions, report: ReadReport): Promise<number> {
  const byColumn = new Map(needed.map((n) => [n.column, n]));
  let header: SourceHeader | undefined;
  let fields = new Map<string, number>();
  const onHeader = (h: SourceHeader) => {
    header = h;
    if (!h.fixed) return enc.columns;
    const missing = checkHeader(needed, h.columns, file, h.line);
    if (missing.length > 0) {
      report.errors.push(...missing);
      return undefined;
    }
    fields = new Map(h.columns.map((c, i) => [c, i + 1]));
    return enc.columns;
  };
  // JSON Lines: the first error for each absent column, and how many more rows lack it
  const absent = new Map<string, { error: DataError; more: number }>();
  let kept = 0;
  for await (const rec of readRecords(file, fd, { skipBadRows: opts.skipBadRows, report, header: onHeader })) {
    if (opts.keep && !opts.keep(rec.line, rec.cells)) continue;
    const bad = enc.push(rec.cells);
    if (bad) {
      if (opts.skipBadRows) {
        report.skipped++;
        continue;
      }
      // a column the row lacks (not one holding a bad value, nor a label expression's value)
      const lacking = bad.code === 'REC6001' && bad.column !== undefined ? bad.column : undefined;
      const seen = lacking !== undefined ? absent.get(lacking) : undefined;
      if (seen) {
        seen.more++;
        continue;
      }
      const need = lacking !== undefined ? byColumn.get(lacking) : undefined;
      const message = need ? missingMessage(need, header?.columns ?? [], `the first object (line ${header?.line ?? 1})`) : bad.message;
      const field = bad.column !== undefined ? fields.get(bad.column) : undefined;
      const error: DataError = { file, row: rec.line, ...(bad.column !== undefined ? { column: bad.column } : {}), ...(field ? { field } : {}), code: bad.code, message };
      report.errors.push(error);
      if (lacking !== undefined) absent.set(lacking, { error, more: 0 });
      if (report.errors.length >= MAX_ERRORS) break;
      continue;
    }
    kept++;
    const after = opts.afterRow?.(rec.line, rec.cells);
    if (after) await after;
    if (opts.limit !== undefined && kept >= opts.limit) break;
  }
  for (const { error, more } of absent.values()) if (more > 0) error.message += ` (and ${more} more row${more === 1 ? '' : 's'} lack it)`;
  return kept;
}

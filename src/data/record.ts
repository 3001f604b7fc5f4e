// What a format reader gives (one record at a time) and takes (a file, what to do with bad rows,
// and the consumer's choice of columns); see source.ts.
import type { Readable } from 'node:stream';
import { MAX_ERRORS, type DataError, type RawCell, type Row } from './row.js';
import { NotUtf8Error } from './utf8-check.js';

/** One record: the cells of the columns asked for. */
export interface DataRecord {
  /** The file line the record starts on (the header is line 1); a `.json` array: the object's position; Parquet: the row number (from 1). */
  line: number;
  /** Cells of the wanted columns, in the order asked; undefined where the record lacks a column. */
  cells: RawCell[];
  /** Formats whose records name their own columns (JSON Lines) also give the whole record. */
  row?: Row;
}

/** The columns a file has, before its first record. */
export interface SourceHeader {
  columns: string[];
  /** CSV, TSV: the header's line (1). JSON Lines: the first object's line. Parquet: 0 (the file). */
  line: number;
  /** True when every record has exactly these columns (CSV, TSV, Parquet); JSON Lines objects differ. */
  fixed: boolean;
}

/** Filled while a file is read: its columns, the errors so far, the rows skipped. */
export interface ReadReport {
  columns: string[];
  errors: DataError[];
  skipped: number;
  /** How much of the file has been read, 0 … 1 (set by the reader once it starts). */
  progress?: () => number;
}

export function newReport(): ReadReport {
  return { columns: [], errors: [], skipped: 0 };
}

/** Why reading a text file stopped: bytes that are not UTF-8, at their line (utf8-check.ts), or the file itself (REC2009). */
export function readFailure(file: string, e: unknown): DataError {
  if (e instanceof NotUtf8Error) return { file, row: e.line, code: 'REC6002', message: e.message };
  return { file, row: 0, code: 'REC2009', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
}

/** Record a bad row: skipped and counted, or an error. False once there are too many errors. */
export function badRow(report: ReadReport, skipBadRows: boolean, e: DataError): boolean {
  if (skipBadRows) report.skipped++;
  else report.errors.push(e);
  return report.errors.length < MAX_ERRORS;
}

export interface ReaderInput {
  /** For messages, and for formats read whole (a `.json` array). */
  file: string;
  /** The file's bytes (an opened, checked descriptor: src/io/file-policy.ts), checked to be UTF-8 as they come (utf8-check.ts). */
  stream: () => Readable;
  /** That descriptor, for formats read by position (Parquet), which close it themselves. */
  fd: number;
  skipBadRows: boolean;
  report: ReadReport;
  /** Called once with the file's columns; returns the columns to read, or undefined to stop. */
  header: (h: SourceHeader) => readonly string[] | undefined;
  /** Formats whose records name their own columns give each whole record too (`DataRecord.row`). */
  wholeRows?: boolean;
}

/** A format: the records of a file, as described above. Problems of the file go to `report`. */
export type RecordReader = (input: ReaderInput) => AsyncGenerator<DataRecord>;


// A data file as a stream of records, whatever its format. A format is one reader (read-csv.ts
// for CSV and TSV, read-jsonl.ts for JSON Lines, read-parquet.ts for Parquet) registered in
// READERS; which one reads a file is decided by file-format.ts (its signature, else its extension).
//
// The consumer says which columns it reads once it has seen the file's columns (`header`), and
// each record then gives the cells of those columns in that order: nothing is kept per record,
// so a reader streams a file of any size. Lines are the file's (the header is line 1); Parquet
// has no lines: a record's line is its row number.
import { closeSync, createReadStream, fstatSync, type ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { detectFormat, type Format } from './file-format.js';
import { csvRecords, tsvRecords } from './read-csv.js';
import { jsonlRecords } from './read-jsonl.js';
import { parquetRecords } from './read-parquet.js';
import type { DataRecord, ReaderInput, RecordReader } from './record.js';
import { utf8Checked } from './utf8-check.js';

export { formatOf, type Format } from './file-format.js';

const READERS: Record<Format, RecordReader> = { csv: csvRecords, tsv: tsvRecords, jsonl: jsonlRecords, parquet: parquetRecords };

/** The records of `file`, read from descriptor `fd` (which is closed at the end). */
export async function* readRecords(file: string, fd: number, opts: Omit<ReaderInput, 'file' | 'stream' | 'fd'>): AsyncGenerator<DataRecord> {
  const format = detectFormat(file, fd);
  if ('error' in format) {
    closeSync(fd);
    opts.report.errors.push({ file, row: 0, code: 'REC6010', message: format.error });
    return;
  }
  const size = fstatSync(fd).size;
  let stream: ReadStream | undefined;
  opts.report.progress = () => (stream && size > 0 ? Math.min(1, stream.bytesRead / size) : 0);
  // `start: 0`: a descriptor is read from its beginning; `autoClose` closes it at the end or on
  // destroy (destroying the checked stream destroys it). Parquet is binary: never read as text.
  const text = () => Readable.from(utf8Checked((stream = createReadStream('', { fd, start: 0, autoClose: true, highWaterMark: 1 << 20 }))), { objectMode: false });
  yield* READERS[format.format]({ file, fd, stream: text, ...opts });
}

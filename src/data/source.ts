// A data file as a stream of records, whatever its format. A format is one reader (read-csv.ts
// for CSV and TSV, read-jsonl.ts for JSON Lines) registered in READERS by the extensions it
// takes; another format (Parquet, …) plugs in as one more file and one more entry.
//
// The consumer says which columns it reads once it has seen the file's columns (`header`), and
// each record then gives the cells of those columns in that order: nothing is kept per record,
// so a reader streams a file of any size. Lines are the file's (the header is line 1).
import { createReadStream } from 'node:fs';
import { csvRecords, tsvRecords } from './read-csv.js';
import { jsonlRecords } from './read-jsonl.js';
import type { DataRecord, ReaderInput, RecordReader } from './record.js';

export type Format = 'csv' | 'tsv' | 'jsonl';

const READERS: Record<Format, { extensions: string[]; read: RecordReader }> = {
  jsonl: { extensions: ['.jsonl', '.ndjson', '.json'], read: jsonlRecords },
  tsv: { extensions: ['.tsv', '.tab'], read: tsvRecords },
  csv: { extensions: ['.csv'], read: csvRecords },
};

/** The format a file's extension names; CSV when it names none we know. */
export function formatOf(file: string): Format {
  const lower = file.toLowerCase();
  const hit = (Object.keys(READERS) as Format[]).find((f) => READERS[f].extensions.some((e) => lower.endsWith(e)));
  return hit ?? 'csv';
}

/** The records of `file`, read from descriptor `fd` (which the stream closes). */
export function readRecords(file: string, fd: number, opts: Omit<ReaderInput, 'file' | 'stream'>): AsyncGenerator<DataRecord> {
  // `start: 0`: a descriptor is read from its beginning; `autoClose` closes it at the end or on destroy.
  return READERS[formatOf(file)].read({ file, stream: () => createReadStream('', { fd, start: 0, autoClose: true, highWaterMark: 1 << 20 }), ...opts });
}

// Which format a data file is in: by its first bytes when they are a binary format's signature
// (a Parquet file is read as Parquet whatever its name; an ORC, Avro, Arrow, Excel or compressed
// file is refused naming what it is, instead of being parsed as CSV into a message full of binary
// bytes), else by its extension. `.txt` and no extension are CSV.
import { readSync } from 'node:fs';
import { extname } from 'node:path';

export type Format = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export const EXTENSIONS: Record<Format, string[]> = {
  csv: ['.csv', '.txt', ''],
  tsv: ['.tsv', '.tab'],
  jsonl: ['.jsonl', '.ndjson', '.json'],
  parquet: ['.parquet', '.pq', '.parq'],
};

/** `.csv, .txt, .tsv, …` for messages. */
export const KNOWN = `CSV (.csv, .txt), TSV (.tsv, .tab), JSON Lines (.jsonl, .ndjson, .json) or Parquet (.parquet, .pq, .parq)`;

/** The format a file's extension names, or undefined. */
export function formatOf(file: string): Format | undefined {
  const ext = extname(file).toLowerCase();
  return (Object.keys(EXTENSIONS) as Format[]).find((f) => EXTENSIONS[f].includes(ext));
}

// Signatures of formats a data file is often in that recc does not read (first bytes).
const FOREIGN: Array<[string, number[]]> = [
  ['ORC', [0x4f, 0x52, 0x43]],
  ['Avro', [0x4f, 0x62, 0x6a, 0x01]],
  ['Arrow IPC (Feather)', [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]],
  ['gzip-compressed', [0x1f, 0x8b]],
  ['zstd-compressed', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2-compressed', [0x42, 0x5a, 0x68]],
  ['xz-compressed', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['ZIP (or Excel .xlsx)', [0x50, 0x4b, 0x03, 0x04]],
  ['Excel (.xls)', [0xd0, 0xcf, 0x11, 0xe0]],
  ['SQLite', [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66]],
];

const starts = (head: Buffer, sig: number[]) => head.length >= sig.length && sig.every((b, i) => head[i] === b);

/** The format of the file open as `fd` (read at offset 0; its position does not move), or why it has none. */
export function detectFormat(file: string, fd: number): { format: Format } | { error: string } {
  const head = Buffer.alloc(512);
  let n = 0;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } catch {
    // an unreadable file is reported by the reader, with its cause
  }
  const bytes = head.subarray(0, n);
  if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return { format: 'parquet' };
  const foreign = FOREIGN.find(([, sig]) => starts(bytes, sig));
  if (foreign) return { error: `this is a ${foreign[0]} file; recc reads ${KNOWN}` };
  const byName = formatOf(file);
  if (byName === 'parquet') {
    // a .parquet file without the signature: empty, or not Parquet at all
    return { error: n === 0 ? 'the file is empty (a Parquet file starts with `PAR1`)' : 'not a Parquet file: it does not start with `PAR1`' };
  }
  if (byName) return { format: byName };
  return { error: `unknown data format \`${extname(file)}\`; recc reads ${KNOWN}` };
}

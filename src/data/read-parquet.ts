// Parquet, read with hyparquet (pure JavaScript, no dependencies, no install scripts) and
// hyparquet-compressors (gzip, zstd, brotli, lz4 besides hyparquet's own snappy: polars and DuckDB
// write zstd by default). Chosen over parquet-wasm (a 6.6 MB WebAssembly module, plus
// apache-arrow to use the Arrow tables it gives), @dsnp/parquetjs (13 dependencies, among them the
// AWS S3 client) and DuckDB's node API (a native binary per platform): README, *Data*.
//
// The file is read one row group at a time through positional reads of its descriptor, column by
// column (hyparquet's decoded arrays, not an object per row), so memory is one row group (the writer's choice: 100 000 rows by default in hyparquet-writer, 1 Mi rows in
// pyarrow), whatever the file's size. Columns are the schema's top-level fields; a record's `line`
// is its row number (the first row is 1; 0 is the file as a whole). Cells keep their types:
// integers (INT64 too, as numbers when exact, else as their decimal text), floats, booleans,
// strings, null; lists of strings or numbers are sequences; timestamps and dates are ISO text;
// structs and maps are their JSON text. A file that is not whole (no footer, a footer longer than
// the file, an empty or corrupt footer, a page that does not decode) is REC6011, naming the row
// group and its rows where it is one.
import { closeSync, fstatSync, readSync } from 'node:fs';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type ParquetParsers } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { badRow, type DataRecord, type ReaderInput } from './record.js';
import type { RawCell } from './row.js';

/** `PAR1`, at both ends of every Parquet file. */
export const PARQUET_MAGIC = 'PAR1';

/** Positional reads of an open file (the descriptor is never moved, so reads may overlap). */
function fileBuffer(fd: number, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    slice(start: number, end = byteLength) {
      const out = Buffer.allocUnsafeSlow(Math.max(0, end - start));
      let at = 0;
      while (at < out.length) {
        const n = readSync(fd, out, at, out.length - at, start + at);
        if (n === 0) break;
        at += n;
      }
      return out.buffer.slice(0, at);
    },
  };
}

// Timestamps and dates as ISO text (a cell is text or a number, never a Date object).
const iso = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));
const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (v: bigint) => iso(Number(v)),
  timestampFromMicroseconds: (v: bigint) => iso(Number(v / 1000n)),
  timestampFromNanoseconds: (v: bigint) => iso(Number(v / 1_000_000n)),
  dateFromDays: (d: number) => iso(d * 86_400_000).slice(0, 10),
};

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : String(x)) : x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x));

/** A Parquet value as a cell, or `bytes` for raw bytes (a column without a text annotation). */
function toCell(v: unknown): RawCell | typeof BYTES {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Uint8Array) return BYTES;
  if (Array.isArray(v)) {
    // a null element stays an item, as in JSON Lines (a sequence drops it like an empty item)
    const items = v.map((x) => (typeof x === 'bigint' ? toCell(x) : x === undefined ? null : x));
    return items.every((x) => x === null || typeof x === 'string' || typeof x === 'number') ? (items as Array<string | number | null>) : json(v);
  }
  return json(v);
}
const BYTES = Symbol('bytes');

/** The Parquet type of a top-level column, in words (for messages). */
function typeOf(meta: FileMetaData, column: string): string {
  const node = parquetSchema(meta).children.find((c) => c.element.name === column);
  if (!node) return 'unknown';
  const e = node.element;
  if (node.children.length > 0) return e.converted_type ?? e.logical_type?.type ?? 'group';
  return e.type === 'FIXED_LEN_BYTE_ARRAY' ? `FIXED_LEN_BYTE_ARRAY(${e.type_length ?? '?'})` : (e.type ?? 'unknown');
}

interface Piece {
  start: number;
  data: ArrayLike<unknown>;
}
const NONE = Symbol('none');

/** The values of one column of a row group, read row by row in order across its pieces. */
class Cursor {
  private i = 0;
  constructor(private readonly pieces: Piece[]) {
    pieces.sort((a, b) => a.start - b.start);
  }
  at(row: number): unknown {
    let p = this.pieces[this.i];
    while (p && row >= p.start + p.data.length) p = this.pieces[++this.i];
    return p && row >= p.start ? p.data[row - p.start] : NONE;
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^parquet /, '');

/**
 * Why a footer did not read. hyparquet's own file errors say what it found (`metadata length …
 * exceeds …`). Anything else is the footer's bytes not decoding: its Thrift decoder's error
 * (`thrift struct ended without STOP`, kept as a detail) or JavaScript failing inside it on bytes
 * that are no metadata (`Cannot read properties of undefined`, which says nothing to a user).
 */
function footerMessage(e: unknown, length: number): string {
  if (e instanceof Error && e.message.startsWith('parquet ')) return `cannot read the Parquet footer: ${message(e)}`;
  const detail = e instanceof Error && e.constructor === Error ? ` (${e.message})` : '';
  return `the Parquet footer (${length} bytes) is corrupt: it does not decode as Parquet metadata${detail}; was the file damaged, or written by a broken writer?`;
}

/** The records of a Parquet file; problems go to `input.report`. */
export async function* parquetRecords(input: ReaderInput): AsyncGenerator<DataRecord> {
  const { file, report, skipBadRows, fd } = input;
  const fail = (row: number, code: 'REC6004' | 'REC6011', text: string) => {
    report.errors.push({ file, row, code, message: text });
  };
  try {
    const size = fstatSync(fd).size;
    const buffer = fileBuffer(fd, size);
    const tail = Buffer.from(buffer.slice(Math.max(0, size - 4), size) as ArrayBuffer).toString('latin1');
    if (size < 12 || tail !== PARQUET_MAGIC) {
      fail(0, 'REC6011', `not a whole Parquet file: it does not end with the Parquet footer (\`PAR1\`); was it cut short while copying or writing? (${size} bytes)`);
      return;
    }
    const footerLength = Buffer.from(buffer.slice(size - 8, size - 4) as ArrayBuffer).readUInt32LE(0);
    if (footerLength === 0) {
      fail(0, 'REC6011', 'the Parquet footer is empty (its length is 0): the file was not finished by its writer, or is damaged');
      return;
    }
    let meta: FileMetaData;
    let columns: string[];
    try {
      meta = await parquetMetadataAsync(buffer, { parsers: PARSERS });
      columns = parquetSchema(meta).children.map((c) => c.element.name);
    } catch (e) {
      fail(0, 'REC6011', footerMessage(e, footerLength));
      return;
    }
    // as a CSV header's: two fields of one name would be read as one column, their pages mixed
    const twice = columns.find((c, i) => columns.indexOf(c) !== i);
    if (twice !== undefined) {
      report.errors.push({ file, row: 0, column: twice, code: 'REC6003', message: `the file's schema names column \`${twice}\` twice` });
      return;
    }
    report.columns = columns;
    const total = Number(meta.num_rows);
    if (total === 0) {
      fail(0, 'REC6004', 'the Parquet file has no rows');
      return;
    }
    const wanted = input.header({ columns, line: 0, fixed: true });
    if (!wanted) return;
    const present = wanted.filter((c) => columns.includes(c));
    const cells: RawCell[] = [];
    let start = 0;
    report.progress = () => start / total;
    for (let g = 0; g < meta.row_groups.length; g++) {
      const end = start + Number(meta.row_groups[g]!.num_rows);
      if (end === start) continue;
      // the row group's columns, as decoded (one piece per page or chunk, in any order)
      const pieces = new Map<string, Piece[]>(present.map((c) => [c, []]));
      try {
        await parquetRead({ file: buffer, metadata: meta, columns: present, rowStart: start, rowEnd: end, compressors, parsers: PARSERS, onChunk: (c) => pieces.get(c.columnName)?.push({ start: c.rowStart, data: c.columnData }) });
      } catch (e) {
        fail(start + 1, 'REC6011', `cannot decode row group ${g + 1} of ${meta.row_groups.length} (rows ${start + 1}–${end}): ${message(e)}`);
        return;
      }
      const cursors = wanted.map((c) => (pieces.has(c) ? new Cursor(pieces.get(c)!) : undefined));
      for (let r = start; r < end; r++) {
        const line = r + 1;
        let bytes: string | undefined;
        for (let k = 0; k < wanted.length; k++) {
          const cur = cursors[k];
          if (!cur) {
            cells[k] = undefined;
            continue;
          }
          const at = cur.at(r);
          if (at === NONE) {
            fail(line, 'REC6011', `row group ${g + 1} of ${meta.row_groups.length} holds no value of column \`${wanted[k]}\` for row ${line}`);
            return;
          }
          const v = toCell(at);
          if (v === BYTES) bytes ??= wanted[k];
          cells[k] = v === BYTES ? undefined : v;
        }
        if (bytes !== undefined) {
          const b = bytes;
          if (!badRow(report, skipBadRows, { file, row: line, column: b, code: 'REC6012', message: `column \`${b}\` holds raw bytes (Parquet ${typeOf(meta, b)} without a text annotation), not text or numbers` })) return;
          continue;
        }
        yield { line, cells };
      }
      start = end;
    }
  } catch (e) {
    fail(0, 'REC6011', `cannot read the Parquet file: ${(e as NodeJS.ErrnoException).code ?? message(e)}`);
  } finally {
    closeSync(fd);
  }
}

// A table written in chunks (the scores of `recc predict`), as CSV, TSV, JSON Lines or Parquet by
// the output's extension (file-format.ts), atomically: the chunks go to a temporary file that is
// renamed into place once the last one is written (src/io/atomic-write.ts), so an interrupted run
// leaves no partial output. Text columns are strings; float columns are float32 values, written
// in CSV, TSV and JSON as a decimal of at most 9 significant digits (fewer when they suffice)
// that reads back as the same float32, and in Parquet as FLOAT; double columns (the numbers of
// `recc synth`) are float64, written as JavaScript's shortest round-trip text and as DOUBLE. NaN
// and ±Infinity are written as such in CSV and TSV, and as null in JSON Lines (JSON has neither).
// Parquet goes through hyparquet-writer (the writer of the hyparquet family that reads it, see
// read-parquet.ts), one row group per 65 536 rows.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { AtomicFile } from '../io/atomic-write.js';
import { formatOf, KNOWN, type Format } from './file-format.js';
import { csvField } from './write-csv.js';

export type TableColumn = { name: string; kind: 'text'; values: string[] } | { name: string; kind: 'float'; values: Float32Array } | { name: string; kind: 'double'; values: Float64Array };

export interface TableWriter {
  /** Append rows: one array per column, in the order the writer was opened with. */
  write(columns: TableColumn[]): void;
  commit(): void;
  abort(): void;
}

export interface ColumnDecl {
  name: string;
  kind: TableColumn['kind'];
}

/** A decimal text of a float32 value that reads back as it: 7 significant digits when they do, else 8, else 9 (always enough). */
export function float32Text(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 7; p < 9; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(Number(x.toPrecision(9)));
}

const ROW_GROUP = 65_536;

/** The format an output file is written in, or why none. */
export function outputFormat(path: string): { format: Format } | { error: string } {
  const f = formatOf(path);
  return f ? { format: f } : { error: `unknown output format \`${path.slice(path.lastIndexOf('.'))}\`; recc writes ${KNOWN}` };
}

/** A byte sink for hyparquet-writer that sends each flushed row group to the file. */
class FileSink extends ByteWriter {
  constructor(private readonly file: AtomicFile) {
    super(1 << 20);
  }
  flush(): void {
    this.file.write(new Uint8Array(this.buffer, 0, this.index).slice());
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
}

export function openTable(path: string, format: Format, decl: ColumnDecl[], createdBy = 'recc predict'): TableWriter {
  const file = new AtomicFile(path);
  const n = (cols: TableColumn[]) => cols[0]?.values.length ?? 0;
  const cell = (c: TableColumn, i: number) => (c.kind === 'text' ? c.values[i]! : c.kind === 'double' ? String(c.values[i]!) : float32Text(c.values[i]!));
  if (format === 'parquet') {
    const schema: SchemaElement[] = [
      { name: 'root', num_children: decl.length },
      ...decl.map((d): SchemaElement => (d.kind === 'text' ? { name: d.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' } : { name: d.name, type: d.kind === 'double' ? 'DOUBLE' : 'FLOAT', repetition_type: 'REQUIRED' })),
    ];
    const writer = new ParquetWriter({ writer: new FileSink(file), schema, codec: 'SNAPPY', createdBy });
    let held: TableColumn[][] = [];
    let rows = 0;
    const flush = () => {
      if (rows === 0) return;
      const columnData = decl.map((d, k) => {
        const parts = held.map((cols) => cols[k]!);
        const data = d.kind === 'text' ? parts.flatMap((p) => p.values as string[]) : d.kind === 'double' ? joinNumbers(parts.map((p) => p.values as Float64Array), Float64Array) : joinNumbers(parts.map((p) => p.values as Float32Array), Float32Array);
        return { name: d.name, data };
      });
      void writer.write({ columnData, rowGroupSize: rows });
      held = [];
      rows = 0;
    };
    return {
      write(cols) {
        held.push(cols);
        rows += n(cols);
        if (rows >= ROW_GROUP) flush();
      },
      commit() {
        flush();
        void writer.finish();
        file.commit();
      },
      abort: () => file.abort(),
    };
  }
  if (format === 'jsonl') {
    // JSON has no NaN or ±Infinity: a score that is one (weights that diverged) is null, as
    // JSON.stringify and pandas write it, never a bare `NaN` that makes the line unreadable
    const jsonCell = (c: TableColumn, i: number) => (c.kind === 'text' ? JSON.stringify(c.values[i]) : Number.isFinite(c.values[i]) ? cell(c, i) : 'null');
    return {
      write(cols) {
        const lines: string[] = [];
        for (let i = 0; i < n(cols); i++) lines.push(`{${cols.map((c) => `${JSON.stringify(c.name)}:${jsonCell(c, i)}`).join(',')}}`);
        if (lines.length > 0) file.write(`${lines.join('\n')}\n`);
      },
      commit: () => file.commit(),
      abort: () => file.abort(),
    };
  }
  // CSV quotes what needs it; TSV has no quoting, so a tab or line break in a text cell becomes a space
  const tsv = format === 'tsv';
  const field = tsv ? (s: string) => s.replace(/[\t\r\n]/g, ' ') : csvField;
  const sep = tsv ? '\t' : ',';
  file.write(`${decl.map((d) => field(d.name)).join(sep)}\n`);
  return {
    write(cols) {
      const lines: string[] = [];
      for (let i = 0; i < n(cols); i++) lines.push(cols.map((c) => (c.kind === 'text' ? field(c.values[i]!) : cell(c, i))).join(sep));
      if (lines.length > 0) file.write(`${lines.join('\n')}\n`);
    },
    commit: () => file.commit(),
    abort: () => file.abort(),
  };
}

function joinNumbers<T extends Float32Array | Float64Array>(parts: T[], Type: { new (n: number): T }): T {
  const out = new Type(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

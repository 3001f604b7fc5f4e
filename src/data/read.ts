// Reading data files: CSV and TSV with csv-parse (streaming), JSON Lines with node:readline.
// Rows keep their 1-based data row number for error messages. A row with the wrong number of
// columns or a line that is not JSON is an error with file and row, or counted and skipped.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { DataError, Row } from './encode.js';

export interface ReadResult {
  rows: Array<{ row: Row; line: number }>;
  columns: string[];
  errors: DataError[];
  skipped: number;
}

export async function readRows(file: string, opts: { skipBadRows: boolean; limit?: number }): Promise<ReadResult> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return readJsonl(file, opts);
  return readCsv(file, lower.endsWith('.tsv') ? '\t' : ',', opts);
}

async function readCsv(file: string, delimiter: string, opts: { skipBadRows: boolean; limit?: number }): Promise<ReadResult> {
  const out: ReadResult = { rows: [], columns: [], errors: [], skipped: 0 };
  const parser = createReadStream(file).pipe(parse({ delimiter, relax_column_count: true, skip_empty_lines: true, bom: true }));
  let header: string[] | undefined;
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        out.columns = header;
        continue;
      }
      line++;
      if (record.length !== header.length) {
        const message = `row has ${record.length} columns, the header has ${header.length}`;
        if (opts.skipBadRows) out.skipped++;
        else out.errors.push({ file, row: line, code: 'REC6003', message });
        if (out.errors.length >= 20) break;
        continue;
      }
      const row: Row = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = record[i]!;
      out.rows.push({ row, line });
      if (opts.limit && out.rows.length >= opts.limit) break;
    }
  } catch (e) {
    out.errors.push({ file, row: line + 1, code: 'REC6002', message: `cannot parse the file: ${(e as Error).message}` });
  }
  if (!header) out.errors.push({ file, row: 0, code: 'REC6004', message: 'the file is empty (no header row)' });
  else if (out.rows.length === 0 && out.errors.length === 0) out.errors.push({ file, row: 1, code: 'REC6004', message: 'the file has a header but no data rows' });
  return out;
}

async function readJsonl(file: string, opts: { skipBadRows: boolean; limit?: number }): Promise<ReadResult> {
  const out: ReadResult = { rows: [], columns: [], errors: [], skipped: 0 };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  const cols = new Set<string>();
  for await (const text of lines) {
    if (text.trim() === '') continue;
    line++;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      v = undefined;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      if (opts.skipBadRows) out.skipped++;
      else out.errors.push({ file, row: line, code: 'REC6002', message: 'the line is not a JSON object' });
      if (out.errors.length >= 20) break;
      continue;
    }
    for (const k of Object.keys(v)) cols.add(k);
    out.rows.push({ row: v as Row, line });
    if (opts.limit && out.rows.length >= opts.limit) break;
  }
  out.columns = [...cols];
  if (line === 0) out.errors.push({ file, row: 0, code: 'REC6004', message: 'the file is empty' });
  return out;
}

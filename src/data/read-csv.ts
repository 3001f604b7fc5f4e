// CSV and TSV, streamed with csv-parse. The header row names the columns; a record with another
// number of fields is REC6003, a file without a header is REC6004. Cells stay strings: the
// preprocessing decides what a number is, by the spec. TSV is read without quoting rules (a
// quote is an ordinary character there, as in IANA's text/tab-separated-values).
import { createReadStream } from 'node:fs';
import { parse, type Options } from 'csv-parse';
import { checkRow, MAX_ERRORS, type DataError, type NumberedRow, type Row, type RowChecks } from './row.js';

export interface ReadOptions extends RowChecks {
  /** Count and skip bad rows instead of reporting them. */
  skipBadRows: boolean;
  /** Stop after this many good rows. */
  limit?: number;
}

/** Filled while a stream is read: the header, the errors so far, the skipped-row count. */
export interface ReadReport {
  columns: string[];
  errors: DataError[];
  skipped: number;
}

export function newReport(): ReadReport {
  return { columns: [], errors: [], skipped: 0 };
}

/** Record a bad row: skipped and counted, or an error. False once there are too many errors. */
export function badRow(report: ReadReport, opts: ReadOptions, e: DataError): boolean {
  if (opts.skipBadRows) report.skipped++;
  else report.errors.push(e);
  return report.errors.length < MAX_ERRORS;
}

/** Stream the rows of a CSV (delimiter ",") or TSV ("\t") file; problems go to `report`. */
export async function* streamCsv(file: string, delimiter: string, opts: ReadOptions, report: ReadReport): AsyncGenerator<NumberedRow> {
  const csvOpts: Options = { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true };
  if (delimiter === '\t') csvOpts.quote = false;
  const parser = parse(csvOpts);
  let unreadable: Error | undefined;
  // pipe() does not forward the source's errors: a missing file would leave the parser waiting.
  const source = createReadStream(file)
    .on('error', (e) => {
      unreadable = e;
      parser.destroy(e);
    });
  source.pipe(parser);
  let header: string[] | undefined;
  let line = 0;
  let good = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        for (const h of header) {
          if (seen.has(h)) {
            report.errors.push({ file, row: 0, column: h, code: 'REC6003', message: `the header names column \`${h}\` twice` });
            return;
          }
          seen.add(h);
        }
        report.columns = header;
        const absent = [...(opts.required ?? []), ...(opts.numeric ?? [])].filter((c) => !seen.has(c));
        if (absent.length > 0) {
          const list = [...new Set(absent)];
          report.errors.push({ file, row: 0, column: list[0], code: 'REC6001', message: `missing column${list.length > 1 ? 's' : ''} ${list.map((c) => `\`${c}\``).join(', ')} (the header has ${header.join(', ')})` });
          return;
        }
        continue;
      }
      line++;
      if (record.length !== header.length) {
        if (!badRow(report, opts, { file, row: line, code: 'REC6003', message: `row has ${record.length} columns, the header has ${header.length}` })) return;
        continue;
      }
      const row: Row = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = record[i]!;
      const bad = checkRow(row, opts);
      if (bad) {
        if (!badRow(report, opts, { file, row: line, ...bad })) return;
        continue;
      }
      yield { row, line };
      if (opts.limit !== undefined && ++good >= opts.limit) return;
    }
  } catch (e) {
    if (unreadable) {
      report.errors.push({ file, row: 0, code: 'REC2009', message: `cannot read the file: ${unreadable.message}` });
      return;
    }
    // csv-parse stops at a malformed record (an unclosed quote, a stray quote): nothing after
    // it can be trusted, so this ends the file even with skipBadRows.
    report.errors.push({ file, row: line + 1, code: 'REC6002', message: `cannot parse the file here: ${(e as Error).message}` });
    return;
  } finally {
    // a consumer that stops early (a limit, too many errors) must not leave the file open
    source.destroy();
  }
  if (!header) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file is empty (no header row)' });
  else if (line === 0) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file has a header but no data rows' });
}

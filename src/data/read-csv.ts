// CSV and TSV, streamed through csv-parse. The header row names the columns; a record with another
// number of fields is REC6003, a file without a header is REC6004. Cells stay strings: the
// preprocessing decides what a number is, by the spec. TSV is read without quoting rules (a
// quote is an ordinary character there, as in IANA's text/tab-separated-values).
//
// Lines: a record starts on the line after the previous one ended, and spans one line more for
// each line break inside its quoted fields (counted here: csv-parse's own count drifts on CRLF
// files). Blank lines are skipped but counted. csv-parse stops at a malformed record (a stray or
// unclosed quote); the records before it, even in the same chunk, are still delivered (they are
// taken in `on_record`, not from the stream, which an error empties), and the error names the
// line the malformed record starts on.
import { parse, type Options } from 'csv-parse';
import { badRow, readFailure, type DataRecord, type ReaderInput } from './record.js';
import type { RawCell } from './row.js';

function lineBreaks(record: string[]): number {
  let n = 0;
  for (const f of record) {
    for (let at = f.indexOf('\n'); at >= 0; at = f.indexOf('\n', at + 1)) n++;
  }
  return n;
}

async function* delimited(input: ReaderInput, delimiter: string): AsyncGenerator<DataRecord> {
  const { file, report, skipBadRows } = input;
  const pending: string[][] = [];
  const csvOpts: Options = {
    delimiter,
    relax_column_count: true,
    bom: true,
    // every record is taken here and none is pushed to the stream (see the header comment)
    on_record: (record: string[]) => {
      pending.push(record);
      return undefined;
    },
  };
  if (delimiter === '\t') csvOpts.quote = false;
  const parser = parse(csvOpts);
  let failure: Error | undefined;
  parser.on('error', (e) => (failure ??= e));
  const source = input.stream();
  let header: string[] | undefined;
  let picks: number[] = [];
  const cells: RawCell[] = [];
  let next = 1; // the line the next record starts on
  let records = 0;
  const write = (chunk: Buffer | undefined) =>
    new Promise<void>((done) => {
      const cb = (e?: Error | null) => {
        if (e) failure ??= e;
        done();
      };
      if (chunk) parser.write(chunk, cb);
      else parser.end(cb);
    });

  // The records csv-parse has delivered so far; false once the consumer's header said stop.
  function* drain(): Generator<DataRecord, boolean> {
    for (let i = 0; i < pending.length; i++) {
      const record = pending[i]!;
      const line = next;
      next += 1 + lineBreaks(record);
      if (record.length === 1 && record[0]!.trim() === '') continue; // a blank line
      if (!header) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        for (const h of header) {
          if (seen.has(h)) {
            report.errors.push({ file, row: line, column: h, code: 'REC6003', message: `the header names column \`${h}\` twice` });
            return false;
          }
          seen.add(h);
        }
        report.columns = header;
        const wanted = input.header({ columns: header, line, fixed: true });
        if (!wanted) return false;
        const index = new Map(header.map((h, k) => [h, k]));
        picks = wanted.map((c) => index.get(c) ?? -1);
        continue;
      }
      records++;
      if (record.length !== header.length) {
        if (!badRow(report, skipBadRows, { file, row: line, code: 'REC6003', message: `row has ${record.length} columns, the header has ${header.length}` })) return false;
        continue;
      }
      for (let k = 0; k < picks.length; k++) cells[k] = picks[k]! < 0 ? undefined : record[picks[k]!];
      yield { line, cells };
    }
    pending.length = 0;
    return true;
  }

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      await write(chunk);
      if (!(yield* drain())) return;
      if (failure) break;
    }
    if (!failure) {
      await write(undefined);
      if (!(yield* drain())) return;
    }
  } catch (e) {
    report.errors.push(readFailure(file, e));
    return;
  } finally {
    // a consumer that stops early (a limit, too many errors) must not leave the file open
    source.destroy();
    parser.destroy();
  }
  if (failure) {
    // nothing after a malformed record can be trusted, so this ends the file even with skipBadRows
    if ((failure as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse names the file's last line, where it gave up; the quote opened in the record
      // after the last one it delivered, which starts on `next`
      report.errors.push({ file, row: next, code: 'REC6002', message: 'a quoted field opens in this row and is never closed: the rest of the file was read into it' });
      return;
    }
    // the malformed record is the one after the last delivered, which starts on `next` (csv-parse's
    // own line drifts on CRLF files); its field, 0-based, is csv-parse's `index`
    const index = (failure as { index?: unknown }).index;
    const at = typeof index === 'number' && index >= 0 ? index : undefined;
    report.errors.push({ file, row: next, ...(at !== undefined ? { field: at + 1, column: header?.[at] } : {}), code: 'REC6002', message: malformed(failure) });
    return;
  }
  if (!header) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file is empty (no header row)' });
  else if (records === 0) report.errors.push({ file, row: 0, code: 'REC6004', message: 'the file has a header but no data rows' });
}

/** What is wrong with a malformed record, in recc's words: csv-parse's name lines and fields its own way (a line that drifts on CRLF, fields from 0). */
function malformed(failure: Error): string {
  const code = (failure as { code?: string }).code;
  if (code === 'INVALID_OPENING_QUOTE') return 'a quote inside a field that is not quoted: quote the whole field and double the quotes inside it ("a""b")';
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return 'a quoted field goes on after its closing quote: double the quotes inside a quoted field ("a""b")';
  return `cannot parse the record that starts here: ${failure.message.replace(/ at line \d+/g, '')}`;
}

/** The records of a CSV file (RFC 4180, "," between fields). */
export const csvRecords = (input: ReaderInput) => delimited(input, ',');

/** The records of a TSV file (tabs between fields, no quoting). */
export const tsvRecords = (input: ReaderInput) => delimited(input, '\t');

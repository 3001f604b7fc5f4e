// The columns a CSV or TSV file's header names, from the file's first lines (the checker reads no
// more: io/file-policy.ts readHeadChecked), parsed as read-csv.ts parses the file: blank lines
// before it skipped, a BOM dropped, names trimmed, TSV without quoting.
import { parse } from 'csv-parse/sync';

/** How many records are looked at for the first that is not blank. */
const BLANK_LINES_SEEN = 64;

/** The header's column names, or undefined when the text holds no whole header (or it does not parse). */
export function headerColumns(head: string, format: 'csv' | 'tsv'): string[] | undefined {
  try {
    const records = parse(head, { delimiter: format === 'tsv' ? '\t' : ',', bom: true, relax_column_count: true, to: BLANK_LINES_SEEN, ...(format === 'tsv' ? { quote: false } : {}) }) as string[][];
    return records.find((r) => !(r.length === 1 && r[0]!.trim() === ''))?.map((h) => h.trim());
  } catch {
    return undefined;
  }
}

// The shapes data takes between the readers, the preprocessing and the generators, and the error
// value every data step returns instead of throwing.
import type { DiagnosticCode } from '../diagnostics/codes.js';

/** One cell: CSV gives strings; JSON Lines also gives numbers, booleans, null and arrays. */
export type Cell = string | number | boolean | null | undefined;
export type RawCell = Cell | Array<string | number>;
export type Row = Record<string, RawCell>;

/** A row with its 1-based data row number (the CSV header is row 0), for error messages. */
export interface NumberedRow {
  row: Row;
  line: number;
}

/** A data error, with the file and row it was found at (row 0: the file as a whole). */
export interface DataError {
  file: string;
  row: number;
  column?: string;
  code: DiagnosticCode;
  message: string;
}

/** Stop collecting errors after this many: the first ones are what a user fixes first. */
export const MAX_ERRORS = 20;

/** `file:row (column c): error[REC6xxx]: message`, the CLI's one-line form. */
export function formatDataError(e: DataError): string {
  return `${e.file}:${e.row}${e.column ? ` (column ${e.column})` : ''}: error[${e.code}]: ${e.message}`;
}

/** What a reader checks on every row, besides its shape. */
export interface RowChecks {
  /** Columns every row must have (features, label columns, keys): REC6001 when absent. */
  required?: readonly string[];
  /** Columns that must hold a finite number (or a boolean): REC6002 otherwise. */
  numeric?: readonly string[];
}

/** A number read from a cell: numbers as they are, booleans 1/0, numeric text parsed; else NaN. */
export function cellNumber(v: RawCell): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return NaN;
  const s = v.trim();
  return s === '' ? NaN : Number(s);
}

/** The first problem of a row under `checks`, or undefined when it passes. */
export function checkRow(row: Row, checks: RowChecks): { column: string; code: 'REC6001' | 'REC6002'; message: string } | undefined {
  for (const c of checks.required ?? []) {
    if (!(c in row)) return { column: c, code: 'REC6001', message: `missing column \`${c}\`` };
  }
  for (const c of checks.numeric ?? []) {
    if (!(c in row)) return { column: c, code: 'REC6001', message: `missing column \`${c}\`` };
    if (!Number.isFinite(cellNumber(row[c]))) return { column: c, code: 'REC6002', message: `\`${c}\` must be a number, found \`${String(row[c] ?? '')}\`` };
  }
  return undefined;
}

// The shapes data takes between the readers, the preprocessing and the generators, and the error
// value every data step returns instead of throwing.
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';

/** One cell: CSV gives strings; JSON Lines also gives numbers, booleans, null and arrays. */
export type Cell = string | number | boolean | null | undefined;
export type RawCell = Cell | Array<string | number>;
export type Row = Record<string, RawCell>;

/** A row with the line of the file it starts on (the CSV header is line 1), for error messages. */
export interface NumberedRow {
  row: Row;
  line: number;
}

/** A data error, with the file and the line it was found at (0: the file as a whole). */
export interface DataError {
  file: string;
  /** The file's line (the header is line 1; JSON Lines: the object's line); 0 for the whole file. */
  row: number;
  column?: string;
  /** The column's 1-based position in the file, when the format has positions (CSV, TSV). */
  field?: number;
  code: DiagnosticCode;
  message: string;
}

/** Stop collecting errors after this many: the first ones are what a user fixes first. */
export const MAX_ERRORS = 20;

/** `file:line:field (column c): error[REC6xxx]: message`, the CLI's one-line form. */
export function formatDataError(e: DataError): string {
  const at = e.row > 0 ? `:${e.row}${e.field ? `:${e.field}` : ''}` : '';
  const severity = CODES[e.code].severity;
  return `${e.file}${at}${e.column ? ` (column ${e.column})` : ''}: ${severity}[${e.code}]: ${e.message}`;
}

/** What a reader checks on every row, besides its shape. */
export interface RowChecks {
  /** Columns every row must have (features, label columns, keys): REC6001 when absent. */
  required?: readonly string[];
  /** Columns that must hold a finite number (or a boolean): REC6002 otherwise. */
  numeric?: readonly string[];
}

// Decimal numbers only: `Number()` would also read `0x1E` (30), `0b11`, `0o7`, `Infinity` and
// `1_000`-free but odd forms; none of them is a number a data file means.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number of a decimal text (`12`, `-0.5`, `1e-3`, surrounding blanks ignored), else NaN. */
export function decimal(text: string): number {
  const s = text.trim();
  return DECIMAL.test(s) ? Number(s) : NaN;
}

/** A number read from a cell: numbers as they are, booleans 1/0, decimal text parsed; else NaN. */
export function cellNumber(v: RawCell): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return NaN;
  return decimal(v);
}

/** Text in a message: in backticks, cut after 40 characters (a cell may hold a whole document). */
export function shownText(s: string): string {
  return `\`${s.length > 40 ? `${s.slice(0, 40)}…` : s}\``;
}

/** A cell in a message: its text, JSON for a list, `null` for a JSON null, and an empty cell said so. */
export function shownCell(v: RawCell): string {
  if (v === undefined || v === '') return 'an empty cell';
  return shownText(typeof v === 'string' ? v : JSON.stringify(v));
}

/** The first problem of a row under `checks`, or undefined when it passes. */
export function checkRow(row: Row, checks: RowChecks): { column: string; code: 'REC6001' | 'REC6002'; message: string } | undefined {
  for (const c of checks.required ?? []) {
    if (!Object.hasOwn(row, c)) return { column: c, code: 'REC6001', message: `missing column \`${c}\`` };
  }
  for (const c of checks.numeric ?? []) {
    if (!Object.hasOwn(row, c)) return { column: c, code: 'REC6001', message: `missing column \`${c}\`` };
    if (!Number.isFinite(cellNumber(row[c]))) return { column: c, code: 'REC6002', message: `\`${c}\` must be a number, found ${shownCell(row[c])}` };
  }
  return undefined;
}

// The shapes data takes between the readers, the preprocessing and the generators, and the error
// value every data step returns instead of throwing.
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';

/** One cell: CSV gives strings; JSON Lines also gives numbers, booleans, null and arrays. */
export type Cell = string | number | boolean | null | undefined;
/** A list's null items stay (a sequence drops them as it drops empty items; a dense vector refuses them). */
export type RawCell = Cell | Array<string | number | null>;
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
  /** Columns that must hold a number finite as a float32 (or a boolean): REC6002 otherwise. */
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

/**
 * Whether a number stays finite as a float32. Inputs and labels become float32 tensors, where
 * `1e39` (finite as a JavaScript number) is Infinity and turns the loss, the scores and the
 * metrics into NaN far from the cell that caused it: such a value is bad data, like `1e400`.
 */
export const float32Finite = (x: number): boolean => Number.isFinite(Math.fround(x));

/**
 * What is wrong with a cell read as a number (`found …`), or undefined when it is a number a
 * model can take: a decimal (or a number, a boolean) whose float32 is finite.
 */
export function numberProblem(v: RawCell): string | undefined {
  const x = cellNumber(v);
  if (float32Finite(x)) return undefined;
  // NaN from text that is no decimal, or a NaN cell (Parquet floats); a number out of range else
  return Number.isNaN(x) ? `found ${shownCell(v)}` : `found ${shownCell(v)}, beyond float32's range (±3.4e38)`;
}

/** Text in a message: in backticks, cut after 40 characters (a cell may hold a whole document). */
export function shownText(s: string): string {
  return `\`${s.length > 40 ? `${s.slice(0, 40)}…` : s}\``;
}

// Numbers as JavaScript writes them: JSON.stringify would show NaN and ±Infinity (a Parquet float
// cell, a JSON number past float64's range) as `null`, hiding the value at fault.
const itemText = (x: string | number | null) => (typeof x === 'string' ? JSON.stringify(x) : String(x));

/** A cell in a message: its text, a list's items, `NaN`/`Infinity` as such, `null` for a JSON null, and an empty cell said so. */
export function shownCell(v: RawCell): string {
  if (v === undefined || v === '') return 'an empty cell';
  if (Array.isArray(v)) return shownText(`[${v.map(itemText).join(',')}]`);
  return shownText(String(v));
}

/** The first problem of a row under `checks`, or undefined when it passes. */
export function checkRow(row: Row, checks: RowChecks): { column: string; code: 'REC6001' | 'REC6002'; message: string } | undefined {
  for (const c of checks.required ?? []) {
    if (!Object.hasOwn(row, c)) return { column: c, code: 'REC6001', message: `missing column \`${c}\`` };
  }
  for (const c of checks.numeric ?? []) {
    if (!Object.hasOwn(row, c)) return { column: c, code: 'REC6001', message: `missing column \`${c}\`` };
    const bad = numberProblem(row[c]);
    if (bad) return { column: c, code: 'REC6002', message: `\`${c}\` must be a number, ${bad}` };
  }
  return undefined;
}

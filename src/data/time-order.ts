// The times a chronological split orders rows by. A cell is either a decimal number (a Unix time,
// a step, a day number) or an ISO 8601 date or date-time (`2024-03-01`, `2024-03-01T12:30:00Z`,
// `2024-03-01 12:30:00.250+02:00`; what a Parquet timestamp or date column reads as), and every
// row of a file holds the same kind. Anything else, an empty cell among them, is bad data
// (REC6002 at the cell, checked as rows are encoded: preprocess.ts): ordering by text instead
// would put `abc` after every number and silently hold out the wrong rows.
//
// A date-time without a zone is read as UTC, so that a split is the same on every machine. Times
// compare as float64 numbers: integers past 2^53 (nanosecond Unix times) tie within a few hundred
// nanoseconds, and ties keep the file's order. The exported PyTorch package reads times the same
// way (runtime/torch/split.py, checked against this by test/lower/torch/split-py.test.ts): change
// both or neither.
import { decimal, shownCell, type RawCell } from './row.js';

export type TimeKind = 'number' | 'date';

export interface Time {
  kind: TimeKind;
  /** The number itself, or the date's milliseconds since 1970-01-01T00:00Z (fractions kept). */
  at: number;
}

const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/i;

const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days from 1970-01-01 to a day of the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil), in integers: Date.UTC would read years 0–99 as 1900–1999, and the exported
 * PyTorch package (runtime/torch/split.py) computes the same days the same way.
 */
function civilDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The milliseconds of an ISO 8601 date or date-time, or undefined when the text is not one (or names no real day). */
function isoTime(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap(y) ? 29 : MONTH_DAYS[mo - 1]!) || h > 23 || mi > 59 || s > 59) return undefined;
  let offset = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = zone.replace(':', '');
    const zh = Number(z.slice(1, 3));
    const zm = Number(z.slice(3, 5));
    if (zh > 23 || zm > 59) return undefined;
    offset = (z[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  const frac = m[7] ? Number(m[7]) * 1000 : 0;
  return civilDays(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + frac - offset;
}

/** A cell's time, or undefined when it is neither a decimal number nor an ISO date. */
export function timeOf(v: RawCell): Time | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', at: v } : undefined;
  if (typeof v !== 'string') return undefined;
  const x = decimal(v);
  if (Number.isFinite(x)) return { kind: 'number', at: x };
  const ms = isoTime(v.trim());
  return ms === undefined ? undefined : { kind: 'date', at: ms };
}

const KIND_TEXT: Record<TimeKind, string> = { number: 'a number', date: 'an ISO date' };

/**
 * The time of a cell of `column`, a chronological split's, or what is wrong with it (a message):
 * neither a number nor an ISO date, or not of `kind`, the kind of the rows before it (undefined
 * for the first row).
 */
export function orderTime(column: string, v: RawCell, kind: TimeKind | undefined): Time | { error: string } {
  const t = timeOf(v);
  if (!t) return { error: `\`${column}\` orders the chronological split: each row needs a number or an ISO date (2024-03-01, 2024-03-01T12:30:00Z), found ${shownCell(v)}` };
  if (kind !== undefined && t.kind !== kind) return { error: `\`${column}\` orders the chronological split: the rows before hold ${KIND_TEXT[kind]}, this one ${KIND_TEXT[t.kind]} (${shownCell(v)}); one kind for the whole column` };
  return t;
}

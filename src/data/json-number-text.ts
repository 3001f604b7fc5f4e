// The literal text of the JSON numbers that JSON.parse cannot give back: integers past ±2^53
// (9007199254740993 parses as …992) and numbers past float64's range (1e400 parses as Infinity).
// A JSON Lines cell holding one is given as the literal's text instead, the cell a CSV file gives
// for the same digits and a Parquet INT64 past 2^53 gives (read-parquet.ts). So the same id is the
// same data in every format: it hashes to the same bucket, is a key of its own for splits, GAUC
// and groups, and is kept as written by `recc predict --keep`; read as a number (a label, a dense
// item) the text parses as CSV's does (`1e400` is then refused, as in CSV, showing `1e400`).
// Refusing such ids (asking to quote them) would have made JSON Lines the one format that cannot
// hold the ids a CSV or Parquet file holds.
//
// Only a record holding such a number is parsed again, by lossless-json, which hands each number's
// text to us: the common record is parsed once, by JSON.parse.
import { parse } from 'lossless-json';

/** Whether JSON.parse's number may not be the literal's value (digits lost, or out of range). */
export const lossyNumber = (x: number): boolean => !Number.isFinite(x) || (Number.isInteger(x) && !Number.isSafeInteger(x));

/** Whether a parsed object has a lossy number as a value or as an item of a list value. */
export function hasLossyNumber(o: Record<string, unknown>): boolean {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'number' ? lossyNumber(v) : Array.isArray(v) && v.some((x) => typeof x === 'number' && lossyNumber(x))) return true;
  }
  return false;
}

/**
 * A JSON text parsed as JSON.parse parses it, but each lossy number, wherever it is, kept as its
 * literal text. Throws where lossless-json is stricter than JSON.parse: a key given twice with two
 * values (JSON.parse keeps the last silently) is an error of the row.
 */
export function parseKeepingNumbers(text: string): unknown {
  return parse(text, undefined, (literal) => {
    const x = Number(literal);
    return lossyNumber(x) ? literal : x;
  });
}

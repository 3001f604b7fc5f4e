// The most rows a synthetic setting generates. A setting's rows are made in memory, as JavaScript
// objects of about 450 bytes each (poso, the largest), and Node's heap holds about 4 GB by default
// on a 24 GB machine: 5 million rows (2.2 GB) leave room for encoding them to train or writing
// them out. Beyond that a run fails late and without a message (an invalid typed array length, or
// the heap exhausted after minutes), so the count is refused before any row is made.
export const MAX_SYNTH_ROWS = 5_000_000;

/**
 * A whole number with its thousands grouped (`5,000,000`), by a pattern: toLocaleString starts
 * ICU on its first call, ~20 ms, and the checker writes these bounds on every `recc check`.
 */
export const groupDigits = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** The bound as `--help` and the messages write it. */
export const MAX_SYNTH_ROWS_TEXT = groupDigits(MAX_SYNTH_ROWS);

/** Why `rows` rows of `setting` are too many (`given`: where the count came from), or undefined. */
export function synthRowsRefusal(setting: string, rows: number, given: string): string | undefined {
  if (rows <= MAX_SYNTH_ROWS) return undefined;
  return `${given}: synthetic setting \`${setting}\` makes at most ${MAX_SYNTH_ROWS_TEXT} rows (they are generated in memory)`;
}

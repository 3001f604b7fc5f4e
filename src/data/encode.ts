// The names the trainer and the parity tests first imported; the rules live in preprocess.ts.
import type { FeatureSpec, SupportSpec, TaskSpec } from '../ir/types.js';
import { preprocess, slice, type PreprocessResult } from './preprocess.js';
import type { NumberedRow } from './row.js';

export { bucketOf, idOf, seqItems, denseValues, modelInputs, type Batchable, type Dataset } from './preprocess.js';
export type { Cell, DataError, RawCell, Row } from './row.js';

/** `preprocess` with the features and tasks of a graph. */
export function encodeRows(
  graph: { features: readonly FeatureSpec[]; tasks: readonly TaskSpec[]; supports?: readonly SupportSpec[] },
  rows: readonly NumberedRow[],
  opts: { file: string; keyColumns: readonly string[]; skipBadRows: boolean },
): PreprocessResult {
  return preprocess(graph.features, graph.tasks, rows, opts, graph.supports);
}

/** Same as `slice`. */
export const take = slice;

// A classification task whose training labels are all one class learns nothing to rank by (its
// AUC is undefined and its loss is driven to one constant): said before training, not discovered
// in a metrics table of `n/a`.
import type { DataError } from '../data/row.js';
import type { TaskSpec } from '../ir/types.js';

/** A REC6008 warning for each binary or multiclass task whose labels at `rows` are all one value. */
export function oneClassWarnings(tasks: readonly TaskSpec[], labels: Record<string, Float32Array>, rows: ArrayLike<number>, file: string): DataError[] {
  const out: DataError[] = [];
  if (rows.length === 0) return out;
  for (const t of tasks) {
    if (t.kind === 'regression' || t.kind === 'next_item') continue; // next_item's targets are its sequence
    const y = labels[t.name];
    if (!y) continue;
    const first = y[rows[0]!]!;
    let same = true;
    for (let i = 1; i < rows.length && same; i++) same = y[rows[i]!] === first;
    if (same) out.push({ file, row: 0, code: 'REC6008', message: `task \`${t.name}\`: all ${rows.length} training labels are ${first}; it cannot learn to tell classes apart and its AUC is undefined (check the label expression and the data)` });
  }
  return out;
}

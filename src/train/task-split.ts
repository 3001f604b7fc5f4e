// The rows of a MAML stage (LiMAML §6.1): training rows grouped into tasks by the key column, each
// task's rows in data order (the data's order is its time order); test tasks split the same way
// into the support rows they adapt on and the query rows that are scored, and each test row
// labelled with its task's size in the test data (fewer than 25 samples, or 25 or more: Table 3's
// slices) under the evaluation group column TASK_SLICE. Rows without a key (an empty cell) are in
// no task: together they would be one task of unrelated users; they are counted for the log.
import { slice, type Dataset } from '../data/preprocess.js';
import type { TaskRanges } from './loop.js';
import { supportCount } from './maml-step.js';
import { groupByKey } from './meta-embed.js';
import { TrainError } from './train-error.js';

/** The evaluation's group column of a MAML stage: a test task's samples, `fewer than 25` or `25 or more`. */
export const TASK_SLICE = 'task_samples';
export const SMALL_TASK = 25;

/** `3 training rows have no \`user_id\`: they are in no task` (`which`: `training `, `held-out `, or ``). */
export const keylessRows = (n: number, key: string, which = ''): string =>
  `${n} ${which}row${n === 1 ? ' has' : 's have'} no \`${key}\`: ${n === 1 ? 'it is' : 'they are'} in no task`;

/** Training rows grouped by task (stable), as a row list and task ranges; `keyless`: the rows left out. */
export function taskRanges(keys: readonly string[], rows: Int32Array, perBatch: number): { rows: Int32Array; tasks: TaskRanges; trainable: number; keyless: number } {
  const byKey = groupByKey(keys, rows);
  const keyless = byKey.get('')?.length ?? 0;
  byKey.delete('');
  const groups = [...byKey.values()];
  const out = new Int32Array(rows.length);
  const starts = new Int32Array(groups.length + 1);
  let at = 0;
  groups.forEach((g, t) => {
    starts[t] = at;
    out.set(g, at);
    at += g.length;
  });
  starts[groups.length] = at;
  return { rows: out.subarray(0, at), tasks: { starts, perBatch }, trainable: groups.filter((g) => g.length >= 2).length, keyless };
}

/**
 * Test rows split per task into support (adapted on) and query (scored, with the TASK_SLICE
 * column); `queryRows`: the rows of `data` behind the query, in its order.
 */
export function splitTestTasks(data: Dataset, key: string, rows: Int32Array, fraction: number): { support: Dataset; query: Dataset; queryRows: number[]; keyless: number } {
  const keys = data.keys[key];
  if (!keys) throw new TrainError(`the data has no column \`${key}\` (the meta block's key)`);
  const support: number[] = [];
  const query: number[] = [];
  const size: string[] = [];
  const byKey = groupByKey(keys, rows);
  const keyless = byKey.get('')?.length ?? 0;
  byKey.delete('');
  for (const g of byKey.values()) {
    const ns = g.length < 2 ? g.length : supportCount(g.length, fraction);
    support.push(...g.slice(0, ns));
    for (const r of g.slice(ns)) {
      query.push(r);
      size.push(g.length < SMALL_TASK ? `fewer than ${SMALL_TASK}` : `${SMALL_TASK} or more`);
    }
  }
  const q = slice(data, query);
  return { support: slice(data, support), query: { ...q, keys: { ...q.keys, [TASK_SLICE]: size } }, queryRows: query, keyless };
}

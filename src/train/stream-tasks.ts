// A MAML stage under `recc train --stream` (stream-data.ts reads the file): a task is every
// training row of one key (LiMAML §6.1), and a stream sees a key's rows together only when the
// file keeps them together. So the file must be grouped by the key (sorted by it, say), which the
// first pass checks row by row (TaskRuns); then each epoch buffers whole tasks, permutes the
// tasks of each buffer, and cuts them into batches of `perBatch` tasks (TaskBatches), as the
// in-memory loop permutes all the tasks of an epoch. Each task's rows stay in file order: the
// first ones are its support rows, as in memory.
import { concatRows, RowEncoder, slice, type Batchable } from '../data/preprocess.js';
import type { RawCell } from '../data/row.js';

/** A MAML stage's batching: tasks are the training rows sharing `key`, `perBatch` tasks a batch. */
export interface StreamTasks {
  key: string;
  perBatch: number;
}

/** The tasks of a streamed MAML stage, counted by the first pass (the loop's batch count needs them). */
export interface TaskCount {
  /** Tasks, and those of two rows or more (a task needs a support row and a query row). */
  count: number;
  trainable: number;
  perBatch: number;
}

/**
 * The first pass's check that each key's training rows are one run of the file, and the count of
 * the runs (tasks). Held-out rows are not shown to it: test tasks are kept in memory and grouped
 * there, wherever their rows are.
 */
export class TaskRuns {
  /** Key → the line its run started on. */
  private readonly started = new Map<string, number>();
  private current: string | undefined;
  private length = 0;
  private tasks = 0;
  private trainable = 0;
  /** The first row that resumes a key after other keys' rows. */
  problem: { line: number; message: string } | undefined;

  constructor(private readonly key: string) {}

  row(line: number, key: string): void {
    if (key === this.current) {
      this.length++;
      return;
    }
    this.close();
    const earlier = this.started.get(key);
    if (earlier !== undefined && !this.problem) {
      this.problem = {
        line,
        message:
          `\`${this.key}\` ${JSON.stringify(key)} comes back here after other keys' rows (its rows start at line ${earlier}): ` +
          `--stream trains a MAML stage on tasks, each all the rows of one key, so each key's training rows must be together in the file; ` +
          `sort it by \`${this.key}\` (a stable sort keeps each key's rows in time order), or train without --stream`,
      };
    }
    if (earlier === undefined) this.started.set(key, line);
    this.current = key;
    this.length = 1;
  }

  count(perBatch: number): TaskCount {
    this.close();
    return { count: this.tasks, trainable: this.trainable, perBatch };
  }

  private close(): void {
    if (this.current === undefined) return;
    this.tasks++;
    if (this.length >= 2) this.trainable++;
    this.current = undefined;
  }
}

/**
 * One epoch's batches of whole tasks: rows come in file order (`row`), each task's kept until the
 * next key starts; a buffer of at least `buffer` rows of whole tasks is permuted by task and cut
 * into batches of `perBatch` tasks; the tasks short of a whole batch are carried to the next
 * buffer, and the epoch's last batch takes what is left. Batches before `from` (a resumed run)
 * are made the same way, so the permutation is the same, but not yielded.
 */
export class TaskBatches {
  private enc: RowEncoder;
  /** Where each task held in `enc` starts (its row in `enc`). */
  private starts: number[] = [];
  /** The current task: its key and its rows' cells (encoded when it is whole). */
  private key: string | undefined;
  private cells: RawCell[][] = [];
  /** Whole tasks a buffer left over, and where each starts in `data`. */
  private carry: { data: Batchable; starts: number[] } | undefined;
  private batch = 0;

  constructor(
    private readonly fresh: () => RowEncoder,
    private readonly rng: () => number,
    private readonly perBatch: number,
    private readonly buffer: number,
    private readonly from: number,
  ) {
    this.enc = fresh();
  }

  /** A training row and its key's text; yields the batches a full buffer gives. */
  *row(cells: readonly RawCell[], key: string): Generator<Batchable> {
    if (key !== this.key) {
      this.endTask();
      if (this.enc.n >= this.buffer) yield* this.drain(false);
      this.key = key;
    }
    this.cells.push([...cells]);
  }

  /** The end of the epoch: the rest, in batches. */
  *end(): Generator<Batchable> {
    this.endTask();
    if (this.starts.length > 0 || this.carry) yield* this.drain(true);
  }

  private endTask(): void {
    const start = this.enc.n;
    // rows with a problem were reported (or counted, --skip-bad-rows) by the first pass
    for (const c of this.cells) this.enc.push(c);
    if (this.enc.n > start) this.starts.push(start);
    this.cells = [];
  }

  private *drain(end: boolean): Generator<Batchable> {
    const held = this.enc.finish();
    const carried = this.carry;
    const all = carried ? concatRows([carried.data, held]) : held;
    const starts = carried ? [...carried.starts, ...this.starts.map((s) => s + carried.data.n)] : this.starts;
    this.enc = this.fresh();
    this.starts = [];
    const rowsOf = (tasks: ArrayLike<number>): number[] => {
      const out: number[] = [];
      for (let k = 0; k < tasks.length; k++) {
        const t = tasks[k]!;
        for (let r = starts[t]!, stop = starts[t + 1] ?? all.n; r < stop; r++) out.push(r);
      }
      return out;
    };
    const order = Int32Array.from({ length: starts.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const full = end ? order.length : order.length - (order.length % this.perBatch);
    for (let at = 0; at < full; at += this.perBatch) {
      if (this.batch++ >= this.from) yield slice(all, rowsOf(order.subarray(at, Math.min(full, at + this.perBatch))));
    }
    const rest = order.subarray(full);
    if (rest.length === 0) {
      this.carry = undefined;
      return;
    }
    const restStarts: number[] = [];
    let at = 0;
    for (const t of rest) {
      restStarts.push(at);
      at += (starts[t + 1] ?? all.n) - starts[t]!;
    }
    this.carry = { data: slice(all, rowsOf(rest)), starts: restStarts };
  }
}

// A MAML stage under `recc train --stream` (stream-data.ts reads the file): a task is every
// training row of one key (LiMAML §6.1), and a stream sees a key's rows together only when the
// file keeps them together. So the file must be grouped by the key (sorted by it, say), which the
// first pass checks row by row (TaskRuns); then each epoch buffers whole tasks, permutes the
// tasks of each buffer, and cuts them into batches of `perBatch` tasks (TaskBatches), as the
// in-memory loop permutes all the tasks of an epoch. Each task's rows stay in file order: the
// first ones are its support rows, as in memory.
import { permutation } from '../data/fisher-yates.js';
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
  /** Training rows without a key (an empty cell): in no task. */
  keyless: number;
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
  private keyless = 0;
  /** The first row that resumes a key after other keys' rows. */
  problem: { line: number; message: string } | undefined;

  constructor(private readonly key: string) {}

  row(line: number, key: string): void {
    // a row without a key is in no task, and ends none
    if (key === '') {
      this.keyless++;
      return;
    }
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
    return { count: this.tasks, trainable: this.trainable, perBatch, keyless: this.keyless };
  }

  private close(): void {
    if (this.current === undefined) return;
    this.tasks++;
    if (this.length >= 2) this.trainable++;
    this.current = undefined;
  }
}

/**
 * One epoch's batches of whole tasks: rows come in file order (`row`), encoded as they come; when
 * a new task starts and at least `buffer` rows are held, the whole tasks held are permuted and cut
 * into batches of `perBatch` tasks; the tasks short of a whole batch, and the task just begun,
 * are carried to the next buffer; the epoch's last batch takes what is left. Batches before
 * `from` (a resumed run) are made the same way, so the permutation is the same, but not yielded.
 */
export class TaskBatches {
  private enc: RowEncoder;
  /** What the last buffer carried: whole tasks short of a batch, then the task going on. */
  private carry: Batchable | undefined;
  /** Where each task held starts: its row in the carried rows followed by `enc`'s. */
  private starts: number[] = [];
  private key: string | undefined;
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
    if (key === '') return; // in no task (TaskRuns counted it)
    const at = this.enc.n;
    // a row with a problem was reported (or counted, --skip-bad-rows) by the first pass, and is
    // no row of any task there either
    if (this.enc.push(cells)) return;
    if (key === this.key) return;
    this.key = key;
    this.starts.push((this.carry?.n ?? 0) + at);
    if (at >= this.buffer) yield* this.drain(false);
  }

  /** The end of the epoch: the rest, in batches. */
  *end(): Generator<Batchable> {
    if (this.starts.length > 0) yield* this.drain(true);
  }

  private *drain(end: boolean): Generator<Batchable> {
    const held = this.enc.finish();
    const all = this.carry ? concatRows([this.carry, held]) : held;
    const starts = this.starts;
    const rowsOf = (tasks: ArrayLike<number>): number[] => {
      const out: number[] = [];
      for (let k = 0; k < tasks.length; k++) {
        const t = tasks[k]!;
        for (let r = starts[t]!, stop = starts[t + 1] ?? all.n; r < stop; r++) out.push(r);
      }
      return out;
    };
    // the last task goes on in the next buffer, unless the epoch ends here
    const whole = end ? starts.length : starts.length - 1;
    const order = permutation(whole, this.rng);
    const full = end ? whole : whole - (whole % this.perBatch);
    for (let at = 0; at < full; at += this.perBatch) {
      if (this.batch++ >= this.from) yield slice(all, rowsOf(order.subarray(at, Math.min(full, at + this.perBatch))));
    }
    const rest = [...order.subarray(full), ...(end ? [] : [starts.length - 1])];
    this.enc = this.fresh();
    this.starts = [];
    this.carry = undefined;
    if (rest.length === 0) return;
    let n = 0;
    for (const t of rest) {
      this.starts.push(n);
      n += (starts[t + 1] ?? all.n) - starts[t]!;
    }
    this.carry = slice(all, rowsOf(rest));
  }
}

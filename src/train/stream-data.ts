// `recc train --stream`: training on a file larger than memory. The file is read once to check
// every row, count the training rows and keep the test rows (encoded, in memory: evaluation needs
// them every epoch), then once per epoch, its training rows encoded in chunks and shuffled through
// a buffer. What changes against training in memory:
//   - the split is decided row by row, without seeing the whole file: `random` holds out each row
//     with probability `test` (seeded, by its line), `by_key` each key with probability `test`
//     (seeded, by the key's hash), so the held-out fraction is `test` on average, not exactly;
//     `chronological` needs the whole file sorted and is refused;
//   - the shuffle is a permutation of each buffer of rows (`--shuffle-buffer`, 65 536 rows by
//     default), not of the epoch: rows never trade places across buffers, so a file sorted by
//     user or time gives batches from one window of it (shuffle such a file once first);
//   - support sets (CMML) are refused: a row's set is every earlier row of its key, a pass that
//     does not fit a stream;
//   - a MAML stage (a meta block) needs each key's training rows together in the file, since a
//     task is all of them: the first pass checks it, and each buffer is permuted by whole task
//     (stream-tasks.ts);
//   - synthetic settings are generated in memory and need no stream.
// Memory is the test rows plus two buffers, whatever the file's size.
import seedrandom from 'seedrandom';
import { encodeFile } from '../data/encode-file.js';
import { permutation } from '../data/fisher-yates.js';
import { fnv1a32 } from '../data/hash.js';
import { keyColumns, neededColumns } from '../data/needed-columns.js';
import { concatRows, emptyDataset, keyText, RowEncoder, slice, type Batchable, type Dataset } from '../data/preprocess.js';
import { newReport } from '../data/record.js';
import type { DataError, RawCell } from '../data/row.js';
import { readRecords } from '../data/source.js';
import { filePolicy, isRefusal, openChecked } from '../io/file-policy.js';
import type { IRGraph } from '../ir/types.js';
import { dataFile, type LoadOptions } from './data-source.js';
import type { BatchStream } from './train.js';
import { TaskBatches, TaskRuns, type StreamTasks } from './stream-tasks.js';

export const DEFAULT_SHUFFLE_BUFFER = 65_536;
const CHUNK_ROWS = 8192;

export interface Streamed {
  /** The test rows, encoded. */
  test: Dataset;
  batches: BatchStream;
  source: string;
  skipped: number;
  errors: DataError[];
}

/** Why a spec cannot train with --stream, or undefined. */
export function streamRefusal(graph: IRGraph, data?: string): string | undefined {
  if ((graph.supports ?? []).length > 0) return '--stream cannot build support sets (CMML): a row\'s set is every earlier row of its key; train in memory';
  if (graph.train.split.kind === 'chronological') return '--stream cannot make a chronological split (it sorts the whole file); split the file by time first, or use random or by_key';
  if (!data && graph.train.data?.kind === 'synth') return '--stream reads data files; a synthetic setting is generated in memory (drop --stream, or pass --data FILE)';
  return undefined;
}

/** Whether a row is held out, decided from the row alone (see the file header). */
function heldOut(graph: IRGraph, seed: number, line: number, key: RawCell): boolean {
  const s = graph.train.split;
  let h = fnv1a32(s.kind === 'by_key' ? `split:${seed}:${keyText(key)}` : `split:${seed}:${line}`);
  // FNV's high bits barely move between texts that differ in their last characters (u1, u2, …):
  // MurmurHash3's finaliser spreads every bit before the hash is read as a fraction.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32 < s.test;
}

/** `all 3 rows` or `the only row`, for the message of a split that held out every row. */
const allRows = (n: number) => (n === 1 ? 'the only row' : `all ${n} rows`);

/** How the stream holds rows out, for the messages of a split with an empty side. */
function streamHolding(graph: IRGraph): string {
  const s = graph.train.split;
  return s.kind === 'by_key' ? `it holds out each \`${s.key}\` value with probability ${s.test}, by the value's hash` : `it holds out each row with probability ${s.test}, by its line's hash`;
}

/** Read the file once (check, count, keep the test rows); then stream its training rows each epoch. */
export async function streamData(graph: IRGraph, opts: LoadOptions & { shuffleBuffer?: number; batch: number; tasks?: StreamTasks }): Promise<Streamed> {
  const refused = streamRefusal(graph, opts.data);
  const where = dataFile(graph, opts);
  const none = (file: string, code: DataError['code'], message: string): Streamed => ({ test: emptyDataset(), batches: { rows: 0, epoch: async function* () {} }, source: file, skipped: 0, errors: [{ file, row: 0, code, message }] });
  if (refused) return none(graph.file, 'REC6004', refused);
  if (!where) return none(graph.file, 'REC6004', 'no data: pass --data FILE or set `data:` in the spec\'s train section');
  const policy = opts.files ?? filePolicy();
  const open = () => openChecked(policy, where.file, 'data', where.reach);
  const first = open();
  if (isRefusal(first)) return none(where.file, first.code, first.error);
  const seed = opts.seed;
  const tasks = opts.tasks;
  const keys = [...new Set([...keyColumns(graph), ...(tasks ? [tasks.key] : [])])];
  const splitKey = graph.train.split.kind === 'by_key' ? graph.train.split.key : undefined;

  // Pass 1: every row checked; test rows kept, training rows counted and let go.
  const testEnc = new RowEncoder(graph, keys);
  const keyAt = splitKey === undefined ? -1 : testEnc.columns.indexOf(splitKey);
  const runs = tasks && new TaskRuns(tasks.key);
  const taskAt = tasks ? testEnc.columns.indexOf(tasks.key) : -1;
  let trainRows = 0;
  const report = newReport();
  await encodeFile(where.file, first.fd, testEnc, neededColumns(graph, keys), {
    skipBadRows: opts.skipBadRows,
    afterRow: (line, cells) => {
      if (heldOut(graph, seed, line, cells[keyAt])) return;
      testEnc.pop();
      trainRows++;
      runs?.row(line, keyText(cells[taskAt]));
    },
  }, report);
  if (report.errors.length > 0) return { ...none(where.file, 'REC6004', ''), errors: report.errors, skipped: report.skipped };
  if (runs?.problem) return { ...none(where.file, 'REC6004', ''), errors: [{ file: where.file, row: runs.problem.line, column: tasks!.key, code: 'REC6004', message: runs.problem.message }] };
  const test = testEnc.finish();
  // Every row skipped as bad leaves both sides empty: that is the data's fault, not the split's.
  if (trainRows === 0 && test.n === 0) return none(where.file, 'REC6004', report.skipped > 0 ? `no usable rows: ${report.skipped === 1 ? 'the only row was' : `all ${report.skipped} rows were`} skipped as bad (--skip-bad-rows)` : 'no usable rows');
  if (trainRows === 0) return none(where.file, 'REC6004', `no training rows: the split held out every row: --stream held out ${allRows(test.n)} (${streamHolding(graph)})`);
  if (test.n === 0) return none(where.file, 'REC6004', `no test rows: the split held out no row: --stream held out none of the data's ${trainRows === 1 ? '1 row' : `${trainRows} rows`} (${streamHolding(graph)}; few ${splitKey === undefined ? 'rows' : 'keys'} may draw none: use more data, or train without --stream for an exact split)`);

  const buffer = Math.max(opts.batch, opts.shuffleBuffer ?? DEFAULT_SHUFFLE_BUFFER);
  const batches: BatchStream = {
    rows: trainRows,
    ...(runs ? { tasks: runs.count(tasks!.perBatch) } : {}),
    async *epoch(epoch: number, from: number) {
      const rng = seedrandom(`stream:${seed}:${epoch}`);
      const opened = open();
      if (isRefusal(opened)) throw new Error(opened.error);
      if (tasks) {
        yield* taskEpoch(opened.fd, rng, from);
        return;
      }
      const fresh = () => new RowEncoder(graph, []);
      let enc = fresh();
      const wanted = splitKey === undefined ? enc.columns : [...enc.columns, splitKey];
      const held: Batchable[] = [];
      let heldRows = 0;
      let carry: Batchable | undefined;
      let b = 0;
      // A permutation of the buffered rows (and the rows a previous buffer left), in batches; the
      // last `rest` rows are carried to the next buffer unless this is the end of the epoch.
      const drain = function* (end: boolean): Generator<Dataset> {
        const all = concatRows(carry ? [carry, ...held] : held);
        held.length = 0;
        heldRows = 0;
        const order = permutation(all.n, rng);
        const full = end ? all.n : all.n - (all.n % opts.batch);
        for (let at = 0; at < full; at += opts.batch) {
          const part = order.subarray(at, Math.min(full, at + opts.batch));
          if (b++ >= from) yield slice(all, part);
        }
        carry = full < all.n ? slice(all, order.subarray(full)) : undefined;
      };
      const report = newReport();
      for await (const rec of readRecords(where.file, opened.fd, { skipBadRows: true, report, header: () => wanted })) {
        if (heldOut(graph, seed, rec.line, rec.cells[wanted.length - 1])) continue;
        // rows with problems were reported (or counted with --skip-bad-rows) by the first pass
        if (enc.push(rec.cells)) continue;
        if (enc.n < CHUNK_ROWS) continue;
        held.push(enc.finish());
        heldRows += CHUNK_ROWS;
        enc = fresh();
        if (heldRows >= buffer) yield* drain(false);
      }
      if (enc.n > 0) held.push(enc.finish());
      if (held.length > 0 || carry) yield* drain(true);
    },
  };
  /** A MAML stage's epoch: whole tasks, permuted by buffer (stream-tasks.ts). */
  async function* taskEpoch(fd: number, rng: () => number, from: number): AsyncGenerator<Dataset> {
    const fresh = () => new RowEncoder(graph, [tasks!.key]);
    const columns = fresh().columns;
    const wanted = splitKey === undefined ? columns : [...columns, splitKey];
    const at = columns.indexOf(tasks!.key);
    const out = new TaskBatches(fresh, rng, tasks!.perBatch, buffer, from);
    for await (const rec of readRecords(where!.file, fd, { skipBadRows: true, report: newReport(), header: () => wanted })) {
      if (heldOut(graph, seed, rec.line, rec.cells[wanted.length - 1])) continue;
      yield* out.row(rec.cells, keyText(rec.cells[at]));
    }
    yield* out.end();
  }
  return { test, batches, source: where.file, skipped: report.skipped, errors: [] };
}

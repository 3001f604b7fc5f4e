// `recc train --stream` of a MAML stage (a meta block): a task is every training row of one key,
// so the file must hold each key's training rows together (sorted by the key), which the first
// pass checks; each epoch then gives whole tasks, `tasks_per_batch` a batch, permuted within each
// shuffle buffer. Checked here against the data read in memory:
// - each epoch gives every training task once, whole, its rows in file order (the first are its
//   support rows), in batches of 16 tasks, the same again for the same epoch, from any batch on;
// - a training key whose rows come back after another key's is refused with its file, line and
//   column; a held-out key's rows need not be together (the test rows are kept in memory);
// - train() fed the in-memory loop's batches of tasks through a stream ends with the in-memory
//   run's weights, bit for bit (the stream's batch count is its tasks', not its rows');
// - the CLI trains such a spec streamed, evaluates it adapted, and resumes a stopped run to the
//   uninterrupted weights.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { slice, type Dataset } from '../../src/data/preprocess.js';
import { split } from '../../src/data/split.js';
import { limamlRows } from '../../src/data/synth/limaml.js';
import { LIMAML_COLUMNS } from '../../src/data/synth/settings.js';
import { toCsv } from '../../src/data/write-csv.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { planOf } from '../../src/ir/plan.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { loadData } from '../../src/train/data-source.js';
import type { BatchStream } from '../../src/train/loop.js';
import { groupByKey } from '../../src/train/meta-embed.js';
import { shuffled } from '../../src/train/shuffle.js';
import { streamData } from '../../src/train/stream-data.js';
import { taskRanges } from '../../src/train/task-split.js';
import { train } from '../../src/train/train.js';

const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'test/fixtures/specs/limaml-staged-maml.rec');
const recc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
const TASKS = { key: 'user_id', perBatch: 16 };

/** A row by what tells the rows of one user apart: its item's features. */
const rowText = (d: Dataset, i: number) => Array.from(d.inputs.item_feats!.subarray(8 * i, 8 * i + 8)).join();
/** Each user's rows in a batch (or any dataset), in its order. */
function tasksOf(d: Dataset): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [user, rows] of groupByKey(d.keys.user_id!)) out.set(user, rows.map((i) => rowText(d, i)));
  return out;
}

describe('recc train --stream of a MAML stage', () => {
  const g = analyzeFile(SPEC).graph!;
  const dir = mkdtempSync(join(tmpdir(), 'recc-stream-maml-'));
  // the synthetic rows are in time order; sorted by user (stably), each user's rows are together, in time order
  const rows = limamlRows({ seed: 1, rows: 3000 });
  const sorted = [...rows].sort((a, b) => (String(a.user_id) < String(b.user_id) ? -1 : String(a.user_id) > String(b.user_id) ? 1 : 0));
  const csv = join(dir, 'by-user.csv');
  writeFileSync(csv, toCsv({ columns: LIMAML_COLUMNS, rows: sorted }));
  const timeOrdered = join(dir, 'by-time.csv');
  writeFileSync(timeOrdered, toCsv({ columns: LIMAML_COLUMNS, rows }));

  it('gives every training task once an epoch, whole and in file order, 16 a batch, the same from any batch on', async () => {
    const s = await streamData(g, { data: csv, skipBadRows: false, seed: 1, batch: 64, shuffleBuffer: 200, tasks: TASKS });
    expect(s.errors).toEqual([]);
    // the reference: the file in memory, less the users the stream held out
    const all = (await loadData(g, { data: csv, skipBadRows: false, seed: 1 })).dataset;
    const heldOut = new Set(s.test.keys.user_id);
    const expected = new Map([...tasksOf(all)].filter(([user]) => !heldOut.has(user)));
    expect(s.batches.tasks).toEqual({ count: expected.size, trainable: [...expected.values()].filter((r) => r.length >= 2).length, perBatch: 16, keyless: 0 });
    expect(s.batches.rows).toBe([...expected.values()].reduce((a, r) => a + r.length, 0));

    const epoch = async (e: number, from: number) => {
      const out: Array<Map<string, string[]>> = [];
      for await (const b of s.batches.epoch(e, from)) out.push(tasksOf(b));
      return out;
    };
    const batches = await epoch(0, 0);
    expect(batches.length).toBe(Math.ceil(expected.size / 16));
    expect(batches.slice(0, -1).every((b) => b.size === 16)).toBe(true);
    const seen = new Map<string, string[]>();
    for (const b of batches) for (const [user, r] of b) {
      expect(seen.has(user), `${user} twice`).toBe(false);
      seen.set(user, r);
    }
    expect(seen).toEqual(expected);
    // permuted: the first batch is not the file's first 16 users (a buffer of 200 rows holds ~30 of them)
    expect([...batches[0]!.keys()]).not.toEqual([...expected.keys()].slice(0, 16));
    expect(await epoch(0, 3)).toEqual(batches.slice(3));
    const other = await epoch(1, 0);
    expect(other.map((b) => [...b.keys()])).not.toEqual(batches.map((b) => [...b.keys()]));
    expect(new Map(other.flatMap((b) => [...b]))).toEqual(expected);
  });

  it('a bad row skipped inside a task, with another key, splits no task (--skip-bad-rows)', async () => {
    const s0 = await streamData(g, { data: csv, skipBadRows: false, seed: 1, batch: 64, tasks: TASKS });
    const heldOut = new Set(s0.test.keys.user_id);
    const train = [...new Set(sorted.map((r) => String(r.user_id)))].filter((u) => !heldOut.has(u));
    const [u, v] = [train.find((x) => sorted.filter((r) => r.user_id === x).length >= 3)!, train.at(-1)!];
    const inside = sorted.findIndex((r) => r.user_id === u) + 1;
    const bad = join(dir, 'bad-row.csv');
    // v's key, and a user_feats of two numbers where the spec reads eight
    const lines = readFileSync(csv, 'utf8').split('\n');
    lines.splice(inside + 1, 0, `${v},1,"0.5,0.5",i1,"${Array(8).fill(0).join(',')}",1`);
    writeFileSync(bad, lines.join('\n'));
    const s = await streamData(g, { data: bad, skipBadRows: true, seed: 1, batch: 64, tasks: TASKS });
    expect(s.errors).toEqual([]);
    expect(s.skipped).toBe(1);
    const got = new Map<string, string[]>();
    for await (const b of s.batches.epoch(0, 0)) for (const [user, r] of tasksOf(b)) {
      expect(got.has(user), `${user} twice`).toBe(false);
      got.set(user, r);
    }
    expect(got.size).toBe(s.batches.tasks!.count);
    const all = (await loadData(g, { data: csv, skipBadRows: false, seed: 1 })).dataset;
    expect(got.get(u)).toEqual(tasksOf(all).get(u));
  });

  it('refuses a training key whose rows come back after another key, with its line; a held-out key may', async () => {
    const s = await streamData(g, { data: csv, skipBadRows: false, seed: 1, batch: 64, tasks: TASKS });
    const heldOut = new Set(s.test.keys.user_id);
    const counts = new Map<string, number>();
    for (const r of sorted) counts.set(String(r.user_id), (counts.get(String(r.user_id)) ?? 0) + 1);
    const moved = (held: boolean) => {
      const user = [...counts].find(([u, n]) => n >= 3 && heldOut.has(u) === held)![0];
      const first = sorted.findIndex((r) => r.user_id === user);
      // its last row moved to the end of the file
      const last = sorted.findLastIndex((r) => r.user_id === user);
      const f = join(dir, `moved-${held}.csv`);
      writeFileSync(f, toCsv({ columns: LIMAML_COLUMNS, rows: [...sorted.slice(0, last), ...sorted.slice(last + 1), sorted[last]!] }));
      return { user, f, firstLine: first + 2 };
    };
    const bad = moved(false);
    const r = await streamData(g, { data: bad.f, skipBadRows: false, seed: 1, batch: 64, tasks: TASKS });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: bad.f, row: sorted.length + 1, column: 'user_id', code: 'REC6004' });
    expect(r.errors[0]!.message).toContain(`\`user_id\` "${bad.user}" comes back here after other keys' rows (its rows start at line ${bad.firstLine})`);
    const fine = moved(true);
    expect((await streamData(g, { data: fine.f, skipBadRows: false, seed: 1, batch: 64, tasks: TASKS })).errors).toEqual([]);
  });

  it('train() fed the in-memory batches of tasks through a stream ends with the in-memory weights, bit for bit', async () => {
    await initBackend('wasm');
    const { dataset } = await loadData(g, { data: csv, skipBadRows: false, seed: 1 });
    const parts = split(dataset, g.train.split, 1);
    const opts = (name: string) => ({ outDir: join(dir, name), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false, epochs: 2 });
    const memory = await train(tf, g, dataset, parts, opts('memory'));
    // the loop's batches in memory: tasks grouped, shuffled by the stage's seed each epoch
    const grouped = taskRanges(dataset.keys.user_id!, parts.train, 16);
    const count = grouped.tasks.starts.length - 1;
    const seed = planOf(g).stages[0]!.settings.seed;
    const stream: BatchStream = {
      rows: parts.train.length,
      tasks: { count, trainable: grouped.trainable, perBatch: 16 },
      async *epoch(e, from) {
        const order = shuffled(count, seed, e);
        for (let b = from; b * 16 < count; b++) {
          const rows: number[] = [];
          for (const t of order.subarray(b * 16, (b + 1) * 16)) for (let i = grouped.tasks.starts[t]!; i < grouped.tasks.starts[t + 1]!; i++) rows.push(grouped.rows[i]!);
          yield slice(dataset, rows);
        }
      },
    };
    const streamed = await train(tf, g, dataset, parts, { ...opts('streamed'), stream });
    expect(streamed.state.step).toBe(memory.state.step);
    for (const p of g.params) expect(Array.from(streamed.weights[p.name]!), p.name).toEqual(Array.from(memory.weights[p.name]!));
  }, 120_000);

  describe('the CLI', () => {
    const weights = (out: string) => {
      const r = decodeSafetensors(readFileSync(join(out, 'model.safetensors')));
      if ('error' in r) throw new Error(r.error);
      return r.tensors;
    };
    beforeAll(() => {
      const r = recc(['train', SPEC, '--data', csv, '--stream', '--epochs', '2', '-o', join(dir, 'whole')]);
      expect(r.status, r.stderr).toBe(0);
    }, 120_000);

    it('trains streamed and evaluates held-out users adapted', () => {
      const metrics = JSON.parse(readFileSync(join(dir, 'whole/metrics.json'), 'utf8'));
      expect(JSON.stringify(metrics)).toContain('task_samples');
    });

    it('resumes a stopped run to the uninterrupted weights', () => {
      const out = join(dir, 'resumed');
      const part = recc(['train', SPEC, '--data', csv, '--stream', '--epochs', '2', '-o', out, '--max-steps', '4']);
      expect(part.status, part.stderr).toBe(0);
      const rest = recc(['train', SPEC, '--data', csv, '--stream', '--epochs', '2', '-o', out, '--resume']);
      expect(rest.status, rest.stderr).toBe(0);
      const [a, b] = [weights(join(dir, 'whole')), weights(out)];
      for (const k of Object.keys(a)) expect(Array.from(b[k]!.data), k).toEqual(Array.from(a[k]!.data));
    }, 120_000);

    it('refuses a file in time order, naming its line, without a stack trace', () => {
      const r = recc(['train', SPEC, '--data', timeOrdered, '--stream', '-o', join(dir, 'by-time')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/by-time\.csv:\d+ \(column user_id\): error\[REC6004\]: `user_id` "u\d+" comes back here after other keys' rows/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });
});

// Rows without the meta block's key (an empty cell) are in no MAML task: together they would be one
// task of unrelated users, which is what training made of them before (a probe of the CLI found
// it). Left out of the training tasks and of the held-out tasks, in memory and streamed, and
// counted in the log; `recc meta-embed` already skipped and counted them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preprocess } from '../../src/data/preprocess.js';
import { limamlRows } from '../../src/data/synth/limaml.js';
import { LIMAML_COLUMNS } from '../../src/data/synth/settings.js';
import { toCsv } from '../../src/data/write-csv.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { groupByKey } from '../../src/train/meta-embed.js';
import { streamData } from '../../src/train/stream-data.js';
import { TaskRuns } from '../../src/train/stream-tasks.js';
import { splitTestTasks, taskRanges } from '../../src/train/task-split.js';

const SPEC = join(import.meta.dirname, '../fixtures/specs/limaml-staged-maml.rec');

describe('rows without a key', () => {
  it('are in no task in memory: neither trained on nor adapted on nor scored', () => {
    const keys = ['u1', '', 'u1', 'u2', '', 'u2'];
    const t = taskRanges(keys, Int32Array.from([0, 1, 2, 3, 4, 5]), 2);
    expect([Array.from(t.rows), Array.from(t.tasks.starts), t.trainable, t.keyless]).toEqual([[0, 2, 3, 5], [0, 2, 4], 2, 2]);
    const g = analyzeFile(SPEC).graph!;
    const rows = limamlRows({ seed: 1, rows: 200 }).map((r, i) => (i % 7 === 0 ? { ...r, user_id: '' } : r));
    const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'rows', keyColumns: ['user_id'] });
    const all = Int32Array.from({ length: dataset.n }, (_, i) => i);
    const s = splitTestTasks(dataset, 'user_id', all, 0.75);
    expect(s.keyless).toBe(rows.filter((r) => r.user_id === '').length);
    expect(s.support.keys.user_id!.includes('')).toBe(false);
    expect(s.query.keys.user_id!.includes('')).toBe(false);
    expect(s.support.n + s.query.n).toBe(dataset.n - s.keyless);
  });

  it('are in no task streamed, and do not end the task they sit in', async () => {
    const runs = new TaskRuns('user_id');
    for (const [line, key] of [[2, 'u1'], [3, ''], [4, 'u1'], [5, 'u2']] as const) runs.row(line, key);
    expect(runs.problem).toBeUndefined();
    expect(runs.count(16)).toEqual({ count: 2, trainable: 1, perBatch: 16, keyless: 1 });
    // a file sorted by user, with every fifth row's user blanked where it stands
    const g = analyzeFile(SPEC).graph!;
    const sorted = limamlRows({ seed: 1, rows: 1500 }).sort((a, b) => (String(a.user_id) < String(b.user_id) ? -1 : String(a.user_id) > String(b.user_id) ? 1 : 0));
    const rows = sorted.map((r, i) => (i % 5 === 0 ? { ...r, user_id: '' } : r));
    const csv = join(mkdtempSync(join(tmpdir(), 'recc-keyless-')), 'rows.csv');
    writeFileSync(csv, toCsv({ columns: LIMAML_COLUMNS, rows }));
    const s = await streamData(g, { data: csv, skipBadRows: false, seed: 2, batch: 64, shuffleBuffer: 100, tasks: { key: 'user_id', perBatch: 16 } });
    expect(s.errors).toEqual([]);
    const seen: string[] = [];
    for await (const b of s.batches.epoch(0, 0)) seen.push(...groupByKey(b.keys.user_id!).keys());
    expect(seen.includes('')).toBe(false);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(s.batches.tasks!.count);
    // the split keeps the keyless rows together (one key's hash); with seed 2 they are all training rows
    expect(s.batches.tasks!.keyless).toBe(rows.filter((r) => r.user_id === '').length);
    // and the run says how many
    const seeded = join(csv, '../seed2.rec');
    writeFileSync(seeded, readFileSync(SPEC, 'utf8').replace('epochs: 1', 'epochs: 1\n    seed: 2'));
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/recc.js'), 'train', seeded, '--data', csv, '--stream', '-o', join(csv, '../out')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${s.batches.tasks!.keyless} training rows have no \`user_id\`: they are in no task (a task is the rows of one key)`);
  });
});

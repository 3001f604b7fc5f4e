// `recc eval` and `recc predict` on a model whose serving task is next_item (found by a probe of
// the metrics): eval read the task's item distribution as (loss, count) pairs and printed an nll
// of 0.94 where the held-out loss was 2.22, and predict stopped with an internal error and a stack
// trace. The reference for the nll is the task's objective lowered to ONNX (lowerFunction, the
// mean cross-entropy over every predicted position) on the same rows, overall and per group.
// Spawns the CLI: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { preprocess, slice } from '../../src/data/preprocess.js';
import { toCsv } from '../../src/data/write-csv.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { lowerFunction } from '../../src/lower/onnx/function.js';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { ort, runOnnx } from '../helpers/onnx.js';
import { inputFeeds } from '../helpers/rows.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'recc-eval-next-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });

const ITEMS = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
const SPEC = `model nx {
  features {
    items: seq(id(vocab: [${ITEMS.map((i) => `"${i}"`).join(', ')}], dim: 8), max_len: 5)
  }
  let net = relu(dense(items, 8))
  task next : next_item(items) { from: net }
  train { group_by: g }
}
`;

describe('a next_item serving task', () => {
  const spec = join(work, 'nx.rec');
  writeFileSync(spec, SPEC);
  const graph = analyzeFile(spec).graph!;
  const weights = initWeights(graph, 3);
  writeFileSync(join(work, 'w.safetensors'), encodeSafetensors(Object.fromEntries(graph.params.map((p) => [p.name, { shape: p.shape, data: weights[p.name]! }]))));
  // sequences of 1 to 7 items (cut to the last 5), an unknown item now and then, two groups
  const rng = seedrandom('next');
  const rows = Array.from({ length: 80 }, (_, i) => ({
    items: Array.from({ length: 1 + Math.floor(rng() * 7) }, () => (rng() < 0.05 ? 'zz' : ITEMS[Math.floor(rng() * ITEMS.length)]!)).join('|'),
    g: i % 3 === 0 ? 'x' : 'y',
  }));
  writeFileSync(join(work, 'seq.csv'), toCsv({ columns: ['items', 'g'], rows }));

  it('recc eval reports the mean loss over the predicted positions, as the objective computes it', async () => {
    const r = recc('eval', 'nx.rec', '--weights', 'w.safetensors', '--data', 'seq.csv', '--json');
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout).tasks.next as Record<string, { nll: number; n: number }>;
    const { dataset } = preprocess(graph, rows.map((row, i) => ({ row, line: i + 2 })), { file: 'seq.csv', keyColumns: ['g'] });
    const objective = lowerFunction(graph, { outputs: { '/objective': graph.tasks[0]!.objective! }, weights });
    const names = (await ort.InferenceSession.create(objective)).inputNames;
    const lossOf = async (idx: number[]) => {
      const feeds = inputFeeds(slice(dataset, idx));
      return (await runOnnx(objective, Object.fromEntries(names.map((k) => [k, feeds[k]!]))))['/objective']![0]!;
    };
    const all = rows.map((_, i) => i);
    const want = { all: await lossOf(all), 'g=x': await lossOf(all.filter((i) => rows[i]!.g === 'x')), 'g=y': await lossOf(all.filter((i) => rows[i]!.g === 'y')) };
    expect(want.all).toBeGreaterThan(1); // about ln 10: untrained scores over the table's 10 rows
    for (const [group, nll] of Object.entries(want)) expect(got[group]!.nll, group).toBeCloseTo(nll, 5);
  });

  it('recc predict says it writes no score of a next_item task, without a stack trace', () => {
    const r = recc('predict', 'nx.rec', '--weights', 'w.safetensors', '--data', 'seq.csv', '-o', 'p.csv');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("error: nx's serving task is `next`, next_item, which scores every item of a table: the ONNX file of `recc compile` serves that distribution; recc predict writes one score per row and task");
  });
});

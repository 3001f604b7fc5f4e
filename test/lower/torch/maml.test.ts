// MAML stages (LiMAML) in train.py of `recc export torch`: one outer step from recc's initial
// weights equals recc's own MAML step (src/train/maml-step.ts, TF.js) on every parameter to 1e-5,
// second order and first order (which differ); and two gloo ranks, each running the inner loops of
// its share of every batch's tasks, take the same steps as one rank, with identical parameters.
// The tasks are the rows sharing `user_id`, interleaved in the file (a task's rows in data order),
// of 2 to 7 rows, and one of a single row (no query row: skipped). θ_meta includes a table.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../../src/data/preprocess.js';
import type { Row } from '../../../src/data/row.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { initBackend } from '../../../src/lower/tfjs/backend.js';
import { initWeights } from '../../../src/lower/tfjs/init.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { train } from '../../../src/train/train.js';
import { freePort, haveTorch, readTensors, runTrainPy } from '../../helpers/torch.js';

const work = mkdtempSync(join(tmpdir(), 'recc-maml-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec = (order: string, perBatch: number, epochs: number) => `model maml_small {
  features {
    user_id: id(hash: 40, dim: 3)
    user_feats: dense(3)
    item_id: id(hash: 40, dim: 4)
    item_feats: dense(2)
    clicked: label
  }
  meta_block um by user_id {
    inner { steps: 1, lr: 0.5, order: ${order} }
    return dense(relu(dense(concat(user_feats, user_id), 4)), 2)
  }
  let x = concat(um, user_feats, item_feats, item_id)
  task click : binary(label: clicked) { tower: [4] }
  train {
    optimizer: sgd(lr: 0.5)
    epochs: ${epochs}
    tasks_per_batch: ${perBatch}
    support_fraction: 0.75
    seed: 3
  }
}
`;

/** Tasks of these sizes; rows dealt round-robin so that tasks interleave in the file. */
const TASK_ROWS = [5, 3, 7, 2, 4, 6, 1, 3, 5, 4];

function rows(): Row[] {
  const rng = seedrandom('maml-small');
  const vec = (n: number) => Array.from({ length: n }, () => (rng() * 2 - 1).toFixed(4)).join(',');
  const users = TASK_ROWS.map((_, u) => ({ feats: vec(3), left: TASK_ROWS[u]! }));
  const out: Row[] = [];
  while (users.some((u) => u.left > 0)) {
    users.forEach((u, k) => {
      if (u.left-- <= 0) return;
      out.push({ user_id: `u${k}`, user_feats: u.feats, item_id: String(Math.floor(rng() * 30)), item_feats: vec(2), clicked: rng() < 0.5 ? 0 : 1 });
    });
  }
  return out;
}




const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The package of a spec and the data as CSV. */
function setup(name: string, text: string) {
  const specFile = join(work, `${name}.rec`);
  writeFileSync(specFile, text);
  const a = analyzeFile(specFile);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const g = a.graph!;
  const dir = join(work, name);
  writeDirectoryAtomic(dir, torchPackage(g, { specFile, reccVersion: 'test' }));
  const data = rows();
  const csv = join(work, `${name}.csv`);
  writeFileSync(csv, toCsv({ columns: Object.keys(data[0]!), rows: data }));
  return { g, dir, csv, data };
}

/** One MAML step of train.py and of recc train (every task in one batch); the weights of both. */
async function oneStep(name: string, order: string) {
  const { g, dir, csv, data } = setup(name, spec(order, 16, 1));
  const out = join(work, `${name}.safetensors`);
  const printed = await runTrainPy([join(dir, 'train.py'), '--data', csv, '--no-split', '--out', out, '--threads', '1']);
  expect(printed).toContain('stage train: 1 MAML steps');

  const { dataset } = preprocess(g, data.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: ['user_id'], skipBadRows: false });
  await initBackend('cpu');
  const all = Int32Array.from({ length: data.length }, (_, i) => i);
  const recc = await train(tf, g, dataset, { train: all, test: all }, { outDir: join(work, `${name}-recc`), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
  expect(recc.state.step).toBe(1);
  return { g, torch: readTensors(out), recc: recc.weights };
}

describe.runIf(haveTorch())('train.py trains MAML stages as recc train does', () => {
  it('one second-order step equals recc’s, every parameter to 1e-5; first order too, and they differ', async () => {
    const second = await oneStep('second', 'second');
    const first = await oneStep('first', 'first');
    const init = initWeights(second.g, second.g.train.seed);
    let moved = 0;
    let orders = 0;
    for (const p of second.g.params) {
      expect(maxDiff(second.torch[p.name]!.data, second.recc[p.name]!), `${p.name}: second order, train.py vs recc`).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(first.torch[p.name]!.data, first.recc[p.name]!), `${p.name}: first order, train.py vs recc`).toBeLessThanOrEqual(1e-5);
      moved = Math.max(moved, maxDiff(second.torch[p.name]!.data, init[p.name]!));
      orders = Math.max(orders, maxDiff(second.torch[p.name]!.data, first.torch[p.name]!.data));
    }
    expect(moved, 'the step moved the weights').toBeGreaterThan(1e-3);
    expect(orders, 'second order differs from first').toBeGreaterThan(1e-6);
  }, 60_000);

  // 10 tasks, 3 a batch: 4 batches an epoch (the last of one task), shared 2 / 1 between the ranks
  it('two gloo ranks take the same steps as one, with identical parameters', async () => {
    const { g, dir, csv } = setup('ddp', spec('second', 3, 2));
    const args = (out: string) => [join(dir, 'train.py'), '--data', csv, '--no-split', '--out', out, '--losses', `${out}.losses`, '--threads', '1'];
    const port = String(await freePort());
    const env = (rank: number) => ({ MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: '2', RANK: String(rank), LOCAL_RANK: String(rank) });
    const one = join(work, 'ddp-one.safetensors');
    const two = join(work, 'ddp-two.safetensors');
    await Promise.all([runTrainPy(args(one)), ...[0, 1].map((r) => runTrainPy([...args(two), '--save-every-rank'], env(r)))]);
    const [w1, r0, r1] = [readTensors(one), readTensors(`${two}.rank0`), readTensors(`${two}.rank1`)];
    const init = initWeights(g, g.train.seed);
    let moved = 0;
    for (const p of g.params) {
      expect(Array.from(r1[p.name]!.data), `${p.name}: rank 1 equals rank 0`).toEqual(Array.from(r0[p.name]!.data));
      expect(maxDiff(r0[p.name]!.data, w1[p.name]!.data), `${p.name}: 2 ranks vs 1`).toBeLessThanOrEqual(1e-5);
      moved = Math.max(moved, maxDiff(w1[p.name]!.data, init[p.name]!));
    }
    expect(moved, 'training moved the weights').toBeGreaterThan(1e-3);
    const losses = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map(Number);
    expect(losses(`${one}.losses`)).toHaveLength(8);
    expect(maxDiff(losses(`${two}.losses`), losses(`${one}.losses`))).toBeLessThanOrEqual(1e-5);
  }, 60_000);
});

// train.py of `recc export torch` under torch.distributed: two gloo ranks, each given half of
// every batch, take the same steps as one rank given the whole batch (20 SGD steps; and a
// two-stage plan with Adagrad on sparse feature tables, Adam on the rest and a frozen group), to
// 1e-5; both ranks end with bit-identical parameters; and training moved them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { initWeights } from '../../../src/lower/tfjs/init.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { expectRelClose } from '../../grad/close.js';
import { randomRows } from '../../helpers/rows.js';
import { freePort, haveTorch, readTensors, runTrainPy } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'recc-ddp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SGD_SPEC = `model small {
  features {
    user: id(hash: 500, dim: 8)
    item: id(hash: 500, dim: 8)
    history: seq(item, max_len: 5, sep: "|")
    avc: bucketize(boundaries: [1, 10, 100], dim: 4)
    x: dense(3)
    rating: label
  }
  let trunk = mlp(concat(user, item, mean(history), avc, x), [16, 8])
  task like : binary(label: rating >= 1) { tower: [8] }
  task score : regression(label: rating) { tower: [4] }
  train {
    optimizer: sgd(lr: 0.5)
    batch: 64
    epochs: 1
    seed: 3
  }
}
`;




async function oneAndTwoRanks(name: string, specText: string, rows: number, steps: number): Promise<void> {
  const dir = join(work, name);
  const specFile = join(work, `${name}.rec`);
  writeFileSync(specFile, specText);
  const g = analyzeFile(specFile).graph!;
  const init = initWeights(g, g.train.seed);
  writeDirectoryAtomic(dir, torchPackage(g, { specFile, reccVersion: 'test' }));
  const data = randomRows(g, rows, name);
  const csv = join(work, `${name}.csv`);
  writeFileSync(csv, toCsv({ columns: Object.keys(data[0]!), rows: data }));
  const train = (out: string) => [join(dir, 'train.py'), '--data', csv, '--no-split', '--out', out, '--losses', `${out}.losses`, '--max-steps', String(steps), '--threads', '1'];
  const port = String(await freePort());
  const env = (rank: number) => ({ MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: '2', RANK: String(rank), LOCAL_RANK: String(rank) });
  const two = join(work, `${name}-two.safetensors`);
  // the single rank and the pair at once: most of each process's time is importing torch
  await Promise.all([runTrainPy(train(join(work, `${name}-one.safetensors`))), ...[0, 1].map((r) => runTrainPy([...train(two), '--save-every-rank'], env(r)))]);

  const one = readTensors(join(work, `${name}-one.safetensors`));
  const [r0, r1] = [readTensors(`${two}.rank0`), readTensors(`${two}.rank1`)];
  expect(Object.keys(one).sort()).toEqual(g.params.map((p) => p.name).sort());
  let moved = 0;
  for (const p of g.params) {
    expect(Array.from(r1[p.name]!.data), `${p.name}: rank 1 equals rank 0`).toEqual(Array.from(r0[p.name]!.data));
    expectRelClose(r0[p.name]!.data, one[p.name]!.data, 1e-5, `${p.name}: 2 ranks vs 1`);
    moved = Math.max(moved, ...one[p.name]!.data.map((v, i) => Math.abs(v - init[p.name]![i]!)));
  }
  expect(moved, 'training changed the weights').toBeGreaterThan(1e-3);
  const losses = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map(Number);
  const l1 = losses(join(work, `${name}-one.safetensors.losses`));
  expect(l1.length).toBe(steps * g.plan.stages.length);
  expectRelClose(losses(`${two}.losses`), l1, 1e-5, 'losses per step');
}

describe.runIf(haveTorch())('train.py on two gloo ranks equals one rank', () => {
  it('20 SGD steps, batch 64 as 2 × 32', async () => {
    await oneAndTwoRanks('sgd', SGD_SPEC, 20 * 64, 20);
  });

  // 315 rows: the last batch of each epoch, 27 rows, is shared 14 / 13
  it('two stages: sparse Adagrad tables, Adam, a frozen group in the second stage; uneven shares', async () => {
    await oneAndTwoRanks('two-stage', readFileSync(join(ROOT, 'test/fixtures/specs/two-stage.rec'), 'utf8'), 10 * 32 - 5, 10);
  });
});

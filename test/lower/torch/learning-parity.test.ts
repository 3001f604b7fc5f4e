// Learning parity: train.py (PyTorch) and recc's own trainer (TF.js) take the same steps from the
// same initial weights. Full-batch steps (batch ≥ rows) make the order of the rows irrelevant, so
// the two shufflers do not matter: 6 steps of SGD, Adam (SparseAdam on the tables) and Adagrad
// with warm-up (in steps, or a fraction of the run), cosine decay and global-norm clipping, sparse feature tables with a padding row;
// the weights agree to 1e-4 of their largest value (float32 on both sides).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../../src/data/preprocess.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { decodeSafetensors } from '../../../src/io/safetensors.js';
import { initBackend } from '../../../src/lower/tfjs/backend.js';
import { initWeights } from '../../../src/lower/tfjs/init.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { train } from '../../../src/train/train.js';
import { expectRelClose } from '../../grad/close.js';
import { randomRows } from '../../helpers/rows.js';
import { haveTorch } from '../../helpers/torch.js';

const work = mkdtempSync(join(tmpdir(), 'recc-learning-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ROWS = 200;

const spec = (optimizer: string, clip: number, warmup: string) => `model parity {
  features {
    user: id(hash: 300, dim: 8)
    item: id(hash: 300, dim: 8)
    history: seq(item, max_len: 4, sep: "|")
    x: dense(3)
    rating: label
  }
  let trunk = mlp(concat(user, item, mean(history), x), [16])
  task like : binary(label: rating >= 1) { tower: [8] }
  train {
    optimizer: ${optimizer}
    batch: 256
    epochs: 6
    warmup: ${warmup}
    lr_decay: cosine()
    clip_norm: ${clip}
    seed: 5
  }
}
`;

async function parity(name: string, optimizer: string, clip: number, warmup = '2'): Promise<void> {
    const specFile = join(work, `${name}.rec`);
    writeFileSync(specFile, spec(optimizer, clip, warmup));
    const g = analyzeFile(specFile).graph!;
    const rows = randomRows(g, ROWS, 'parity');
    const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: [], skipBadRows: false });
    await initBackend('cpu');
    const all = Int32Array.from({ length: ROWS }, (_, i) => i);
    const recc = await train(tf, g, dataset, { train: all, test: all.subarray(0, 20) }, { outDir: join(work, `${name}-recc`), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });

    const init = initWeights(g, g.train.seed);
    const dir = join(work, `${name}-pkg`);
    writeDirectoryAtomic(dir, torchPackage(g, { specFile, reccVersion: 'test' }));
    const csv = join(work, 'rows.csv');
    writeFileSync(csv, toCsv({ columns: Object.keys(rows[0]!), rows }));
    const out = join(work, `${name}.safetensors`);
    const r = spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--data', csv, '--no-split', '--out', out, '--threads', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('stage train: 6 steps');
    const got = decodeSafetensors(readFileSync(out));
    if ('error' in got) throw new Error(got.error);
    let moved = 0;
    for (const p of g.params) {
      expectRelClose(got.tensors[p.name]!.data, recc.weights[p.name]!, 1e-4, p.name);
      moved = Math.max(moved, ...recc.weights[p.name]!.map((v, i) => Math.abs(v - init[p.name]![i]!)));
    }
    expect(moved).toBeGreaterThan(1e-2);
}

describe.runIf(haveTorch())('train.py learns as recc train does', () => {
  it('6 full-batch SGD steps with warm-up, cosine decay and clipping', async () => {
    await parity('sgd', 'sgd(lr: 2.0)', 0.02);
  });

  it('the same with Adam (SparseAdam on the tables, recc’s lazy Adam)', async () => {
    await parity('adam', 'adam(lr: 0.01)', 0.02);
  });

  it('the same with Adagrad', async () => {
    await parity('adagrad', 'adagrad(lr: 0.5)', 0.02);
  });

  it('a warm-up given as a fraction of the run rounds up alike (0.4 of 6 steps is 3, not 2)', async () => {
    await parity('fraction', 'sgd(lr: 2.0)', 0.02, '0.4');
  });
});

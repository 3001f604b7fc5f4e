// split.py of `recc export torch` holds out the rows recc holds out (src/data/split.ts): random,
// by_key and chronological splits over several seeds, with unicode keys, numeric and text time
// columns, ties and JavaScript's halves-up rounding; and train.py, given no --test, trains on the
// rows recc trains on and evaluates on the ones it holds out.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../../src/data/preprocess.js';
import { byKeySplit, chronologicalSplit, randomSplit, split } from '../../../src/data/split.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { decodeSafetensors } from '../../../src/io/safetensors.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { initBackend } from '../../../src/lower/tfjs/backend.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { train } from '../../../src/train/train.js';
import { expectRelClose } from '../../grad/close.js';
import { randomRows } from '../../helpers/rows.js';
import { haveTorch } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const RUNTIME = join(ROOT, 'runtime/torch');
const work = mkdtempSync(join(tmpdir(), 'recc-split-py-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ROWS = 240;

// a batch larger than the training rows: every step is the full batch, so the rows' order (torch's
// shuffle, recc's) does not matter and the weights must agree when the held-out rows do
const SPEC = `model split_parity {
  features {
    user: id(hash: 300, dim: 8)
    item: id(hash: 300, dim: 8)
    x: dense(3)
    rating: label
  }
  let trunk = mlp(concat(user, item, x), [16])
  task like : binary(label: rating >= 1) { tower: [8] }
  train {
    optimizer: sgd(lr: 0.5)
    batch: 1024
    epochs: 4
    seed: 11
    split: by_key(user, test: 0.3)
    metrics: [auc, gauc(by: user)]
    group_by: segment
  }
}
`;

type Job = { kind: 'random'; n: number; test: number; seed: number } | { kind: 'by_key'; keys: string[]; test: number; seed: number } | { kind: 'chronological'; order: string[]; test: number };

function inPython(jobs: Job[]): Array<{ train: number[]; test: number[] } | null> {
  const code = `
import json, sys
sys.path.insert(0, ${JSON.stringify(RUNTIME)})
import split
out = []
for j in json.load(sys.stdin):
    if j["kind"] == "random":
        tr, te = split.random_split(j["n"], j["test"], j["seed"])
    elif j["kind"] == "by_key":
        tr, te = split.by_key_split(j["keys"], j["test"], j["seed"])
    else:
        try:
            tr, te = split.chronological_split(j["order"], j["test"])
        except ValueError:
            out.append(None)  # refused, as recc refuses it
            continue
    out.append({"train": tr.tolist(), "test": te.tolist()})
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], { input: JSON.stringify(jobs), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function inRecc(j: Job): { train: number[]; test: number[] } | null {
  let s;
  try {
    s = j.kind === 'random' ? randomSplit(j.n, j.test, j.seed) : j.kind === 'by_key' ? byKeySplit(j.keys, j.test, j.seed) : chronologicalSplit(j.order, j.test);
  } catch {
    return null; // a time column recc refuses (its loader reports the cell: REC6002)
  }
  return { train: [...s.train], test: [...s.test] };
}

describe.runIf(haveTorch())('split.py equals recc', () => {
  it("draws seedrandom's doubles bit for bit (ARC4, long and unicode seeds)", () => {
    const seeds = ['split:1', 'split:2024', '', 'é☃𝄞x'.repeat(90)];
    const code = `
import json, sys
sys.path.insert(0, ${JSON.stringify(RUNTIME)})
from split import SeedRandom
out = []
for seed in json.load(sys.stdin):
    r = SeedRandom(seed)
    out.append([repr(r()) for _ in range(50)])
print(json.dumps(out))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', code], { input: JSON.stringify(seeds), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const py = (JSON.parse(r.stdout) as string[][]).map((xs) => xs.map(Number));
    seeds.forEach((seed, k) => {
      const rng = seedrandom(seed);
      expect(py[k], JSON.stringify(seed.slice(0, 12))).toEqual(Array.from({ length: 50 }, () => rng()));
    });
  });

  it('for random, by_key and chronological splits', () => {
    const rng = seedrandom('split-py');
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const names = ['ann', 'bob', 'Zoë', 'zoe', 'émile', '李', '𝄞clef', '10', '9', ''];
    const jobs: Job[] = [];
    for (const seed of [1, 2, 7, 42, 2024]) {
      for (const test of [0.1, 0.25, 0.5]) {
        jobs.push({ kind: 'random', n: 997, test, seed });
        jobs.push({ kind: 'by_key', keys: Array.from({ length: 400 }, () => pick(names) + String(Math.floor(rng() * 30))), test, seed });
      }
    }
    // 10 rows × 0.25 = 2.5 → 3 (halves up, as Math.round)
    jobs.push({ kind: 'random', n: 10, test: 0.25, seed: 3 });
    jobs.push({ kind: 'chronological', order: Array.from({ length: 300 }, () => String(Math.floor(rng() * 50))), test: 0.2 });
    jobs.push({ kind: 'chronological', order: Array.from({ length: 300 }, () => ` ${(rng() * 1e3 - 500).toFixed(2)}e1 `), test: 0.3 });
    jobs.push({ kind: 'chronological', order: Array.from({ length: 300 }, () => `2024-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 10)}`), test: 0.25 });
    // dates with zones, fractions, a space for the T, years before 100, leap days: by the time they name
    const pad = (x: number, w = 2) => String(x).padStart(w, '0');
    jobs.push({
      kind: 'chronological',
      order: Array.from({ length: 300 }, () => `${pad(pick([24, 1900, 2000, 2023, 2024]), 4)}-02-${pad(1 + Math.floor(rng() * 28))}${pick(['T', ' '])}${pad(Math.floor(rng() * 24))}:${pad(Math.floor(rng() * 60))}:${pad(Math.floor(rng() * 60))}${pick(['', '.5', '.125'])}${pick(['', 'Z', '+05:30', '-0800'])}`),
      test: 0.3,
    });
    jobs.push({ kind: 'chronological', order: ['2000-02-29', '1900-03-01', '2024-02-29T00:00:00Z', '0024-02-29', '1899-12-31T23:59:59.999-01:00'], test: 0.4 });
    // refused by both (not numbers, nor dates; a day February lacks; numbers among dates): never text order
    jobs.push({ kind: 'chronological', order: ['0x10', '3', '1e1', '0b11', '7'], test: 0.4 });
    jobs.push({ kind: 'chronological', order: ['3', '', '2', 'Infinity', '1'], test: 0.4 });
    jobs.push({ kind: 'chronological', order: ['2023-02-28', '2023-02-29'], test: 0.5 });
    jobs.push({ kind: 'chronological', order: ['2024-01-01', '17'], test: 0.5 });
    const py = inPython(jobs);
    jobs.forEach((j, k) => expect(py[k], `${j.kind} #${k}`).toEqual(inRecc(j)));
    // the last four refused, every other job split
    expect(jobs.map((j) => inRecc(j) === null)).toEqual(jobs.map((_, k) => k >= jobs.length - 4));
  });

  it('train.py without --test trains on the rows recc trains on (full-batch steps: the same weights) and evaluates the held-out ones', async () => {
    const specFile = join(work, 'split.rec');
    writeFileSync(specFile, SPEC);
    const g = analyzeFile(specFile).graph!;
    // 20 users of 12 rows each (a GAUC over users has users of both classes), and a column the
    // model does not read that slices the evaluation: three groups, one of them unicode
    const rows = randomRows(g, ROWS, 'split-py').map((row, i) => ({ ...row, user: `u${i % 20}`, segment: ['new', 'regular', 'ré'][i % 3]! }));
    const { dataset } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'rows', keyColumns: ['user', 'segment'], skipBadRows: false });
    const parts = split(dataset, g.train.split, g.train.seed);
    expect(parts.test.length).toBeGreaterThan(20);
    await initBackend('cpu');
    const recc = await train(tf, g, dataset, parts, { outDir: join(work, 'recc'), resume: false, checkpointEvery: 1e9, log: () => {}, progress: false });
    const dir = join(work, 'pkg');
    writeDirectoryAtomic(dir, torchPackage(g, { specFile, reccVersion: 'test' }));
    const csv = join(work, 'rows.csv');
    writeFileSync(csv, toCsv({ columns: Object.keys(rows[0]!), rows }));
    const out = join(work, 'split.safetensors');
    const r = spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--data', csv, '--out', out, '--threads', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`stage train: ${parts.train.length} training rows, ${parts.test.length} held out (by_key(user, test: 0.3), seed 11)`);
    expect(r.stdout).toMatch(/like auc 0\.\d{4}/);
    // the whole held-out set and each group of `group_by`, with its rows: recc's numbers (the same
    // weights to 1e-4, so the same ranking but for near ties)
    const printed = (name: string) => {
      const m = new RegExp(`^  like ${name.replace(/[()]/g, '\\$&')} (\\S+)(?: \\(n (\\d+)\\))?$`, 'm').exec(r.stdout);
      expect(m, `${name} in\n${r.stdout}`).not.toBeNull();
      return { value: Number(m![1]), n: m![2] === undefined ? undefined : Number(m![2]) };
    };
    const evaluation = recc.evaluation.tasks.like!;
    for (const row of Object.values(evaluation)) expect([row.auc, row.gauc].every(Number.isFinite)).toBe(true);
    expect(Object.keys(evaluation)).toEqual(['all', 'segment=new', 'segment=regular', 'segment=ré']);
    expect(printed('auc').value).toBeCloseTo(evaluation.all!.auc!, 3);
    expect(printed('gauc(user)').value).toBeCloseTo(evaluation.all!.gauc!, 3);
    for (const group of ['new', 'regular', 'ré']) {
      const mine = evaluation[`segment=${group}`]!;
      const auc = printed(`auc segment=${group}`);
      expect(auc.value).toBeCloseTo(mine.auc!, 3);
      expect(auc.n).toBe(mine.n);
      expect(printed(`gauc(user) segment=${group}`).value).toBeCloseTo(mine.gauc!, 3);
    }
    const got = decodeSafetensors(readFileSync(out));
    if ('error' in got) throw new Error(got.error);
    for (const p of g.params) expectRelClose(got.tensors[p.name]!.data, recc.weights[p.name]!, 1e-4, p.name);
  }, 120_000);
});

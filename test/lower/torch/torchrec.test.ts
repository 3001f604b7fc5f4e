// train.py --torchrec: the feature tables read by one lookup alone go to TorchRec (an
// EmbeddingCollection sharded by DistributedModelParallel, optimizers fused into the backward).
// TorchRec cannot be installed here, so train.py runs against a shim of the TorchRec API it uses
// (fixtures/torchrec_shim, plain torch, one process, written from TorchRec's docs). With plain SGD
// and Adagrad, no clipping and a constant learning rate, TorchRec's tables step exactly as the
// module's own: the weights equal those of --torchrec off (1e-6), which checks the jagged batches
// (padding left out), the names both ways and the optimizers; and row 0 stays zero.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { decodeSafetensors } from '../../../src/io/safetensors.js';
import { torchrecEligible } from '../../../src/lower/torch/module.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyze, analyzeFile } from '../../../src/semantics/analyze.js';
import { randomRows } from '../../helpers/rows.js';
import { haveTorch } from '../../helpers/torch.js';

const work = mkdtempSync(join(tmpdir(), 'recc-torchrec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const SHIM = join(import.meta.dirname, 'fixtures/torchrec_shim');

// item's table is read twice (item and history): it stays a module parameter
const spec = (optimizer: string) => `model tr {
  features {
    user: id(hash: 300, dim: 8)
    item: id(hash: 300, dim: 8)
    history: seq(item, max_len: 4, sep: "|")
    tags: seq(id(hash: 200, dim: 8), max_len: 3, sep: "|")
    x: dense(3)
    rating: label
  }
  let trunk = mlp(concat(user, item, mean(history), sum(tags), x), [16])
  task like : binary(label: rating >= 1) { tower: [8] }
  train {
    optimizer: ${optimizer}
    batch: 64
    epochs: 2
    seed: 5
  }
}
`;

function exported(name: string, text: string): string {
  const file = join(work, `${name}.rec`);
  writeFileSync(file, text);
  const g = analyzeFile(file).graph!;
  const dir = join(work, `${name}-pkg`);
  writeDirectoryAtomic(dir, torchPackage(g, { specFile: file, reccVersion: 'test' }));
  const rows = randomRows(g, 300, name);
  writeFileSync(join(dir, 'rows.csv'), toCsv({ columns: Object.keys(rows[0]!), rows }));
  return dir;
}

function trainPy(dir: string, out: string, args: string[], shim: boolean, split = false) {
  const env = { ...process.env, OMP_NUM_THREADS: '1', ...(shim ? { PYTHONPATH: SHIM } : {}) };
  return spawnSync('/usr/bin/python3', [join(dir, 'train.py'), '--data', join(dir, 'rows.csv'), ...(split ? [] : ['--no-split']), '--threads', '1', '--out', join(work, out), ...args], { encoding: 'utf8', env });
}

function weightsOf(path: string) {
  const got = decodeSafetensors(readFileSync(path));
  if ('error' in got) throw new Error(got.error);
  return got.tensors;
}

describe('the tables TorchRec may own', () => {
  it('are the padded tables read by one lookup and nothing else', () => {
    const g = analyze(spec('sgd(lr: 0.5)'), 'tr.rec').graph!;
    expect(torchrecEligible(g).sort()).toEqual(['features.tags.table', 'features.user.table']);
  });
});

describe.runIf(haveTorch())('train.py --torchrec (against a shim of TorchRec’s API)', () => {
  for (const [name, optimizer] of [['sgd', 'sgd(lr: 0.5)'], ['adagrad', 'adagrad(lr: 0.3)']] as const) {
    it(`${name}: TorchRec's tables step as the module's own, and row 0 stays zero`, () => {
      const dir = exported(name, spec(optimizer));
      const off = trainPy(dir, `${name}-off.safetensors`, ['--torchrec', 'off'], true);
      expect(off.status, off.stderr).toBe(0);
      const on = trainPy(dir, `${name}-on.safetensors`, ['--torchrec', 'on', '--torchrec-rows', '100'], true);
      expect(on.status, on.stderr).toBe(0);
      expect(on.stdout).toContain('TorchRec trains 2 feature tables (features.tags.table, features.user.table)');
      const [a, b] = [weightsOf(join(work, `${name}-off.safetensors`)), weightsOf(join(work, `${name}-on.safetensors`))];
      const init = weightsOf(join(dir, 'init.safetensors'));
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const k of Object.keys(a)) {
        const diff = a[k]!.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b[k]!.data[i]!)), 0);
        expect(diff, k).toBeLessThan(1e-6);
      }
      for (const t of ['features.tags.table', 'features.user.table']) {
        const moved = b[t]!.data.reduce((m, v, i) => Math.max(m, Math.abs(v - init[t]!.data[i]!)), 0);
        expect(moved, t).toBeGreaterThan(1e-3);
        expect(Array.from(b[t]!.data.slice(0, 8))).toEqual(new Array(8).fill(0));
      }
    });
  }

  it('evaluates the held-out rows through TorchRec\'s lookups: the same AUC as --torchrec off', () => {
    const dir = exported('held', spec('sgd(lr: 0.5)'));
    const auc = (args: string[]) => {
      const r = trainPy(dir, 'held.safetensors', args, true, true);
      expect(r.status, r.stderr).toBe(0);
      return /like auc ([\d.]+)/.exec(r.stdout)?.[1];
    };
    const off = auc(['--torchrec', 'off']);
    expect(off).toMatch(/^0\.\d{4}$/);
    expect(auc(['--torchrec', 'on', '--torchrec-rows', '100'])).toBe(off);
  });

  it('--torchrec on says why it cannot, in one line: torchrec missing, no table large enough', () => {
    const dir = exported('why', spec('sgd(lr: 0.5)'));
    const missing = trainPy(dir, 'why.safetensors', ['--torchrec', 'on', '--torchrec-rows', '100'], false);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, 'error: --torchrec on: torchrec does not import here (pip install torchrec, with fbgemm-gpu)']);
    const small = trainPy(dir, 'why.safetensors', ['--torchrec', 'on'], true);
    expect([small.status, small.stderr.trim()]).toEqual([1, 'error: --torchrec on: no feature table read by one lookup alone has 100000 rows or more (--torchrec-rows)']);
    // auto: tables below the threshold stay module parameters, silently
    const auto = trainPy(dir, 'why.safetensors', [], true);
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stdout).not.toContain('TorchRec');
  });
});

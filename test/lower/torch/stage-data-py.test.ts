// The stages' own data in train.py. recc train reads each stage's `data:` from the spec; train.py
// cannot (the package does not hold the spec's files, and `synth(…)` is recc's), so it takes a
// stage's file with `--stage-data STAGE=FILE` and trains the others on `--data`. Found by a probe
// of the CLI: PeterRec's pretraining ran on the labelled file without a word.
//
// The reference is recc train on the same files: full-batch SGD steps (batch ≥ rows), so the two
// shufflers do not matter, and the held-out rows are the same (split.py is recc's split).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../../src/io/safetensors.js';
import { expectRelClose } from '../../grad/close.js';
import { haveTorch } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'recc-stage-data-py-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec = (stageData: string) => `model two {
  features {
    x: dense(3)
    clicked: label
  }
  task click : binary(label: clicked) { from: x  tower: [4] }
  train { data: "b.csv"  epochs: 3  batch: 64  optimizer: sgd(lr: 0.5)  split: random(test: 0.25)  seed: 3 }
  stage first { ${stageData} }
  stage second { }
}
`;

// Two files that teach different things: in a.csv the label follows x0, in b.csv it follows x2.
const rows = (n: number, label: (x: number[]) => number) => {
  const lines = ['x,clicked'];
  for (let i = 0; i < n; i++) {
    const x = [((i * 7) % 11) / 11 - 0.5, ((i * 5) % 13) / 13 - 0.5, ((i * 3) % 17) / 17 - 0.5];
    lines.push(`"${x.join(',')}",${label(x)}`);
  }
  return `${lines.join('\n')}\n`;
};
writeFileSync(join(work, 'a.csv'), rows(40, (x) => (x[0]! > 0 ? 1 : 0)));
writeFileSync(join(work, 'b.csv'), rows(24, (x) => (x[2]! > 0 ? 1 : 0)));

const recc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });
const trainPy = (pkg: string, args: string[]) => spawnSync('/usr/bin/python3', [join(pkg, 'train.py'), '--threads', '1', ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });

function exported(name: string, text: string): string {
  writeFileSync(join(work, `${name}.rec`), text);
  const r = recc(['export', 'torch', `${name}.rec`, '-o', name]);
  expect(r.status, r.stderr).toBe(0);
  return join(work, name);
}

function weights(file: string): Record<string, Float32Array> {
  const got = decodeSafetensors(readFileSync(file));
  if ('error' in got) throw new Error(got.error);
  return Object.fromEntries(Object.entries(got.tensors).map(([k, t]) => [k, t.data as Float32Array]));
}

describe.runIf(haveTorch())("train.py and the stages' own data", () => {
  it('--stage-data trains a stage on its own file, as recc train trains it on its `data:`', () => {
    const pkg = exported('differ', spec('data: "a.csv"'));
    const trained = recc(['train', 'differ.rec', '-o', 'recc-run', '--backend', 'cpu']);
    expect(trained.status, trained.stderr + trained.stdout).toBe(0);
    const reference = weights(join(work, 'recc-run/model.safetensors'));

    const own = trainPy(pkg, ['--stage-data', 'first=a.csv', '--data', 'b.csv', '--out', 'own.safetensors']);
    expect(own.status, own.stderr).toBe(0);
    // each stage's rows and held-out rows are its own file's (40 and 24 rows, a quarter held out)
    expect(own.stdout).toContain('stage first: 30 training rows of a.csv, 10 held out');
    expect(own.stdout).toContain('stage second: 18 training rows of b.csv, 6 held out');
    expect(own.stdout).not.toContain('note:');
    const got = weights(join(work, 'own.safetensors'));
    expect(Object.keys(got).sort()).toEqual(Object.keys(reference).sort());
    for (const [name, w] of Object.entries(reference)) expectRelClose(got[name]!, w, 1e-4, name);

    // without it every stage trains on --data, and says so: other weights
    const all = trainPy(pkg, ['--data', 'b.csv', '--out', 'all.safetensors']);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toContain(
      "note: the spec's stages read different data (first: a.csv, second: b.csv); train.py trains every stage on --data (b.csv): give a stage its own with --stage-data STAGE=FILE",
    );
    const other = weights(join(work, 'all.safetensors'));
    const gap = Math.max(...Object.entries(reference).flatMap(([name, w]) => [...w].map((v, i) => Math.abs(v - other[name]![i]!))));
    expect(gap).toBeGreaterThan(1e-3);

    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    expect(readme).toContain('python3 train.py --stage-data first=first.csv --data data.csv --out model.safetensors');
    expect(readme).toContain('A stage trains on `--data` unless given `--stage-data`');
  }, 180_000);

  it('a spec whose stages read the same data: no --stage-data in the README, no note', () => {
    const pkg = exported('same', spec(''));
    const r = trainPy(pkg, ['--data', 'b.csv', '--out', 'same.safetensors', '--max-steps', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('note:');
    expect(r.stdout).toContain('stage first: 18 training rows, 6 held out');
    expect(readFileSync(join(pkg, 'README.md'), 'utf8')).not.toContain('--stage-data');
  }, 120_000);

  it('refuses a stage the spec lacks, a stage given twice, a value without `=` and a missing file, in one line', () => {
    const pkg = exported('refusals', spec('data: "a.csv"'));
    const cases: Array<[string[], RegExp]> = [
      [['--stage-data', 'third=a.csv'], /^error: --stage-data third=a\.csv: the spec has no stage `third` \(its stages: first, second\)$/m],
      [['--stage-data', 'first=a.csv', '--stage-data', 'first=b.csv'], /^error: --stage-data gives stage `first` two files \(a\.csv, b\.csv\)$/m],
      [['--stage-data', 'first'], /argument --stage-data: 'first' is not STAGE=FILE/],
      // a file that is not there, given to a stage or as --data: one line, no traceback
      [['--stage-data', 'first=missing.csv'], /^error: cannot read missing\.csv: No such file or directory \[REC2009\]$/m],
    ];
    for (const [args, want] of cases) {
      const r = trainPy(pkg, [...args, '--data', 'b.csv', '--out', 'x.safetensors']);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(want);
      expect(r.stderr).not.toContain('Traceback');
    }
    const missing = trainPy(pkg, ['--data', 'nowhere.csv', '--out', 'x.safetensors']);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, 'error: cannot read nowhere.csv: No such file or directory [REC2009]']);
  }, 120_000);
});

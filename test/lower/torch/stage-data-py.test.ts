// train.py trains every stage on --data, while recc train reads each stage's own `data:`. A spec
// whose stages read different data says so in the package's README and when train.py starts
// (found by a probe of the CLI: PeterRec's pretraining ran on the labelled file without a word).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haveTorch } from '../../helpers/torch.js';

const ROOT = join(import.meta.dirname, '../../..');
const spec = (stageData: string) => `model two {
  features {
    x: dense(3)
    clicked: label
  }
  task click : binary(label: clicked) { from: x }
  train { data: "b.csv"  epochs: 1  batch: 8 }
  stage first { ${stageData} }
  stage second { }
}
`;

describe.runIf(haveTorch())('train.py and the stages\' own data', () => {
  it('says that it trains every stage on --data when the spec\'s stages read different files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-stage-data-py-'));
    const rows = ['x,clicked', ...Array.from({ length: 40 }, (_, i) => `"${i % 3},${i % 5},${i % 7}",${i % 2}`)].join('\n');
    writeFileSync(join(dir, 'a.csv'), `${rows}\n`);
    writeFileSync(join(dir, 'b.csv'), `${rows}\n`);
    const exported = (name: string, text: string) => {
      writeFileSync(join(dir, `${name}.rec`), text);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), 'export', 'torch', `${name}.rec`, '-o', name], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const run = spawnSync('/usr/bin/python3', [join(name, 'train.py'), '--data', 'b.csv', '--threads', '1', '--out', `${name}.safetensors`], { cwd: dir, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      return { readme: readFileSync(join(dir, name, 'README.md'), 'utf8'), out: run.stdout };
    };
    const differ = exported('differ', spec('data: "a.csv"'));
    expect(differ.readme).toContain('Every stage trains on `--data`');
    expect(differ.out).toContain("note: the spec's stages read different data (first: a.csv, second: b.csv); train.py trains every stage on --data (b.csv)");
    const same = exported('same', spec(''));
    expect(same.readme).not.toContain('Every stage trains on `--data`');
    expect(same.out).not.toContain('note:');
  }, 120_000);
});

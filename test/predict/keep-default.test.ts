// `recc predict` copies the spec's key columns before the scores unless --keep says otherwise. A
// key column named like a task (`task is_new` beside `group_by: is_new`) would give the output
// two columns of one name: by default it is left out, with a note, rather than refused, since
// the user asked for no column; asked for by --keep, it is still refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initWeights } from '../../src/lower/tfjs/init.js';
import { analyze } from '../../src/semantics/analyze.js';
import { saveWeights } from '../../src/train/checkpoint.js';

const ROOT = join(import.meta.dirname, '../..');
const recc = (args: string[], cwd: string) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd, encoding: 'utf8' });

describe('recc predict, default kept columns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recc-keep-default-'));
  const text = `model m {
  features {
    user_id: id(hash: 10, dim: 2)
    rating: label
  }
  task is_new : binary(label: rating == 5) { from: user_id }
  task rating_hat : regression(label: rating) { from: user_id }
  train { split: by_key(user_id, test: 0.5)  group_by: is_new }
}
`;
  writeFileSync(join(dir, 'm.rec'), text);
  writeFileSync(join(dir, 'rows.csv'), 'user_id,rating,is_new\nu1,5,1\nu2,3,0\n');
  const g = analyze(text, join(dir, 'm.rec')).graph!;
  saveWeights(join(dir, 'w.safetensors'), Object.fromEntries(Object.entries(initWeights(g, 1)).map(([k, v]) => [k, { shape: g.params.find((p) => p.name === k)!.shape, data: v }])), {});

  it('leaves out a key column named like a task, and says so', () => {
    const r = recc(['predict', 'm.rec', '--weights', 'w.safetensors', '--data', 'rows.csv', '-o', 'out.csv'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: the key column `is_new` is not copied to the output: a score column has its name (choose the columns with --keep)');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\n')[0]).toBe('user_id,is_new,rating_hat');
  });

  it('still refuses it named by --keep', () => {
    const r = recc(['predict', 'm.rec', '--weights', 'w.safetensors', '--data', 'rows.csv', '-o', 'kept.csv', '--keep', 'user_id,is_new'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the kept column `is_new` has the name of a score column');
  });
});

// `recc train --stream` on a plan of stages (test/fixtures/specs/two-stage.rec): each stage reads
// its data once to check it and keep its held-out rows, then streams its training rows each epoch,
// as a one-stage run does. Checked against the stages run one at a time, each streamed on its own
// (the one-stage path): `warm` alone, then `tune` alone started from warm's weights with `--init`,
// must end with the weights of the streamed two-stage run, bit for bit; stopped inside its second
// stage, it resumes to them. (A plan with a MAML stage: stream-maml.test.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/data/write-csv.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { randomRows } from '../helpers/rows.js';

const ROOT = join(import.meta.dirname, '../..');
const TWO = join(ROOT, 'test/fixtures/specs/two-stage.rec');
const recc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

function tensors(file: string) {
  const r = decodeSafetensors(readFileSync(file));
  if ('error' in r) throw new Error(r.error);
  return r.tensors;
}

describe('recc train --stream with stages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recc-stream-stages-'));
  const text = readFileSync(TWO, 'utf8');
  const rows = randomRows(analyzeFile(TWO).graph!, 600, 'stream-stages');
  const csv = join(dir, 'rows.csv');
  writeFileSync(csv, toCsv({ columns: Object.keys(rows[0]!), rows }));
  const stageAt = (name: string) => text.indexOf(`  stage ${name} {`);
  // the same model with one of its stages
  const only = (keep: 'warm' | 'tune') => {
    const [w, t, end] = [stageAt('warm'), stageAt('tune'), text.lastIndexOf('}')];
    return keep === 'warm' ? text.slice(0, t) + text.slice(end) : text.slice(0, w) + text.slice(t);
  };
  const spec = (name: string, body: string) => {
    const f = join(dir, `${name}.rec`);
    writeFileSync(f, body);
    return f;
  };

  it('streams each stage: the two-stage run ends as warm alone, then tune alone from warm\'s weights', () => {
    const both = recc(['train', TWO, '--data', csv, '--stream', '-o', join(dir, 'both')]);
    expect(both.status, both.stderr).toBe(0);
    // each stage says what it streams
    expect(both.stderr).toMatch(/training two_stage \(stage warm\) on \S+rows\.csv \(streamed\): \d+ train \/ \d+ test rows/);
    expect(both.stderr).toMatch(/tune: epoch 1\/1/);
    const warm = recc(['train', spec('warm', only('warm')), '--data', csv, '--stream', '-o', join(dir, 'warm')]);
    expect(warm.status, warm.stderr).toBe(0);
    const tune = recc(['train', spec('tune', only('tune')), '--data', csv, '--stream', '--init', join(dir, 'warm/model.safetensors'), '-o', join(dir, 'tune')]);
    expect(tune.status, tune.stderr).toBe(0);
    const [a, b, w] = [tensors(join(dir, 'both/model.safetensors')), tensors(join(dir, 'tune/model.safetensors')), tensors(join(dir, 'warm/model.safetensors'))];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(a)) expect(Array.from(a[k]!.data), k).toEqual(Array.from(b[k]!.data));
    // tune trained what it does not freeze, from warm's values
    expect(Array.from(a['trunk.dense1.kernel']!.data)).not.toEqual(Array.from(w['trunk.dense1.kernel']!.data));
    expect(Array.from(a['trunk.dense0.kernel']!.data)).toEqual(Array.from(w['trunk.dense0.kernel']!.data));
  }, 120_000);

  it('a streamed run stopped inside its second stage resumes to the uninterrupted weights', () => {
    const out = join(dir, 'resumed');
    // warm: 2 epochs of ⌈train rows / 32⌉ batches; 36 steps stop inside tune
    const part = recc(['train', TWO, '--data', csv, '--stream', '-o', out, '--max-steps', '36']);
    expect(part.status, part.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'))).toMatchObject({ stage: 'tune' });
    const rest = recc(['train', TWO, '--data', csv, '--stream', '-o', out, '--resume']);
    expect(rest.status, rest.stderr).toBe(0);
    const [a, b] = [tensors(join(dir, 'both/model.safetensors')), tensors(join(out, 'model.safetensors'))];
    for (const k of Object.keys(a)) expect(Array.from(b[k]!.data), k).toEqual(Array.from(a[k]!.data));
  }, 120_000);
});

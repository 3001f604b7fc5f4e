// Stages a run could not train as written. Found by a probe of the CLI:
// - a stage of a meta-block model named like one of its serving entries (`global`,
//   `meta_unadapted`) passed check, then train and compile died on "internal: cut: entry global
//   exists" after the stages before it had trained;
// - a stage whose `freeze` covers every parameter trained nothing for an epoch (train.py died on
//   it), though "a stage that trains nothing" is REC5009;
// - a later stage's own `gauc(by: …)` and `group_by:` were dropped without a word when it shared
//   its data load with a stage that did not read that column: the load kept the first stage's
//   key columns.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');
const META = readFileSync(join(ROOT, 'test/fixtures/specs/limaml-staged.rec'), 'utf8');
const CLICKS = readFileSync(join(ROOT, 'test/fixtures/train/clicks.rec'), 'utf8');
const found = (text: string) => analyze(text, '/specs/m.rec').diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.span.start.offset, d.message]);

describe('stages', () => {
  it("may not take the name of a meta-block model's serving entries", () => {
    for (const name of ['global', 'meta_unadapted']) {
      const text = META.replace('stage warm {', `stage ${name} {`);
      expect(found(text)).toEqual([['REC5009', text.indexOf(`stage ${name}`) + 6, `a stage of a model with a meta block cannot be named \`${name}\`: that is the name of one of its serving entries`]]);
    }
    // a model without a meta block has no such entry
    expect(found(CLICKS.replace('data: "clicks.csv"\n  }', 'data: "clicks.csv"\n  }\n  stage global { }'))).toEqual([]);
  });

  it('that freeze every parameter they read are REC5009 at the freeze', () => {
    const text = CLICKS.replace('data: "clicks.csv"\n  }', 'data: "clicks.csv"\n  }\n  stage a { }\n  stage b { freeze: [embedding, dense] }');
    expect(found(text)).toEqual([['REC5009', text.indexOf('[embedding, dense]'), 'stage `b` trains nothing: its `freeze` covers every parameter it reads']]);
    expect(found(text.replace('[embedding, dense]', '[embedding]'))).toEqual([]);
  });

  it('sharing a data file report their own metrics and groups', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-stage-keys-'));
    copyFileSync(join(ROOT, 'test/fixtures/train/clicks.csv'), join(dir, 'clicks.csv'));
    const text = CLICKS.replace('metrics: [auc, gauc(by: user)]', 'metrics: [auc]').replace('epochs: 3', 'epochs: 1').replace('data: "clicks.csv"\n  }', 'data: "clicks.csv"\n  }\n  stage a { }\n  stage b { metrics: [auc, gauc(by: user)], group_by: c }');
    writeFileSync(join(dir, 'm.rec'), text);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), 'train', 'm.rec', '-o', 'out'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^a: epoch 1\/1: loss [\d.]+ \| click: auc [\d.]+$/m);
    expect(r.stderr).toMatch(/^b: epoch 1\/1: loss [\d.]+ \| click: auc [\d.]+ gauc [\d.]+; c=a auc/m);
  });
});

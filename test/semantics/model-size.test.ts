// A model larger than an ONNX file holds (2 GiB of float32 parameters) is REC5013 at its largest
// tensor's declaration, before a command allocates it: compile, train and export crashed with a
// RangeError (a typed array of 64 billion floats) or ran out of memory. The limit is counted by
// hand here: a table of hash + 1 rows of `dim`, and the task's output layer (dim + 1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const ROOT = join(import.meta.dirname, '../..');

const spec = (hash: number, extra = '') => `model m {
  features {
    user_id: id(hash: ${hash}, dim: 64)
    a: dense(4)${extra}
    rating: label
  }
  task fav : binary(label: rating == 5) { from: user_id }
}
`;
const codes = (text: string) => analyze(text, '/specs/m.rec').diagnostics.map((d) => d.code);

describe('model size', () => {
  it('takes 2 GiB of parameters and refuses one float more', () => {
    // (8_388_605 + 1) × 64 + 65 = 536_870_849 floats, under 2^29; with one more bucket 536_870_913, over
    expect(codes(spec(8_388_605))).toEqual([]);
    const over = analyze(spec(8_388_606), '/specs/m.rec').diagnostics;
    expect(over.map((d) => [d.code, d.span.start.line, d.message])).toEqual([
      [
        'REC5013',
        3,
        'the model has 536,870,913 parameters, 2.0 GiB as float32: more than the 2 GiB an ONNX model holds (recc writes no external data), so it can be neither trained nor compiled; the largest tensor, `features.user_id.table` [8,388,607 × 64], is 2.0 GiB',
      ],
    ]);
  });

  it('counts only what some entry reads: a table no task reads is pruned, not trained', () => {
    expect(codes(spec(1_000, '\n    unread: id(hash: 300_000_000, dim: 4)'))).toEqual([]);
  });

  it('stops compile, train and export before they allocate, with the diagnostic and no stack trace', () => {
    const spec = join(ROOT, 'test/fixtures/diagnostics/REC5013-model-too-large.rec');
    const out = mkdtempSync(join(tmpdir(), 'recc-too-large-'));
    for (const args of [['compile', spec, '-o', join(out, 'm.onnx')], ['train', spec, '-o', join(out, 'run')], ['export', 'torch', spec, '-o', join(out, 'torch')]]) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { encoding: 'utf8' });
      expect(r.status, args[0]).toBe(1);
      expect(r.stderr + r.stdout, args[0]).toContain('error[REC5013]');
      expect(r.stderr + r.stdout, args[0]).not.toMatch(/RangeError|\n\s+at /);
    }
  });
});

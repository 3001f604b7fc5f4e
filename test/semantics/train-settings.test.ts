// The calls of the train section take positional arguments in a fixed order (`by_key(user_id,
// 0.5)` is `by_key(key: user_id, test: 0.5)`), and one too many is an error at its span: before,
// a positional `test`, `rows` or `k` past the first was dropped without a word and the default
// trained instead (`random(0.5)` held out 0.2; `synth(poso, 300)` made 100 000 rows).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const spec = (train: string) => `model m {
  features { user_id: id(hash: 10, dim: 2)  rating: label }
  let x = user_id
  task t : binary(label: rating == 5)
  train {
${train}
  }
}
`;

/** The train settings of a spec, and its diagnostics as code, line:column and message. */
function read(train: string) {
  const a = analyze(spec(train), '/specs/m.rec');
  return { train: a.model?.graph.train, diagnostics: a.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`) };
}

describe('train settings', () => {
  it('reads positional arguments as the options they stand for', () => {
    const r = read(`    split: by_key(user_id, 0.5)
    metrics: [recall(3, user_id), gauc(user_id), ndcg(5, by: user_id)]
    optimizer: adam(0.01)
    data: synth(poso, 300)`);
    expect(r.diagnostics).toEqual([]);
    expect(r.train!.split).toEqual({ kind: 'by_key', key: 'user_id', test: 0.5 });
    expect(r.train!.metrics).toEqual([{ kind: 'recall', k: 3, by: 'user_id' }, { kind: 'gauc', by: 'user_id' }, { kind: 'ndcg', k: 5, by: 'user_id' }]);
    expect(r.train!.optimizer.dense).toEqual({ kind: 'adam', lr: 0.01 });
    expect(r.train!.data).toEqual({ kind: 'synth', setting: 'poso', options: { rows: 300 } });
    expect(read('    split: random(0.5)').train!.split).toEqual({ kind: 'random', test: 0.5 });
    expect(read('    split: chronological(ts, 0.1)').train!.split).toEqual({ kind: 'chronological', by: 'ts', test: 0.1 });
  });

  it('reports a positional argument past those a call takes, and an option given twice, at its span', () => {
    /** The diagnostics of a one-line train section, and the column of `marked` (its last occurrence) on that line. */
    const check = (line: string, marked: string, code: string, message: string) =>
      expect(read(`    ${line}`).diagnostics, line).toEqual([`${code} 6:${4 + line.lastIndexOf(marked) + 1} ${message}`]);
    // a positional argument gives its option wherever it is written
    check('split: random(test: 0.2, 0.5)', 'test', 'REC3004', '`random` is given `test` twice: by position and by name');
    check('split: random(0.3, test: 0.2)', 'test', 'REC3004', '`random` is given `test` twice: by position and by name');
    check('split: by_key(user_id, 0.5, 0.1)', '0.1', 'REC3005', '`by_key` takes 2 positional arguments (key, test)');
    check('metrics: [auc(user_id)]', 'user_id', 'REC3005', '`auc` takes no positional argument');
    check('lr_decay: cosine(3)', '3', 'REC3005', '`cosine` takes no positional argument');
    check('data: synth(poso, 300, 7)', '7', 'REC3005', '`synth` takes 2 positional arguments (setting, rows)');
    check('optimizer: adam(0.01, 0.9)', '0.9', 'REC3005', '`adam` takes 1 positional argument (lr)');
    expect(read('    data: synth(poso, rows: 300, seed: 7)').diagnostics).toEqual([]);
  });

  // Found by a probe of the diagnostics: an option named twice was said to be given "by position
  // and by name", and a group of `optimizer: { … }` set twice was read over the first
  it('reports an option named twice, and a group of the optimizer set twice, once each', () => {
    const r = read('    data: synth(poso, rows: 50, rows: 60)');
    expect(r.diagnostics).toEqual(['REC3004 6:33 option `rows` of `synth` is given twice']);
    const o = read('    optimizer: { embedding: adagrad(lr: 0.05), embeddings: adam(lr: 0.5), dense: adam(lr: 1e-3), dense: sgd(lr: 1.0) }');
    expect(o.diagnostics).toEqual(['REC2002 6:48 the optimizer of `embedding` is set twice', 'REC2002 6:98 `dense` is set twice in `optimizer`']);
    expect(o.train!.optimizer).toEqual({ embedding: { kind: 'adagrad', lr: 0.05 }, dense: { kind: 'adam', lr: 1e-3 } });
  });

  // Found by a probe of the metrics: `accuracy` was an unknown metric with a list of the others
  // as its only hint, though every multiclass task reports it
  it('says that accuracy and nll are reported without being listed', () => {
    const hints = ['accuracy', 'nll', 'acuracy'].map((m) => analyze(spec(`    metrics: [${m}]`), '/specs/m.rec').diagnostics.map((d) => [d.code, d.hint]));
    expect(hints).toEqual([
      [['REC5006', 'a multiclass task reports accuracy and logloss whatever `metrics:` lists: leave it out']],
      [['REC5006', 'a next_item task reports nll whatever `metrics:` lists: leave it out']],
      [['REC5006', 'use one of `auc`, `gauc`, `logloss`, `mse`, `mae`, `recall`, `ndcg`']],
    ]);
  });
});

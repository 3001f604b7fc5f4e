import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { auc, gauc, gradedNdcgAtK, logloss, mae, mse, ndcgAtK, recallAtK } from '../../src/train/metrics.js';
import type { TrainState } from '../../src/train/checkpoint.js';
import { evaluate, formatEvaluation } from '../../src/train/evaluate.js';
import { epochSummary } from '../../src/train/progress.js';
import { reportMarkdown } from '../../src/train/report.js';
import { analyze } from '../../src/semantics/analyze.js';
import { METRICS_OF } from '../../src/semantics/metric-tasks.js';

/** AUC as the fraction of (positive, negative) pairs ranked right, ties counting one half. */
function pairwiseAuc(s: number[], y: number[]): number {
  let good = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) {
    if (y[i] === 1 && y[j] === 0) {
      pairs++;
      good += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return good / pairs;
}

/** Recall@k and NDCG@k by explicit ranks: rank_i = 1 + #{j beating i} (higher score, or equal and earlier). */
function bruteRanking(s: number[], y: number[], keys: string[], k: number): { recall: number; ndcg: number; keys: number } {
  let recall = 0;
  let ndcg = 0;
  let used = 0;
  for (const key of new Set(keys)) {
    const idx = keys.flatMap((x, i) => (x === key ? [i] : []));
    const rel = idx.filter((i) => y[i]! > 0);
    if (rel.length === 0) continue;
    const rank = (i: number) => 1 + idx.filter((j) => s[j]! > s[i]! || (s[j] === s[i] && j < i)).length;
    const hits = rel.filter((i) => rank(i) <= k);
    recall += hits.length / rel.length;
    const dcg = hits.reduce((a, i) => a + 1 / Math.log2(rank(i) + 1), 0);
    let idcg = 0;
    for (let r = 1; r <= Math.min(k, rel.length); r++) idcg += 1 / Math.log2(r + 1);
    ndcg += dcg / idcg;
    used++;
  }
  return { recall: recall / used, ndcg: ndcg / used, keys: used };
}

describe('metrics', () => {
  it('AUC matches a hand count and the pairwise definition, ties included', () => {
    // positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4) (0.8>0.1) (0.4=0.4 → ½) (0.4>0.1) = 3.5/4
    expect(auc([0.8, 0.4, 0.4, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
    const rng = seedrandom('auc');
    const s = Array.from({ length: 300 }, () => Math.round(rng() * 20) / 20);
    const y = s.map((x) => (rng() < x ? 1 : 0));
    expect(auc(s, y)).toBeCloseTo(pairwiseAuc(s, y), 12);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('GAUC weights users by samples and skips single-class users', () => {
    // user a: AUC 1 over 4 samples; user b: AUC 0 over 2 samples; user c: one class, skipped
    const s = [0.9, 0.8, 0.2, 0.1, 0.3, 0.7, 0.5];
    const y = [1, 1, 0, 0, 1, 0, 1];
    const k = ['a', 'a', 'a', 'a', 'b', 'b', 'c'];
    const g = gauc(s, y, k);
    expect(g.value).toBeCloseTo((1 * 4 + 0 * 2) / 6, 12);
    expect(g.keys).toBe(2);
  });

  it('log loss, MSE and MAE by hand', () => {
    expect(logloss([0.9, 0.2], [1, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(mse([1, 2], [0, 4])).toBe(2.5);
    expect(mae([1, 2], [0, 4])).toBe(1.5);
  });

  it('GAUC matches the per-key pairwise definition on random data', () => {
    const rng = seedrandom('gauc');
    const n = 400;
    const s = Array.from({ length: n }, () => Math.round(rng() * 10) / 10);
    const y = s.map((x) => (rng() < x ? 1 : 0));
    const k = s.map(() => `u${Math.floor(rng() * 30)}`);
    let num = 0;
    let den = 0;
    let used = 0;
    for (const key of new Set(k)) {
      const idx = k.flatMap((x, i) => (x === key ? [i] : []));
      const ys = idx.map((i) => y[i]!);
      if (ys.every((v) => v === ys[0])) continue;
      num += pairwiseAuc(idx.map((i) => s[i]!), ys) * idx.length;
      den += idx.length;
      used++;
    }
    const g = gauc(s, y, k);
    expect(g.keys).toBe(used);
    expect(g.value).toBeCloseTo(num / den, 12);
  });

  it('recall@k and NDCG@k by hand', () => {
    // u1 ranked: 0.9 (no), 0.8 (yes), 0.7 (no), 0.1 (yes): top 2 holds 1 of 2 relevant;
    //   DCG = 1/log2(3), IDCG = 1 + 1/log2(3)
    // u2 ranked: 0.5 (no), 0.2 (yes): recall 1; DCG = 1/log2(3), IDCG = 1
    // u3 has no relevant item: skipped
    const s = [0.9, 0.8, 0.7, 0.1, 0.2, 0.5, 0.3];
    const y = [0, 1, 0, 1, 1, 0, 0];
    const k = ['u1', 'u1', 'u1', 'u1', 'u2', 'u2', 'u3'];
    const l3 = 1 / Math.log2(3);
    expect(recallAtK(s, y, k, 2)).toEqual({ value: (0.5 + 1) / 2, keys: 2 });
    const n = ndcgAtK(s, y, k, 2);
    expect(n.keys).toBe(2);
    expect(n.value).toBeCloseTo((l3 / (1 + l3) + l3) / 2, 12);
    expect(ndcgAtK([0.5, 0.4], [1, 1], ['a', 'a'], 5).value).toBeCloseTo(1, 12);
    expect(recallAtK([0.1], [0], ['a'], 1).value).toBeNaN();
  });

  it('recall@k and NDCG@k match explicit ranks on random data, ties included', () => {
    const rng = seedrandom('rank');
    const n = 300;
    const s = Array.from({ length: n }, () => Math.floor(rng() * 8) / 8);
    const y = s.map(() => (rng() < 0.2 ? 1 : 0));
    const k = s.map(() => `u${Math.floor(rng() * 25)}`);
    for (const cut of [1, 3, 10]) {
      const b = bruteRanking(s, y, k, cut);
      expect(recallAtK(s, y, k, cut).value).toBeCloseTo(b.recall, 12);
      expect(ndcgAtK(s, y, k, cut).value).toBeCloseTo(b.ndcg, 12);
      expect(ndcgAtK(s, y, k, cut).keys).toBe(b.keys);
    }
  });

  it('graded NDCG@k (ratings as relevance) by hand', () => {
    // user a: ratings 5, 3, 1 scored so the order is 3, 5, 1; user b: all zero gains, skipped
    const s = [0.2, 0.9, 0.1, 0.5, 0.4];
    const y = [5, 3, 1, 0, 0];
    const k = ['a', 'a', 'a', 'b', 'b'];
    const l3 = Math.log2(3);
    const dcg = 7 / 1 + 31 / l3; // ranks: 3 (gain 7), 5 (gain 31)
    const ideal = 31 / 1 + 7 / l3;
    expect(gradedNdcgAtK(s, y, k, 2)).toEqual({ value: expect.closeTo(dcg / ideal, 12), keys: 1 });
    expect(gradedNdcgAtK([3, 2, 1], [5, 3, 1], ['a', 'a', 'a'], 3).value).toBeCloseTo(1, 12);
  });

  it('log loss clips predictions at 1e-7', () => {
    expect(logloss([0, 1], [1, 0])).toBeCloseTo(-Math.log(1e-7), 9);
    expect(logloss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - 1e-7), 12);
  });
});

describe('formatEvaluation', () => {
  it('aligns the columns however long a group name is', () => {
    const text = formatEvaluation({ tasks: { click: { all: { n: 1431, auc: 0.5928 }, 'task_samples=fewer than 25': { n: 518, auc: 0.5868 } } } });
    const lines = text.split('\n');
    expect(lines[0]).toBe('task click');
    // every row ends its `n` and `auc` columns at the same offsets as the header
    const ends = (line: string) => [...line.matchAll(/\S+/g)].slice(-2).map((m) => m.index! + m[0].length);
    expect(lines.slice(2).map(ends)).toEqual([ends(lines[1]!), ends(lines[1]!)]);
    expect(lines[3]).toBe('  task_samples=fewer than 25         518    0.5868');
  });
});

describe('an undefined metric', () => {
  it('reads n/a in the table, the epoch line and report.md alike', () => {
    // AUC of a group with one class is undefined
    const e = { tasks: { fav: { all: { n: 40, auc: 0.61 }, 'is_new=1': { n: 3, auc: Number.NaN } } } };
    expect(formatEvaluation(e).split('\n')[3]).toMatch(/^ {2}is_new=1 +3 +n\/a$/);
    expect(epochSummary(e)).toBe('fav: auc 0.6100; is_new=1 auc n/a');
    const state = { step: 5, epoch: 2, history: [{ epoch: 1, metrics: { tasks: { fav: { all: { n: 40, auc: Number.NaN } } } } }, { epoch: 2, metrics: e }] } as unknown as TrainState;
    const md = reportMarkdown('m', 'rows.csv', e, state, []);
    expect(md).toContain('| is_new=1 | 3 | n/a |');
    expect(md).toContain('| 1 | n/a |');
    expect(md).not.toContain('NaN');
  });
});

describe('evaluate', () => {
  it('gives n/a for every metric of an empty set, without throwing (no predictions at all)', () => {
    // An empty set has no batches, so a predictor returns no task at all: `recc eval` of a meta
    // model whose every task has one row (support only, nothing to score) gets here.
    const g = analyze(`model m {
      features { x: dense(2)  y: label  r: label  c: label }
      let h = x
      task click : binary(label: y) { from: h }
      task score : regression(label: r) { from: h }
      task kind : multiclass(label: c, classes: 3) { from: h }
      train { metrics: [auc, gauc(by: user), logloss, mse, mae, recall(5, by: user), ndcg(5, by: user)]  group_by: seg }
    }`, '/tmp/m.rec').graph!;
    const e = evaluate(g, {}, { n: 0, inputs: {}, shapes: {}, labels: {}, keys: {} });
    expect(Object.keys(e.tasks)).toEqual(['click', 'score', 'kind']);
    for (const rows of Object.values(e.tasks)) {
      const { n, ...metrics } = rows.all!;
      expect(n).toBe(0);
      expect(Object.keys(metrics).length).toBeGreaterThan(0);
      for (const v of Object.values(metrics)) expect(v).toBeNaN();
    }
    expect(formatEvaluation(e)).toMatch(/^ {2}all +0 +n\/a +n\/a/m);
  });

  it('reports mse and mae of a binary task when asked: the Brier score and its absolute counterpart, by hand', () => {
    const a = analyze(`model m {
      features { x: dense(2)  y: label }
      task click : binary(label: y) { from: x }
      train { metrics: [auc, mse, mae] }
    }`, '/tmp/m.rec');
    expect(a.diagnostics).toEqual([]);
    const p = new Float32Array([0.9, 0.2, 0.6, 0.4]);
    const y = new Float32Array([1, 0, 0, 1]);
    const e = evaluate(a.graph!, { click: p }, { n: 4, inputs: {}, shapes: {}, labels: { click: y }, keys: {} });
    // (0.1² + 0.2² + 0.6² + 0.6²) / 4 and (0.1 + 0.2 + 0.6 + 0.6) / 4
    expect(e.tasks.click!.all!.mse).toBeCloseTo(0.1925, 6);
    expect(e.tasks.click!.all!.mae).toBeCloseTo(0.375, 6);
    expect(e.tasks.click!.all!.auc).toBe(0.75);
  });

  // Found by a probe of the metrics: two GAUCs (or two recall@3) of other keys wrote one column,
  // the last one's, and the groups "" and " " were both shown as `g=`.
  it('keeps two metrics of one kind and other keys apart, and tells empty and blank groups apart', () => {
    const a = analyze(`model m {
      features { x: dense(2)  y: label }
      task click : binary(label: y) { from: x }
      train { metrics: [gauc(by: user), gauc(by: item), recall(1, by: user), recall(1, by: item), ndcg(1, by: user)]  group_by: g }
    }`, '/tmp/m.rec');
    expect(a.diagnostics).toEqual([]);
    const p = new Float32Array([0.9, 0.2, 0.6, 0.4, 0.3, 0.8]);
    const y = new Float32Array([1, 0, 0, 1, 1, 0]);
    const keys = { user: ['u', 'u', 'v', 'v', 'v', 'w'], item: ['a', 'b', 'a', 'b', 'b', 'b'], g: ['', ' ', '', ' ', 'z', 'z'] };
    const e = evaluate(a.graph!, { click: p }, { n: 6, inputs: {}, shapes: {}, labels: { click: y }, keys });
    const all = e.tasks.click!.all!;
    // by hand: user u AUC 1 (2 rows), v 0 (3 rows: its positives 0.4 and 0.3 under its negative 0.6), w one class (skipped)
    expect(all['gauc(user)']).toBeCloseTo((2 * 1 + 3 * 0) / 5, 6);
    // item a: (0.9 pos, 0.6 neg) → 1; item b: positives 0.4, 0.3 against negatives 0.2, 0.8 → 2/4
    expect(all['gauc(item)']).toBeCloseTo((2 * 1 + 4 * 0.5) / 6, 6);
    expect([all['recall@1(user)'], all['recall@1(item)'], all['ndcg@1']]).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(all.gauc).toBeUndefined();
    expect(Object.keys(e.tasks.click!)).toEqual(['all', 'g=""', 'g=" "', 'g=z']);
    expect(formatEvaluation(e)).toContain('gauc(user)');
  });

  it('warns of a metric no task of the model reports (REC5014), at its name', () => {
    const text = `model m {
      features { x: dense(2)  r: label }
      task stars : regression(label: r) { from: x }
      train { metrics: [mse, recall(5, by: user), logloss] }
    }`;
    const d = analyze(text, '/tmp/m.rec').diagnostics;
    expect(d.map((x) => [x.code, x.severity, x.span.start.offset])).toEqual([
      ['REC5014', 'warning', text.indexOf('recall(')],
      ['REC5014', 'warning', text.indexOf('logloss')],
    ]);
    expect(d[0]!.message).toBe('no task of the model reports `recall` (its tasks: regression `stars`), so it is not computed');
  });

  it('reports a metric for a task kind exactly where the checker (METRICS_OF) says it does', () => {
    const calls = { auc: 'auc', gauc: 'gauc(by: user)', logloss: 'logloss', mse: 'mse', mae: 'mae', recall: 'recall(2, by: user)', ndcg: 'ndcg(2, by: user)' };
    const keyOf = (m: string) => (m === 'recall' || m === 'ndcg' ? `${m}@2` : m);
    for (const [kind, task] of [['binary', 'binary(label: y)'], ['regression', 'regression(label: y)']] as const) {
      for (const [m, call] of Object.entries(calls)) {
        const g = analyze(`model m {
          features { x: dense(2)  y: label }
          task t : ${task} { from: x }
          train { metrics: [${call}] }
        }`, '/tmp/m.rec').graph!;
        const e = evaluate(g, { t: new Float32Array([0.9, 0.2, 0.6, 0.4]) }, { n: 4, inputs: {}, shapes: {}, labels: { t: new Float32Array([1, 0, 0, 1]) }, keys: { user: ['a', 'a', 'b', 'b'] } });
        expect(keyOf(m) in e.tasks.t!.all!, `${kind} ${m}`).toBe(METRICS_OF[kind].has(m as keyof typeof calls));
      }
    }
  });
});

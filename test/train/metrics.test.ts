import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { auc, gauc, logloss, mae, mse } from '../../src/train/metrics.js';

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
});

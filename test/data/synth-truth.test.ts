// The hidden truth of the LiMAML and PeterRec synthetic settings (the oracle rows of
// bench/limaml.mjs and bench/peterrec-transfer.mjs, issue 20): exposing it leaves the rows as they
// were, bit for bit, and it is what the rows were drawn from.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/row.js';
import { generate } from '../../src/data/synth/index.js';
import { limamlRows, limamlSynth } from '../../src/data/synth/limaml.js';
import { peterrecColdRows, peterrecRows, peterrecTruth } from '../../src/data/synth/peterrec.js';
import { auc } from '../../src/train/metrics.js';

// sha256 of JSON.stringify(rows), computed with the generators at cfe44d9, before the truth was exposed
const sha = (rows: Row[]) => createHash('sha256').update(JSON.stringify(rows)).digest('hex');
const vec = (s: unknown) => String(s).split(',').map(Number);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('synth limaml truth', () => {
  const { rows, preference, truth } = limamlSynth({ seed: 3, rows: 5000 });

  it('the truth-returning generator gives the rows it gave before, bit for bit', () => {
    expect(sha(rows)).toBe('f2b2fce44b8b3b8010a7729b2e09d31525f089fc03d973319f1aa51193dee175');
    expect(sha(limamlRows({ seed: 1, rows: 20_000 }))).toBe('81e781837d4d7fa6adbff147c2d860fe8c0635915b19e278954bc83811f25d83');
    expect(rows).toEqual(limamlRows({ seed: 3, rows: 5000 }));
    const g = generate('limaml', { seed: 3, rows: 5000 });
    if ('error' in g) throw new Error(g.error);
    expect(g.rows).toEqual(rows);
  });

  it('the logits are the rows’ own: 1.5 p_u·q_i/√8 + b_i + c, and σ(logit) is the click rate', () => {
    expect(truth.logit).toHaveLength(rows.length);
    rows.forEach((r, k) => {
      const item = Number(String(r.item_id).slice(1));
      const expected = (1.5 * dot(preference.get(String(r.user_id))!, vec(r.item_feats))) / Math.sqrt(8) + truth.popularity[item]! + truth.intercept;
      // item_feats are written with 4 decimals
      expect(Math.abs(truth.logit[k]! - expected)).toBeLessThan(2e-3);
    });
    const p = Array.from(truth.logit, sigmoid);
    const y = rows.map((r) => Number(r.clicked));
    expect(Math.abs(p.reduce((a, b) => a + b, 0) / p.length - y.reduce((a, b) => a + b, 0) / y.length)).toBeLessThan(0.02);
    // calibrated by decile of the true probability
    const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
    for (let d = 0; d < 10; d++) {
      const bin = order.slice((d * order.length) / 10, ((d + 1) * order.length) / 10);
      const gap = bin.reduce((a, i) => a + p[i]! - y[i]!, 0) / bin.length;
      expect(Math.abs(gap)).toBeLessThan(0.06);
    }
  });

  it('the true logit ranks clicks better than the preference term alone (it holds the popularity no feature shows)', () => {
    const y = rows.map((r) => Number(r.clicked));
    const oracle = auc(Array.from(truth.logit), y);
    const preferenceOnly = auc(rows.map((r) => dot(preference.get(String(r.user_id))!, vec(r.item_feats))), y);
    expect(oracle).toBeGreaterThan(0.8);
    expect(oracle).toBeGreaterThan(preferenceOnly + 0.01);
  });
});

describe('synth peterrec truth', () => {
  it('exposing the cluster preferences leaves the rows as they were, bit for bit', () => {
    expect(sha(peterrecRows({ seed: 2, rows: 300 }))).toBe('5ca2332a3751ef0dc06ebadeb0fad176f9e2a479c2e63574a01b47cdab10dd3d');
    expect(sha(peterrecColdRows({ seed: 2, rows: 1000, negatives: 99, first: 50 }))).toBe('30bb9bde6a4a9c753dcc6301c1ef86557834c5a86e1f01f223c4d5cad34127aa');
  });

  it('liked target items come from the type’s cluster preferences; the true score ranks them', () => {
    const truth = peterrecTruth({ seed: 5 });
    expect(truth.preference).toHaveLength(4);
    for (const p of truth.preference) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const rows = peterrecColdRows({ seed: 5, rows: 8000, negatives: 1 });
    // the liked items' clusters per type follow π_z (total variation distance, 1 000 users per type)
    const counts = truth.preference.map((p) => p.map(() => 0));
    for (const r of rows) if (r.liked === 1) counts[Number(r.type)]![truth.targetCluster.get(String(r.target))!]!++;
    counts.forEach((c, z) => {
      const n = c.reduce((a, b) => a + b, 0);
      const tv = c.reduce((a, x, k) => a + Math.abs(x / n - truth.preference[z]![k]!), 0) / 2;
      expect(tv).toBeLessThan(0.1);
    });
    const score = rows.map((r) => truth.likedScore(Number(r.type), String(r.target)));
    expect(auc(score, rows.map((r) => Number(r.liked)))).toBeGreaterThan(0.8);
    // the profile's age is the type with p 0.9 + 0.1/4
    const users = peterrecRows({ seed: 5, rows: 4000 });
    const acc = users.filter((r) => r.age === r.type).length / users.length;
    expect(Math.abs(acc - 0.925)).toBeLessThan(0.02);
  });
});

// The LiMAML synthetic setting (src/data/synth/limaml.ts): rows in time order, 30 % positives,
// heavy-tailed samples per user (both of Table 3's slices exist), labels driven by the user's
// latent preference (which the noisy user features show only in part).
import { describe, expect, it } from 'vitest';
import { limamlSynth } from '../../src/data/synth/limaml.js';
import { auc } from '../../src/train/metrics.js';

const { rows, preference } = limamlSynth({ seed: 4, rows: 20_000 });
const vec = (s: unknown) => String(s).split(',').map(Number);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('synth limaml', () => {
  it('rows are in time order, 30 % positive', () => {
    expect(rows).toHaveLength(20_000);
    expect(rows.every((r, i) => i === 0 || Number(r.ts) >= Number(rows[i - 1]!.ts))).toBe(true);
    const rate = rows.filter((r) => r.clicked === 1).length / rows.length;
    expect(Math.abs(rate - 0.3)).toBeLessThan(0.02);
  });

  it('samples per user are heavy-tailed: most users have fewer than 25, a minority with 25 or more hold many rows', () => {
    const count = new Map<string, number>();
    for (const r of rows) count.set(String(r.user_id), (count.get(String(r.user_id)) ?? 0) + 1);
    const n = [...count.values()];
    const big = n.filter((x) => x >= 25);
    expect(big.length / n.length).toBeGreaterThan(0.05);
    expect(big.length / n.length).toBeLessThan(0.4);
    expect(big.reduce((a, b) => a + b, 0) / rows.length).toBeGreaterThan(0.4);
    expect(Math.max(...n)).toBeLessThanOrEqual(300);
  });

  it('labels follow the latent preference: p_u·q_i ranks clicks well; the user features are a noisy view of it', () => {
    const score = rows.map((r) => dot(preference.get(String(r.user_id))!, vec(r.item_feats)));
    const y = rows.map((r) => Number(r.clicked));
    expect(auc(score, y)).toBeGreaterThan(0.7);
    // the same user's features on every row, and not the preference itself
    const first = new Map<string, string>();
    for (const r of rows) first.set(String(r.user_id), first.get(String(r.user_id)) ?? String(r.user_feats));
    expect(rows.every((r) => first.get(String(r.user_id)) === String(r.user_feats))).toBe(true);
    const u = rows[0]!;
    expect(vec(u.user_feats)).not.toEqual(preference.get(String(u.user_id)));
  });
});

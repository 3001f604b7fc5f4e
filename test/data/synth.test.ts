import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRows } from '../../src/data/read.js';
import type { Row } from '../../src/data/row.js';
import { cmmlSynth } from '../../src/data/synth/cmml.js';
import { cmmlUserSynth } from '../../src/data/synth/cmml-user.js';
import { generate, SYNTH } from '../../src/data/synth/index.js';
import { DOMAIN_SHARES, PEPNET_DOMAINS, PEPNET_RATES, PEPNET_TASKS, pepnetSynth } from '../../src/data/synth/pepnet.js';
import { itemNames, peterrecRows } from '../../src/data/synth/peterrec.js';
import { posoSynth } from '../../src/data/synth/poso.js';
import { hashBucket } from '../../src/data/hash.js';
import { toCsv, writeCsv } from '../../src/data/write-csv.js';
import { auc } from '../../src/train/metrics.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function pearson(x: number[], y: number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((_, i) => {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
const where = <T>(xs: ArrayLike<T>, keep: (i: number) => boolean) => Array.from(xs).filter((_, i) => keep(i));

describe('synthetic settings', () => {
  it('are deterministic for a seed, sized as asked, with the documented columns', () => {
    for (const [name, g] of Object.entries(SYNTH)) {
      const a = generate(name, { seed: 5, rows: 3000 });
      const b = generate(name, { seed: 5, rows: 3000 });
      const c = generate(name, { seed: 6, rows: 3000 });
      if ('error' in a || 'error' in b || 'error' in c) throw new Error(name);
      expect(a.rows, name).toHaveLength(3000);
      expect(a.columns).toEqual(g.columns);
      expect(a.doc.length).toBeGreaterThan(100);
      for (const r of a.rows.slice(0, 50)) expect(Object.keys(r), name).toEqual(g.columns);
      expect(toCsv(a)).toBe(toCsv(b));
      expect(toCsv(a)).not.toBe(toCsv(c));
    }
    expect(generate('nope', { seed: 1 })).toEqual({ error: 'unknown synthetic setting `nope` (known: poso, pepnet, cmml, cmml_user, peterrec, peterrec_cold)' });
  });

  it('peterrec: the first users are the same for any row count; distinct hashed ids; age follows a type the sequences reveal', () => {
    const small = peterrecRows({ seed: 3, rows: 200 });
    const rows = peterrecRows({ seed: 3, rows: 4000 });
    expect(rows.slice(0, 200)).toEqual(small);
    const names = itemNames(160, 256);
    expect(new Set(names.map((n) => hashBucket(n, 256))).size).toBe(160);
    const seqs = rows.map((r) => String(r.items).split('|'));
    expect(Math.min(...seqs.map((q) => q.length))).toBe(8);
    expect(Math.max(...seqs.map((q) => q.length))).toBe(20);
    // age = type with p 0.9, else uniform over 4: agreement 0.9 + 0.1 / 4
    const agree = rows.filter((r) => r.age === r.type).length / rows.length;
    expect(agree).toBeGreaterThan(0.905);
    expect(agree).toBeLessThan(0.945);
    // the type is readable from the sequence: naive Bayes over item clusters (item k is in
    // cluster k mod 16), fitted on half the users, tells the other half's types far above chance
    const cluster = new Map(names.map((n, k) => [n, k % 16]));
    const counts = Array.from({ length: 4 }, () => new Array<number>(16).fill(1));
    rows.slice(0, 2000).forEach((r, i) => seqs[i]!.forEach((it) => counts[r.type as number]![cluster.get(it)!]!++));
    const logp = counts.map((c) => c.map((v) => Math.log(v / c.reduce((a, b) => a + b, 0))));
    let right = 0;
    rows.slice(2000).forEach((r, i) => {
      const score = logp.map((lp) => seqs[2000 + i]!.reduce((s, it) => s + lp[cluster.get(it)!]!, 0));
      if (score.indexOf(Math.max(...score)) === r.type) right++;
    });
    expect(right / 2000).toBeGreaterThan(0.6);
  });

  it('poso: ~5 % new-user samples; new users rate by popularity, regular users by quality', () => {
    const { rows, truth } = posoSynth({ seed: 2, rows: 60_000 });
    const isNew = rows.map((r) => r.is_new === 'new');
    const frac = isNew.filter(Boolean).length / rows.length;
    expect(frac).toBeGreaterThan(0.035);
    expect(frac).toBeLessThan(0.08);
    expect(rows.every((r) => (r.is_new === 'new') === ((r.avc as number) < 10))).toBe(true);
    const movie = rows.map((r) => Number(String(r.movie_id).slice(1)));
    const rating = rows.map((r) => r.rating as number);
    const avc = rows.map((r) => r.avc as number);
    const pop = movie.map((m) => truth.popularity[m]!);
    const qual = movie.map((m) => truth.quality[m]!);
    const young = (i: number) => avc[i]! < 3;
    const old = (i: number) => avc[i]! >= 15;
    // the ground truth: popularity drives the first ratings, quality the later ones
    expect(pearson(where(pop, young), where(rating, young))).toBeGreaterThan(0.5);
    expect(Math.abs(pearson(where(qual, young), where(rating, young)))).toBeLessThan(0.2);
    expect(pearson(where(qual, old), where(rating, old))).toBeGreaterThan(0.5);
    expect(Math.abs(pearson(where(pop, old), where(rating, old)))).toBeLessThan(0.2);
    // histories: the user's previous movies, at most 30, oldest first
    const firstUser = rows.filter((r) => r.user_id === rows[0]!.user_id);
    firstUser.forEach((r, k) => {
      expect(r.avc).toBe(k);
      expect(r.rated_movies).toBe(firstUser.slice(Math.max(0, k - 30), k).map((p) => p.movie_id).join('|'));
    });
  });

  it('pepnet: domain sizes, task positive rates, and a domain that scores pairs differently', () => {
    const { rows, truth } = pepnetSynth({ seed: 3, rows: 60_000 });
    PEPNET_DOMAINS.forEach((d, k) => {
      expect(rows.filter((r) => r.domain === d).length / rows.length).toBeCloseTo(DOMAIN_SHARES[k]!, 1);
    });
    for (const t of PEPNET_TASKS) {
      const rate = mean(rows.map((r) => r[t] as number));
      expect(rate, t).toBeGreaterThan(PEPNET_RATES[t] * 0.8);
      expect(rate, t).toBeLessThan(PEPNET_RATES[t] * 1.2);
    }
    const click = rows.map((r) => r.click as number);
    const inDomain = (d: string) => (i: number) => rows[i]!.domain === d;
    const aucIn = (score: Float64Array, d: string) => auc(where(score, inDomain(d)), where(click, inDomain(d)));
    // in A the domain-free score ranks clicks about as well as the true one; in C it fails
    expect(aucIn(truth.interaction, 'A') - aucIn(truth.shared, 'A')).toBeLessThan(0.03);
    expect(aucIn(truth.interaction, 'C')).toBeGreaterThan(0.7);
    expect(aucIn(truth.shared, 'C')).toBeLessThan(0.6);
    // histories hold the user's earlier items, at most 20
    const u = rows[0]!.uid;
    const mine = rows.filter((r) => r.uid === u);
    mine.forEach((r, k) => expect(r.hist).toBe(mine.slice(Math.max(0, k - 20), k).map((p) => p.iid).join('|')));
  });

  it('cmml: many small tasks with their own preferences, dense features as text', () => {
    const { rows, truth } = cmmlSynth({ seed: 4, rows: 40_000 });
    const tasks = new Map<string, Row[]>();
    for (const r of rows) {
      const k = String(r.scenario);
      tasks.set(k, [...(tasks.get(k) ?? []), r]);
    }
    const sizes = [...tasks.values()].map((t) => t.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(40);
    expect(mean(sizes)).toBeGreaterThan(18);
    expect(mean(sizes)).toBeLessThan(26);
    // task positive rates spread more than sampling noise around one shared rate would make them
    const big = [...tasks.values()].filter((t) => t.length >= 20);
    const rates = big.map((t) => mean(t.map((r) => r.clicked as number)));
    const p = mean(rates);
    const variance = mean(rates.map((x) => (x - p) ** 2));
    const binomial = mean(big.map((t) => (p * (1 - p)) / t.length));
    expect(variance).toBeGreaterThan(2 * binomial);
    // the task-specific part carries most of the signal
    const y = rows.map((r) => r.clicked as number);
    expect(auc(truth.logit, y)).toBeGreaterThan(0.8);
    expect(auc(truth.shared, y)).toBeLessThan(0.65);
    expect(String(rows[0]!.user).split(',').map(Number).every(Number.isFinite)).toBe(true);
    expect(String(rows[0]!.item).split(',')).toHaveLength(8);
    const times = rows.map((r) => r.timestamp as number);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('cmml_user: users are tasks with 20-50 ratings, most of the signal personal', () => {
    const { rows, truth } = cmmlUserSynth({ seed: 5, rows: 30_000 });
    const byUser = new Map<string, Row[]>();
    for (const r of rows) byUser.set(String(r.user_id), [...(byUser.get(String(r.user_id)) ?? []), r]);
    const sizes = [...byUser.values()].map((t) => t.length);
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThanOrEqual(20); // the last user may be cut short
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    const ratings = rows.map((r) => r.rating as number);
    expect(new Set(ratings)).toEqual(new Set([1, 2, 3, 4, 5]));
    // a user's feature text is the same on every row: the task is the user
    for (const t of [...byUser.values()].slice(0, 20)) expect(new Set(t.map((r) => r.user)).size).toBe(1);
    // error of the best predictions with and without the personal part
    const mseOf = (p: ArrayLike<number>) => mean(ratings.map((y, i) => (y - p[i]!) ** 2));
    expect(mseOf(truth.score)).toBeLessThan(0.5);
    expect(mseOf(truth.shared)).toBeGreaterThan(2 * mseOf(truth.score));
    const times = rows.map((r) => r.timestamp as number);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('writeCsv writes atomically and reads back to the same values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-synth-'));
    const f = join(dir, 'x.csv');
    const data = { columns: ['a', 'b', 'c'], rows: [{ a: 'x, "y"', b: 1.5, c: ['p', 'q'] }, { a: 'line\nbreak', b: null, c: true }] as Row[] };
    writeCsv(f, data);
    expect(readdirSync(dir)).toEqual(['x.csv']);
    expect(readFileSync(f, 'utf8')).toBe('a,b,c\n"x, ""y""",1.5,p|q\n"line\nbreak",,true\n');
    const back = await readRows(f, { skipBadRows: false });
    expect(back.rows.map((r) => r.row)).toEqual([{ a: 'x, "y"', b: '1.5', c: 'p|q' }, { a: 'line\nbreak', b: '', c: 'true' }]);
  });
});

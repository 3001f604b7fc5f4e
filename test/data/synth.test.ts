import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRows } from '../../src/data/read.js';
import type { Row } from '../../src/data/row.js';
import { cmmlSynth } from '../../src/data/synth/cmml.js';
import { cmmlUserSynth } from '../../src/data/synth/cmml-user.js';
import { generate, SYNTH } from '../../src/data/synth/index.js';
import { createHash } from 'node:crypto';
import { DOMAIN_SHARES, PEPNET_DOMAINS, PEPNET_RATES, PEPNET_TASKS, pepnetSynth } from '../../src/data/synth/pepnet.js';
import { itemNames, peterrecRows } from '../../src/data/synth/peterrec.js';
import { posoSynth } from '../../src/data/synth/poso.js';
import { hashBucket } from '../../src/data/hash.js';
import { pepnetV1Rows, pepnetV1Synth } from '../../src/data/synth/pepnet-v1.js';
import { posoV1Rows, posoV1Synth } from '../../src/data/synth/poso-v1.js';
import { toCsv, writeCsv } from '../../src/data/write-csv.js';
import { auc, gauc } from '../../src/train/metrics.js';

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
/** The first user's history column holds their earlier items, at most `max`, oldest first. */
function expectHistories(rows: Row[], c: { user: string; item: string; hist: string; max: number }): void {
  const mine = rows.filter((r) => r[c.user] === rows[0]![c.user]);
  expect(mine.length).toBeGreaterThan(1);
  mine.forEach((r, k) => expect(r[c.hist]).toBe(mine.slice(Math.max(0, k - c.max), k).map((p) => p[c.item]).join('|')));
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
    expect(generate('nope', { seed: 1 })).toEqual({ error: 'unknown synthetic setting `nope` (known: poso, pepnet, cmml, cmml_user, peterrec, peterrec_cold, limaml)' });
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

  it('poso v1: ~5 % new-user samples; new users rate by popularity, regular users by quality', () => {
    const { rows, truth } = posoV1Synth({ seed: 2, rows: 60_000 });
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
    expectHistories(rows, { user: 'user_id', item: 'movie_id', hist: 'rated_movies', max: 30 });
    rows.filter((r) => r.user_id === rows[0]!.user_id).forEach((r, k) => expect(r.avc).toBe(k));
  });

  it('pepnet v1: domain sizes, task positive rates, and a domain that scores pairs differently', () => {
    const { rows, truth } = pepnetV1Synth({ seed: 3, rows: 60_000 });
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
    expectHistories(rows, { user: 'uid', item: 'iid', hist: 'hist', max: 20 });
  });

  it('version 1 of poso and pepnet gives the rows it gave before version 2 existed, bit for bit', () => {
    // sha256 of JSON.stringify(rows) for seed 3, 20 000 rows, computed with the generators on main at
    // d156d6c (before this change): earlier benchmark numbers stay reproducible with `version: 1`
    const sha = (rows: Row[]) => createHash('sha256').update(JSON.stringify(rows)).digest('hex');
    expect(sha(posoV1Rows({ seed: 3, rows: 20_000 }))).toBe('31d1b93aade6f03ee9d7307321a1d9f4dbf721f2a0eabd2ed2c70920b6215915');
    expect(sha(pepnetV1Rows({ seed: 3, rows: 20_000 }))).toBe('98991f4dd6e9ab158e7289c4d82d33306c30cc12bd1d74cdbd94d1f1a9aa42d5');
    const v1 = generate('poso', { seed: 3, rows: 500, version: 1 });
    const v2 = generate('poso', { seed: 3, rows: 500 });
    if ('error' in v1 || 'error' in v2) throw new Error('poso');
    expect(v1.rows).toEqual(posoV1Rows({ seed: 3, rows: 500 }));
    expect(v2.rows).toEqual(posoSynth({ seed: 3, rows: 500 }).rows);
    expect(generate('poso', { seed: 3, rows: 500, version: 2 })).toEqual(v2);
    expect(generate('pepnet', { seed: 1, rows: 10, version: 1 })).toMatchObject({ columns: ['uid', 'iid', 'aid', 'domain', 'age', 'hist', ...PEPNET_TASKS, 'timestamp'] });
    expect(generate('poso', { seed: 1, version: 3 })).toEqual({ error: 'synthetic setting `poso` has no version 3 (known: 1, 2)' });
    expect(generate('cmml', { seed: 1, version: 2 })).toEqual({ error: 'synthetic setting `cmml` has no version 2 (known: 1)' });
  });

  it('poso v2: ~5 % new-user samples, and new users weigh popularity the other way', () => {
    const { rows, truth } = posoSynth({ seed: 2, rows: 80_000 });
    const avc = rows.map((r) => r.avc as number);
    const isNew = (i: number) => avc[i]! < 10;
    expect(rows.every((r, i) => r.is_new === (isNew(i) ? 'new' : 'regular'))).toBe(true);
    // POSO §3: new users' samples are a few percent of all (here 4-6 %)
    const frac = avc.filter((a) => a < 10).length / rows.length;
    expect(frac).toBeGreaterThan(0.04);
    expect(frac).toBeLessThan(0.06);
    const movie = rows.map((r) => Number(String(r.movie_id).slice(1)));
    const rating = rows.map((r) => r.rating as number);
    const pop = movie.map((m) => truth.popularity[m]!);
    const qual = movie.map((m) => truth.quality[m]!);
    const regular = (i: number) => !isNew(i);
    // the same movie feature, opposite signs: popularity raises new users' ratings, lowers regular users'
    expect(pearson(where(pop, isNew), where(rating, isNew))).toBeGreaterThan(0.6);
    expect(pearson(where(pop, regular), where(rating, regular))).toBeLessThan(-0.2);
    expect(pearson(where(qual, regular), where(rating, regular))).toBeGreaterThan(0.3);
    // new users' score, recomputed from the movie's popularity and quality alone
    let worst = 0;
    rows.forEach((_, i) => (worst = Math.max(worst, Math.abs(truth.score[i]! - (isNew(i) ? 1.6 * pop[i]! + 0.6 * qual[i]! : truth.regular[i]!)))));
    expect(worst).toBeLessThan(1e-9);
    // what a model blind to avc at best does (the regular users' function for everyone) ranks new
    // users' favourites worse than chance; the true score ranks them well
    const fav = rating.map((r) => (r === 5 ? 1 : 0));
    const users = rows.map((r) => String(r.user_id));
    const g = (score: Float64Array, keep: (i: number) => boolean) => gauc(where(score, keep), where(fav, keep), where(users, keep)).value;
    expect(g(truth.score, isNew)).toBeGreaterThan(0.9);
    expect(g(truth.regular, isNew)).toBeLessThan(0.45);
    expect(g(truth.regular, regular)).toBeGreaterThan(0.9);
    // histories: the user's previous movies, at most 30, oldest first
    expectHistories(rows, { user: 'user_id', item: 'movie_id', hist: 'rated_movies', max: 30 });
    rows.filter((r) => r.user_id === rows[0]!.user_id).forEach((r, k) => expect(r.avc).toBe(k));
  });

  it('pepnet v2: domain sizes, task rates, and domains that weigh the shared dimensions differently', () => {
    const { rows, truth } = pepnetSynth({ seed: 3, rows: 60_000, users: 1000, items: 1000 });
    PEPNET_DOMAINS.forEach((d, k) => {
      expect(rows.filter((r) => r.domain === d).length / rows.length).toBeCloseTo(DOMAIN_SHARES[k]!, 1);
    });
    for (const t of PEPNET_TASKS) {
      const rate = mean(rows.map((r) => r[t] as number));
      expect(rate, t).toBeGreaterThan(PEPNET_RATES[t] * 0.8);
      expect(rate, t).toBeLessThan(PEPNET_RATES[t] * 1.2);
    }
    // every domain's weighting is positive and below 2: one EPNet gate (range (0, 2)) away from the shared features
    for (const d of truth.delta) for (const x of d) expect(x > 0 && x < 2).toBe(true);
    // s_d recomputed from the observed user and item columns (4 decimals) and the domain's δ
    const num = (v: unknown) => String(v).split(',').map(Number);
    rows.slice(0, 2000).forEach((r, i) => {
      const u = num(r.user);
      const v = num(r.item);
      const delta = truth.delta[PEPNET_DOMAINS.indexOf(r.domain as 'A')]!;
      const s = (1.5 * delta.reduce((a, dk, k) => a + dk * u[k]! * v[k]!, 0)) / Math.hypot(...delta);
      expect(Math.abs(s - truth.interaction[i]!)).toBeLessThan(2e-3);
    });
    // A and C weigh the dimensions differently: the same pairs scored with A's and C's δ correlate only partly
    const u0 = rows.map((r) => num(r.user));
    const v0 = rows.map((r) => num(r.item));
    const scoreWith = (delta: number[]) => rows.map((_, i) => delta.reduce((a, dk, k) => a + dk * u0[i]![k]! * v0[i]![k]!, 0));
    const r = pearson(scoreWith(truth.delta[0]!), scoreWith(truth.delta[2]!));
    expect(r).toBeGreaterThan(0.3);
    expect(r).toBeLessThan(0.65);
    const click = rows.map((x) => x.click as number);
    const inDomain = (d: string) => (i: number) => rows[i]!.domain === d;
    const aucIn = (score: Float64Array, d: string) => auc(where(score, inDomain(d)), where(click, inDomain(d)));
    // one weighting for all domains (the share-weighted δ̄, what a domain-blind model learns) ranks A
    // about as well as A's own; in the small domain C it loses most of the interaction's lead
    expect(aucIn(truth.interaction, 'A') - aucIn(truth.blind, 'A')).toBeLessThan(0.02);
    expect(aucIn(truth.interaction, 'C') - aucIn(truth.blind, 'C')).toBeGreaterThan(0.08);
    // histories hold the user's earlier items, at most 20
    expectHistories(rows, { user: 'uid', item: 'iid', hist: 'hist', max: 20 });
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

// train.py of `recc export torch` stopped by SIGTERM (a scheduler preempting the job) and resumed
// ends with the weights of an uninterrupted run: on one process (Adam on sparse tables, whose
// SparseAdam counts its own steps; warm-up and cosine decay), on two gloo ranks when only one rank
// gets the signal (the ranks agree on the step), and in a MAML stage (LiMAML). A checkpoint of
// other settings, or none, is refused with one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../src/data/row.js';
import { toCsv } from '../../../src/data/write-csv.js';
import { writeDirectoryAtomic } from '../../../src/io/atomic-write.js';
import { torchPackage } from '../../../src/lower/torch/package.js';
import { analyzeFile } from '../../../src/semantics/analyze.js';
import { randomRows } from '../../helpers/rows.js';
import { freePort, haveTorch, readTensors } from '../../helpers/torch.js';

const work = mkdtempSync(join(tmpdir(), 'recc-train-py-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ADAM = `model small {
  features {
    user: id(hash: 500, dim: 8)
    item: id(hash: 500, dim: 8)
    x: dense(3)
    rating: label
  }
  let trunk = mlp(concat(user, item, x), [16, 8])
  task like : binary(label: rating >= 1) { tower: [8] }
  train {
    optimizer: adam(lr: 0.01)
    batch: 16
    epochs: 60
    seed: 3
    warmup: 0.1
    lr_decay: cosine
  }
}
`;

/** LiMAML's MAML stage on 24 users (2 tasks a batch, one first-order inner step). */
const MAML = readFileSync(join(import.meta.dirname, '../../fixtures/specs/maml-tasks.rec'), 'utf8');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Every process started, killed after the tests (a failed test must not leave ranks waiting on each other). */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** A train.py process: its end, and a way to wait for a line of its log. */
function start(args: string[], env: Record<string, string> = {}) {
  const proc = spawn('/usr/bin/python3', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let out = '';
  let err = '';
  const waiting: Array<{ re: RegExp; resolve: () => void }> = [];
  proc.stdout.on('data', (d) => {
    out += d;
    for (const w of waiting.splice(0)) if (w.re.test(out)) w.resolve();
    else waiting.push(w);
  });
  proc.stderr.on('data', (d) => (err += d));
  const done = new Promise<Run>((resolve) => proc.on('close', (code) => resolve({ code, out, err })));
  const logged = (re: RegExp) => new Promise<void>((resolve) => (re.test(out) ? resolve() : waiting.push({ re, resolve })));
  return { proc, done, logged };
}

/** Run train.py to its end. */
const trainPy = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

/** The environment of rank `rank` of two on `port`. */
const rankEnv = (port: number, rank: number) => ({ MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), WORLD_SIZE: '2', RANK: String(rank), LOCAL_RANK: String(rank) });

/** The step, epoch and batch a stopped run names, and its checkpoint; null when it names none. */
function stoppedAt(err: string): { step: number; epoch: number; batch: number; file: string } | null {
  const m = /stopped by SIGTERM in stage \S+ after step (\d+) \(epoch (\d+), batch (\d+)\): checkpoint written to (\S+); continue with --resume/.exec(err);
  return m && { step: Number(m[1]), epoch: Number(m[2]), batch: Number(m[3]), file: m[4]! };
}

function exported(name: string, spec: string, rows: Row[]): { dir: string; csv: string } {
  const specFile = join(work, `${name}.rec`);
  writeFileSync(specFile, spec);
  const g = analyzeFile(specFile).graph!;
  const dir = join(work, name);
  writeDirectoryAtomic(dir, torchPackage(g, { specFile, reccVersion: 'test' }));
  const csv = join(work, `${name}.csv`);
  writeFileSync(csv, toCsv({ columns: Object.keys(rows[0]!), rows }));
  return { dir, csv };
}

/** Every tensor of two weights files equal, bit for bit. */
function expectSameWeights(a: string, b: string): void {
  const [x, y] = [readTensors(a), readTensors(b)];
  expect(Object.keys(y).sort()).toEqual(Object.keys(x).sort());
  for (const k of Object.keys(x)) expect(Array.from(y[k]!.data), k).toEqual(Array.from(x[k]!.data));
}

/**
 * One process of `base` run whole (to `full`), and one (to `part`) sent SIGTERM once it logged
 * step `stopAt`: resolves with where the stopped run says it stopped, once it has, and the whole
 * run's end.
 */
async function stopOne(base: string[], full: string, part: string, stopAt: number) {
  const stopping = start([...base, '--out', part]);
  const whole = trainPy([...base, '--out', full]);
  await stopping.logged(new RegExp(`step ${stopAt}/`));
  stopping.proc.kill('SIGTERM');
  const stopped = await stopping.done;
  expect(stopped.code, stopped.err).toBe(143);
  expect(stopped.err).toContain('SIGTERM: stopping after this step to write a checkpoint');
  const at = stoppedAt(stopped.err);
  expect(at, stopped.err).not.toBeNull();
  expect(at!.file).toBe(`${part}.checkpoint`);
  return { at: at!, whole };
}

describe.runIf(haveTorch())('train.py stopped by SIGTERM and resumed', () => {
  it('removes what killed runs left half written, not what a running one is writing; a second signal mid-write leaves nothing', async () => {
    const specFile = join(work, 'sweep.rec');
    writeFileSync(specFile, ADAM);
    const { dir, csv } = exported('sweep', ADAM, randomRows(analyzeFile(specFile).graph!, 100, 'sweep'));
    const out = join(work, 'sweep.safetensors');
    // the pid of a process that has ended, and one that runs (this test's)
    const dead = spawnSync('/usr/bin/python3', ['-c', 'import os; print(os.getpid())'], { encoding: 'utf8' }).stdout.trim();
    const left = [`${out}.checkpoint.tmp${dead}`, `${out}.tmp-${dead}`];
    const kept = [`${out}.checkpoint.tmp${process.pid}`, join(work, `sweep.safetensors.checkpoint.tmp${dead}x`), join(work, `other.safetensors.tmp-${dead}`)];
    for (const f of [...left, ...kept]) writeFileSync(f, 'half written');
    const r = await trainPy([join(dir, 'train.py'), '--data', csv, '--no-split', '--threads', '1', '--epochs', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(left.filter((f) => existsSync(f))).toEqual([]);
    expect(kept.filter((f) => existsSync(f))).toEqual(kept);
    // the first signal asks to stop after the step; a second one while the checkpoint is being
    // written exits at once, and removes the file being written
    const py = `import os, sys; sys.path.insert(0, ${JSON.stringify(dir)})
import checkpoint
s = checkpoint.Stopper("cpu")
t = checkpoint.temp_of(${JSON.stringify(join(work, 'second.checkpoint'))})
open(t, "w").write("half written")
s.writing = t
s._caught(15, None)
s._caught(15, None)
print("not reached")`;
    const second = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
    expect(second.status, second.stderr).toBe(143);
    expect(second.stdout).not.toContain('not reached');
    expect(existsSync(join(work, 'second.checkpoint'))).toBe(false);
    expect(spawnSync('ls', [work], { encoding: 'utf8' }).stdout).not.toContain('second.checkpoint.tmp');
  }, 120_000);

  it('ends with the weights of an uninterrupted run, and refuses a checkpoint of other settings', async () => {
    const specFile = join(work, 'adam-rows.rec');
    writeFileSync(specFile, ADAM);
    const { dir, csv } = exported('adam', ADAM, randomRows(analyzeFile(specFile).graph!, 400, 'resume'));
    const base = [join(dir, 'train.py'), '--data', csv, '--no-split', '--threads', '1', '--log-every', '100'];
    const [full, part] = [join(work, 'full.safetensors'), join(work, 'part.safetensors')];
    const { at, whole } = await stopOne(base, full, part, 200);
    // 400 rows in batches of 16: 25 a batch; stopped before the end (1,500 steps)
    expect(at.step).toBe((at.epoch - 1) * 25 + at.batch);
    expect(at.step).toBeGreaterThanOrEqual(200);
    expect(at.step).toBeLessThan(1500);
    // other settings: refused, naming the difference; no checkpoint: refused
    const other = await trainPy([...base, '--out', part, '--resume', '--epochs', '61']);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/^error: --resume: \S+ was written by a run with other settings \(epochs None there, 61 here\)/m);
    const negative = await trainPy([...base, '--out', join(work, 'nothing.safetensors'), '--checkpoint-every', '-3']);
    expect(negative.code).toBe(2);
    expect(negative.err).toContain("argument --checkpoint-every: '-3' is not a number of steps (0 or more)");
    const none = await trainPy([...base, '--out', join(work, 'nothing.safetensors'), '--resume']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('--resume: there is no checkpoint at');
    const resumed = await trainPy([...base, '--out', part, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain(`resuming from ${part}.checkpoint: stage train, step ${at.step} (epoch ${at.epoch}, batch ${at.batch})`);
    expect((await whole).code).toBe(0);
    expectSameWeights(full, part);
  }, 120_000);

  it('on two gloo ranks, when one rank gets the signal: both stop at one step, and resume to the uninterrupted weights', async () => {
    // 20 epochs of 25 steps: six processes of two ranks share the machine's cores
    const spec = ADAM.replace('epochs: 60', 'epochs: 20');
    const specFile = join(work, 'ddp-rows.rec');
    writeFileSync(specFile, spec);
    const { dir, csv } = exported('ddp', spec, randomRows(analyzeFile(specFile).graph!, 400, 'ddp-resume'));
    const base = [join(dir, 'train.py'), '--data', csv, '--no-split', '--threads', '1', '--log-every', '100'];
    const [full, part] = [join(work, 'ddp-full.safetensors'), join(work, 'ddp-part.safetensors')];
    // two pairs of ranks run at once: each on its own port (a port free now may be handed out
    // again before the first pair's rank 0, still importing torch, binds it)
    const ports: number[] = [];
    const pair = async (out: string, extra: string[] = []) => {
      let port = await freePort();
      while (ports.includes(port)) port = await freePort();
      ports.push(port);
      return [0, 1].map((r) => start([...base, '--out', out, ...extra], rankEnv(port, r)));
    };
    const whole = await pair(full);
    const [zero, one] = await pair(part);
    // rank 0 logs the steps; the signal goes to rank 1 only
    await zero!.logged(/step 100\//);
    one!.proc.kill('SIGTERM');
    const [r0, r1] = await Promise.all([zero!.done, one!.done]);
    expect([r0.code, r1.code], r0.err + r1.err).toEqual([143, 143]);
    // rank 0 says where both stopped (at a step the ranks compare at: every 10), and wrote the checkpoint
    const at = stoppedAt(r0.err);
    expect(at, r0.err).not.toBeNull();
    expect(at!.step % 10).toBe(0);
    expect(at!.step).toBeLessThan(500);
    expect(r1.err).toContain('SIGTERM: stopping after this step');
    const again = await pair(part, ['--resume']);
    for (const r of await Promise.all(again.map((p) => p.done))) expect(r.code, r.err).toBe(0);
    for (const r of await Promise.all(whole.map((p) => p.done))) expect(r.code, r.err).toBe(0);
    expectSameWeights(full, part);
  }, 180_000);

  it('in a MAML stage (LiMAML): resumed at the batch of tasks it stopped before, to the uninterrupted weights', async () => {
    const rows = Array.from({ length: 240 }, (_, i) => ({
      user_id: `u${i % 24}`,
      user_feats: [i % 3, (i % 5) / 5, 1].join(','),
      item_feats: [(i * 7) % 11 / 11, (i % 4) / 4].join(','),
      clicked: (i * 13) % 7 < 3 ? 1 : 0,
    }));
    const { dir, csv } = exported('maml', MAML, rows);
    const base = [join(dir, 'train.py'), '--data', csv, '--no-split', '--threads', '1', '--log-every', '50'];
    const [full, part] = [join(work, 'maml-full.safetensors'), join(work, 'maml-part.safetensors')];
    const { at, whole } = await stopOne(base, full, part, 100);
    // 24 tasks, 2 a batch: 12 batches an epoch
    expect(at.step).toBe((at.epoch - 1) * 12 + at.batch);
    const resumed = await trainPy([...base, '--out', part, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect((await whole).code).toBe(0);
    expectSameWeights(full, part);
  }, 120_000);
});

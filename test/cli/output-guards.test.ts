// Outputs never cost the user files (src/io/output-path.ts): a directory written whole
// (`recc export torch -o DIR`, a Triton model directory) is only taken when it is missing, empty
// or an earlier output of the same kind, and never when it is a file, holds the spec or is the
// working directory; `recc predict -o` and `recc compile -o` never write over a file they read
// (same device and inode, whatever the path says). Each refusal is one line with REC6009, exit 1,
// and leaves everything as it was. Spawns the CLI: `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../src/data/write-csv.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { randomRows } from '../helpers/rows.js';

const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'examples/shared-bottom.rec');
const work = mkdtempSync(join(tmpdir(), 'recc-output-guards-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const recc = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd, encoding: 'utf8' });

/** A refusal: exit 1, one line with the code, no stack trace. */
function refused(r: ReturnType<typeof recc>): string {
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error\[REC6009\]: /);
  return lines[0]!;
}

/** A directory's files and their contents, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    out[name] = statSync(p).isDirectory() ? '<dir>' : readFileSync(p, 'latin1');
  }
  return out;
}

describe('recc export torch -o DIR', () => {
  it('refuses a file, the spec’s own directory and the working directory, touching nothing', () => {
    const base = join(work, 'export');
    mkdirSync(base);
    writeFileSync(join(base, 'notes.txt'), 'my notes\n');
    expect(refused(recc(base, 'export', 'torch', SPEC, '-o', 'notes.txt'))).toBe(
      'error[REC6009]: -o notes.txt is a file: recc export torch replaces the directory it writes whole; give a new or empty directory',
    );
    expect(readFileSync(join(base, 'notes.txt'), 'utf8')).toBe('my notes\n');

    const proj = join(base, 'proj');
    mkdirSync(proj);
    copyFileSync(SPEC, join(proj, 'shared-bottom.rec'));
    writeFileSync(join(proj, 'mydata.csv'), 'keep\n');
    const before = snapshot(proj);
    expect(refused(recc(base, 'export', 'torch', 'proj/shared-bottom.rec', '-o', 'proj'))).toContain('-o proj holds proj/shared-bottom.rec, which this command reads');
    expect(snapshot(proj)).toEqual(before);

    expect(refused(recc(proj, 'export', 'torch', 'shared-bottom.rec', '-o', '.'))).toContain('-o . is the working directory');
    expect(refused(recc(proj, 'export', 'torch', 'shared-bottom.rec', '-o', '..'))).toContain('-o .. is a directory holding the working directory');
    expect(snapshot(proj)).toEqual(before);

    // a directory of someone else's files, even without the spec in it
    const other = join(base, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'README.md'), 'mine\n');
    expect(refused(recc(base, 'export', 'torch', SPEC, '-o', 'other'))).toContain('-o other is a directory but not a PyTorch package that recc export torch wrote earlier (no spec.json; it holds README.md)');
    expect(readFileSync(join(other, 'README.md'), 'utf8')).toBe('mine\n');
  });

  it('writes a new or empty directory, and replaces an earlier export holding nothing else', () => {
    const base = join(work, 'export-ok');
    mkdirSync(join(base, 'empty'), { recursive: true });
    expect(recc(base, 'export', 'torch', SPEC, '-o', 'empty').status).toBe(0);
    const e = recc(base, 'export', 'torch', SPEC, '-o', 'pkg');
    expect(e.stderr).toBe('');
    expect(e.stdout).toContain('wrote pkg/ (model.py');
    // Python's byte-code cache from running the package is no reason to refuse
    mkdirSync(join(base, 'pkg', '__pycache__'));
    writeFileSync(join(base, 'pkg', '__pycache__', 'model.cpython-311.pyc'), 'x');
    expect(recc(base, 'export', 'torch', SPEC, '-o', 'pkg').status).toBe(0);
    // …but a file recc did not write there (weights trained in it) is
    writeFileSync(join(base, 'pkg', 'model.safetensors'), 'trained');
    expect(refused(recc(base, 'export', 'torch', SPEC, '-o', 'pkg'))).toContain('but it also holds what it did not write (model.safetensors)');
    expect(readFileSync(join(base, 'pkg', 'model.safetensors'), 'utf8')).toBe('trained');
  });
});

describe('recc compile', () => {
  it('--triton refuses a model directory recc did not write, or one holding the spec', () => {
    const base = join(work, 'triton');
    mkdirSync(base);
    expect(recc(base, 'compile', SPEC, '--triton', 'repo').status).toBe(0);
    expect(recc(base, 'compile', SPEC, '--triton', 'repo').status).toBe(0); // an earlier one: replaced
    mkdirSync(join(base, 'repo', 'shared_bottom', '2'));
    writeFileSync(join(base, 'repo', 'shared_bottom', '2', 'model.onnx'), 'another version');
    expect(refused(recc(base, 'compile', SPEC, '--triton', 'repo'))).toContain('repo/shared_bottom (the Triton model `shared_bottom` in --triton repo) is a Triton model directory that recc compile --triton wrote earlier, but it also holds what it did not write (2/, 2/model.onnx)');
    expect(readFileSync(join(base, 'repo', 'shared_bottom', '2', 'model.onnx'), 'utf8')).toBe('another version');

    mkdirSync(join(base, 'proj', 'shared_bottom'), { recursive: true });
    copyFileSync(SPEC, join(base, 'proj', 'shared_bottom', 'spec.rec'));
    expect(refused(recc(base, 'compile', 'proj/shared_bottom/spec.rec', '--triton', 'proj'))).toContain('holds proj/shared_bottom/spec.rec, which this command reads');
    expect(readdirSync(join(base, 'proj', 'shared_bottom'))).toEqual(['spec.rec']);
  });

  it('-o never writes over the spec or the weights it reads', () => {
    const base = join(work, 'compile-o');
    mkdirSync(base);
    copyFileSync(SPEC, join(base, 'spec.rec'));
    const text = readFileSync(join(base, 'spec.rec'), 'utf8');
    expect(refused(recc(base, 'compile', 'spec.rec', '-o', './spec.rec'))).toBe("error[REC6009]: -o ./spec.rec is the spec's input spec.rec: writing there would replace what is read; give another output file");
    expect(readFileSync(join(base, 'spec.rec'), 'utf8')).toBe(text);
  });
});

describe('recc predict -o', () => {
  it('refuses the --data file (by device and inode: a hard link too) before reading it', () => {
    const base = join(work, 'predict');
    mkdirSync(base);
    expect(recc(base, 'export', 'torch', SPEC, '-o', 'pkg').status).toBe(0); // its init.safetensors: weights for the spec
    const g = analyzeFile(SPEC).graph!;
    const csv = toCsv({ columns: Object.keys(randomRows(g, 1, 'guards')[0]!), rows: randomRows(g, 20, 'guards') });
    writeFileSync(join(base, 'rows.csv'), csv);
    linkSync(join(base, 'rows.csv'), join(base, 'same.csv'));
    symlinkSync('rows.csv', join(base, 'link.csv'));
    const weights = join('pkg', 'init.safetensors');
    for (const out of ['rows.csv', './rows.csv', 'same.csv', 'link.csv']) {
      expect(refused(recc(base, 'predict', SPEC, '--weights', weights, '--data', 'rows.csv', '-o', out, '--keep', ''))).toBe(
        `error[REC6009]: -o ${out} is the --data file: writing there would replace what is read; give another output file`,
      );
      expect(readFileSync(join(base, 'rows.csv'), 'utf8')).toBe(csv);
    }
    const ok = recc(base, 'predict', SPEC, '--weights', weights, '--data', 'rows.csv', '-o', 'scores.csv', '--keep', '');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });
});

// Found by a probe: `-o /dev/full` (or a FIFO, or /dev/null) as root renamed a regular file over
// the device. A stream is written into, as `cp` would; test/io/atomic-write.test.ts has devices.
describe('-o a FIFO', () => {
  /** What `cat FIFO > file` received while `run` wrote into the FIFO, and whether the FIFO is still one. */
  const throughFifo = async (base: string, name: string, run: (fifo: string) => ReturnType<typeof recc>) => {
    const fifo = join(base, name);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('sh', ['-c', 'cat "$0" > "$1"', fifo, `${fifo}.received`]);
    const closed = new Promise((done) => reader.on('close', done));
    const r = run(fifo);
    await closed;
    return { r, received: readFileSync(`${fifo}.received`), fifo: lstatSync(fifo).isFIFO() };
  };

  it('compile and predict write into it, the same bytes as into a file', async () => {
    const base = join(work, 'fifo');
    mkdirSync(base);
    const c = await throughFifo(base, 'model.onnx', (fifo) => recc(base, 'compile', SPEC, '-o', fifo));
    expect(c.r.status, c.r.stderr).toBe(0);
    expect(recc(base, 'compile', SPEC, '-o', 'file.onnx').status).toBe(0);
    const file = readFileSync(join(base, 'file.onnx'));
    expect([c.fifo, c.received.equals(file)]).toEqual([true, true]);
    expect(c.r.stdout).toContain(`(ONNX IR 8, opset 17, ${(file.length / 1e6).toFixed(2)} MB)`);

    expect(recc(base, 'export', 'torch', SPEC, '-o', 'pkg').status).toBe(0);
    const g = analyzeFile(SPEC).graph!;
    writeFileSync(join(base, 'rows.csv'), toCsv({ columns: Object.keys(randomRows(g, 1, 'fifo')[0]!), rows: randomRows(g, 50, 'fifo') }));
    const predict = (out: string) => recc(base, 'predict', SPEC, '--weights', 'pkg/init.safetensors', '--data', 'rows.csv', '-o', out, '--keep', '');
    const p = await throughFifo(base, 'scores', predict);
    expect(p.r.status, p.r.stderr).toBe(0);
    expect(predict('scores.csv').status).toBe(0);
    expect([p.fifo, p.received.toString('utf8')]).toEqual([true, readFileSync(join(base, 'scores.csv'), 'utf8')]);
  });
});

// `recc check` and `recc stats` as a user runs them (the built CLI, a real process).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('recc check', () => {
  it('prints ok for every example and exits 0', () => {
    const r = recc('check', 'examples/poso-movielens.rec', 'examples/shared-bottom.rec');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok examples\/poso-movielens\.rec: model poso_movielens, 6 features, 2 tasks/m);
    expect(r.stdout).toMatch(/^ok examples\/shared-bottom\.rec/m);
  });

  it('renders a located error with the line, carets and a hint, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-'));
    const file = join(dir, 'bad.rec');
    writeFileSync(file, 'model m {\n  features {\n    a: dense(4)\n    clicked: label\n  }\n  let h = relu(aa)\n  task click : binary(label: clicked) { from: h }\n}\n');
    const r = recc('check', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.rec:6:16: error[REC2001]: unknown name `aa`');
    expect(r.stderr).toContain('6 |   let h = relu(aa)');
    expect(r.stderr).toContain('  |                ^^');
    expect(r.stderr).toContain('hint: did you mean `a`?');
    expect(r.stdout).toContain('failed');
    const j = recc('check', '--format', 'json', file);
    expect(j.status).toBe(1);
    const parsed = JSON.parse(j.stdout);
    expect(parsed[0].diagnostics[0]).toMatchObject({ code: 'REC2001', severity: 'error', span: { start: { line: 6, column: 16 } } });
  });

  it('checks the .rec files under a directory, as fmt finds them, and says when there are none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-check-dir-'));
    const good = 'block shaped(x: tensor) {\n  return relu(x)\n}\n';
    const bad = 'model m {\n  let h = relu(aa)\n}\n';
    for (const d of ['sub', 'node_modules/pkg', '.hidden']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'a.rec'), good);
    writeFileSync(join(dir, 'notes.txt'), 'not a spec');
    writeFileSync(join(dir, 'sub/b.rec'), bad);
    writeFileSync(join(dir, 'node_modules/pkg/c.rec'), bad);
    writeFileSync(join(dir, '.hidden/d.rec'), bad);
    const r = recc('check', dir);
    expect(r.status).toBe(1);
    const checked = [...r.stdout.matchAll(/^(ok|failed) (\S+)/gm)].map((m) => [m[1], m[2]!.replace(/\\/g, '/').split('/').slice(-2).join('/')]);
    expect(checked).toEqual([
      ['ok', `${dir.split('/').pop()}/a.rec`],
      ['failed', 'sub/b.rec'],
    ]);
    expect(r.stderr).toContain('b.rec:2:16: error[REC2001]: unknown name `aa`');
    // a file and a directory together; the json output lists each file
    const j = recc('check', '--format', 'json', join(dir, 'a.rec'), join(dir, 'sub'));
    expect(JSON.parse(j.stdout).map((f: { file: string }) => f.file.split('/').pop())).toEqual(['a.rec', 'b.rec']);
    // a directory named is checked whole, whatever its name; one without a spec is an error
    expect(recc('check', join(dir, 'node_modules')).stdout).toMatch(/^failed \S*c\.rec/m);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not a spec');
    const e = recc('check', join(dir, 'a.rec'), empty);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('empty: no .rec files under this directory');
    expect(e.stdout).toMatch(/^ok \S*a\.rec/m);
  });

  it('has --help for every command', () => {
    for (const cmd of ['check', 'stats', 'train', 'compile', 'eval', 'synth']) {
      const r = recc(cmd, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: recc ${cmd}`);
    }
  });
});

describe('recc stats', () => {
  it('prints the per-block table of the POSO example', () => {
    const r = recc('stats', 'examples/poso-movielens.rec');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/trunk\s+poso\.mlp\s+64,832\s+130,432/);
    expect(r.stdout).toMatch(/total\s+785,586/);
  });

  it('says how each stage of a model with a meta block steps', () => {
    const r = recc('stats', 'examples/limaml-warm.rec');
    expect(r.status).toBe(0);
    const table = r.stdout.slice(r.stdout.indexOf('\nstage'));
    expect(table).toMatch(/^\s*stage\s+step\s+trained\s+of$/m);
    expect(table).toMatch(/^warm\s+supervised\s+20,785\s+20,785\s+100\.00 %$/m);
    expect(table).toMatch(/^meta\s+MAML\s+20,785\s+20,785\s+100\.00 %$/m);
    // a model without one keeps the table it had
    expect(recc('stats', 'examples/peterrec-profile.rec').stdout).toMatch(/^stage\s+trained\s+of$/m);
  });
});

describe('recc compile', () => {
  it('writes ONNX with random weights (and says so), or with trained weights, and rejects mismatched ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-compile-'));
    const out = join(dir, 'poso.onnx');
    const r = recc('compile', 'examples/poso-movielens.rec', '-o', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('RANDOM weights');
    expect(r.stdout).toContain('outputs: favorite [batch, 1], satisfied [batch, 1]');
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from([1, 2, 3]));
    const b = recc('compile', 'examples/poso-movielens.rec', '-o', out, '--weights', bad);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('error[REC6006]');
  });
});

describe('a reader that goes away', () => {
  // Its standard output a pipe whose reading end is closed before the command writes: every write
  // fails with EPIPE, thrown (recc check writes with fs.writeSync) or as an error event (stats
  // and commander's help write through process.stdout).
  const closedStdout = (...args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });

  it('ends the command quietly with the status of a command killed by SIGPIPE', async () => {
    for (const args of [['check', 'examples/poso-movielens.rec'], ['check', '--format', 'json', 'examples/poso-movielens.rec'], ['stats', 'examples/poso-movielens.rec'], ['--help']]) {
      expect(await closedStdout(...args), args.join(' ')).toEqual({ status: 141, stderr: '' });
    }
  });
});

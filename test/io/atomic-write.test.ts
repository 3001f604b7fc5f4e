import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFile, StagedWrites, writeDirectoryAtomic, writeFileAtomic, WriteError } from '../../src/io/atomic-write.js';

/** Bytes whose length cannot be read: the write fails after the temporary file was created. */
class FailingBytes extends Uint8Array {
  override get length(): number {
    throw new Error('disk full');
  }
}

describe('writeFileAtomic', () => {
  it('creates and replaces files whole, strings and bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const f = join(dir, 'state.json');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, 'two, longer than one');
    expect(readFileSync(f, 'utf8')).toBe('two, longer than one');
    writeFileAtomic(f, Uint8Array.from([0, 255, 7]).subarray(1));
    expect(Array.from(readFileSync(f))).toEqual([255, 7]);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('a write that fails midway leaves the previous content and no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const f = join(dir, 'model.safetensors');
    writeFileAtomic(f, 'previous');
    expect(() => writeFileAtomic(f, new FailingBytes(16))).toThrow('disk full');
    expect(readFileSync(f, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('a failing rename (a non-empty directory holds the name) loses nothing and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('a missing directory is an error, not a crash elsewhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    expect(() => writeFileAtomic(join(dir, 'no', 'such', 'file'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

// Replacing a user's file keeps what the user set up: a link stays a link (its target is the file
// rewritten, the temporary file beside the target), and the file keeps its permissions.
describe.each([
  ['writeFileAtomic', (path: string, data: string) => writeFileAtomic(path, data)],
  [
    'AtomicFile',
    (path: string, data: string) => {
      const f = new AtomicFile(path);
      f.write(data);
      f.commit();
    },
  ],
])('%s over an existing file', (_name, write) => {
  it('writes through a chain of symlinks to the target, in its own directory, and leaves the links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'links'));
    writeFileSync(join(dir, 'real', 'spec.rec'), 'old');
    symlinkSync('../real/spec.rec', join(dir, 'links', 'hop.rec'));
    symlinkSync('hop.rec', join(dir, 'links', 'spec.rec'));
    write(join(dir, 'links', 'spec.rec'), 'new');
    expect(readFileSync(join(dir, 'real', 'spec.rec'), 'utf8')).toBe('new');
    expect(lstatSync(join(dir, 'links', 'spec.rec')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'links', 'spec.rec'))).toBe('hop.rec');
    expect(readlinkSync(join(dir, 'links', 'hop.rec'))).toBe('../real/spec.rec');
    expect(readdirSync(join(dir, 'real'))).toEqual(['spec.rec']);
    expect(readdirSync(join(dir, 'links')).sort()).toEqual(['hop.rec', 'spec.rec']);
  });

  it("removes the temporary file a killed write left beside the link's target, in its own directory", () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-awl-'));
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'links'));
    writeFileSync(join(dir, 'real', 'spec.rec'), 'old');
    symlinkSync('../real/spec.rec', join(dir, 'links', 'spec.rec'));
    // named as a write by a process that is gone (pid 2^22 + 1 is past Linux's pid_max) leaves it
    const stale = `.spec.rec.${2 ** 22 + 1}.1700000000000.12345.tmp`;
    writeFileSync(join(dir, 'real', stale), 'half');
    write(join(dir, 'links', 'spec.rec'), 'new');
    expect(readFileSync(join(dir, 'real', 'spec.rec'), 'utf8')).toBe('new');
    expect(readdirSync(join(dir, 'real'))).toEqual(['spec.rec']);
  });

  it('creates the target of a link that points to no file yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    symlinkSync('target.json', join(dir, 'link.json'));
    write(join(dir, 'link.json'), 'made');
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('made');
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
  });

  it('keeps the permissions of the file it replaces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    for (const mode of [0o600, 0o640, 0o755]) {
      const f = join(dir, `m${mode.toString(8)}`);
      writeFileSync(f, 'old');
      chmodSync(f, mode);
      write(f, 'new');
      expect(readFileSync(f, 'utf8')).toBe('new');
      expect(statSync(f).mode & 0o777, mode.toString(8)).toBe(mode);
    }
  });

  it('a loop of links is an error that writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-aw-'));
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    expect(() => write(join(dir, 'a'), 'x')).toThrow(/symbolic links \(ELOOP\)/);
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
  });
});

describe('writeDirectoryAtomic', () => {
  const tree = (d: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
      for (const e of readdirSync(join(d, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        else out[r] = readFileSync(join(d, r), 'utf8');
      }
    };
    walk('');
    return out;
  };

  it('creates a directory with nested files, and replaces an existing one whole (old files gone)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-ad-'));
    const model = join(dir, 'repo', 'm');
    writeDirectoryAtomic(model, { 'config.pbtxt': 'one', '1/model.onnx': 'bytes', '2/stale': 'x' });
    expect(tree(model)).toEqual({ 'config.pbtxt': 'one', '1/model.onnx': 'bytes', '2/stale': 'x' });
    writeDirectoryAtomic(model, { 'config.pbtxt': 'two', '1/model.onnx': Uint8Array.from([104, 105]) });
    expect(tree(model)).toEqual({ 'config.pbtxt': 'two', '1/model.onnx': 'hi' });
    expect(readdirSync(join(dir, 'repo'))).toEqual(['m']);
  });

  it('a write that fails midway leaves the previous directory as it was and no temporary directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-ad-'));
    const model = join(dir, 'm');
    writeDirectoryAtomic(model, { 'config.pbtxt': 'previous', '1/model.onnx': 'old' });
    expect(() => writeDirectoryAtomic(model, { 'config.pbtxt': 'new', '1/model.onnx': new FailingBytes(16) })).toThrow('disk full');
    expect(tree(model)).toEqual({ 'config.pbtxt': 'previous', '1/model.onnx': 'old' });
    expect(readdirSync(dir)).toEqual(['m']);
  });

  it('refuses paths that leave the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-ad-'));
    expect(() => writeDirectoryAtomic(join(dir, 'm'), { '../escape': 'x' })).toThrow(/outside/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('StagedWrites', () => {
  const setUp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-sw-'));
    writeFileAtomic(join(dir, 'a.onnx'), 'old a');
    writeDirectoryAtomic(join(dir, 'repo'), { 'config.pbtxt': 'old config' });
    return dir;
  };
  const contents = (dir: string) => ({ a: readFileSync(join(dir, 'a.onnx'), 'utf8'), repo: readdirSync(join(dir, 'repo')).map((f) => `${f}: ${readFileSync(join(dir, 'repo', f), 'utf8')}`) });

  it('nothing is in place before commit; then everything is', () => {
    const dir = setUp();
    const s = new StagedWrites();
    s.file(join(dir, 'a.onnx'), 'new a');
    s.directory(join(dir, 'repo'), { 'config.pbtxt': 'new config' });
    expect(contents(dir)).toEqual({ a: 'old a', repo: ['config.pbtxt: old config'] });
    s.commit();
    expect(contents(dir)).toEqual({ a: 'new a', repo: ['config.pbtxt: new config'] });
    expect(readdirSync(dir).sort()).toEqual(['a.onnx', 'repo']);
  });

  it('a write that fails on the second output removes the first one staged: nothing changes', () => {
    const dir = setUp();
    const s = new StagedWrites();
    s.file(join(dir, 'a.onnx'), 'new a');
    expect(() => s.directory(join(dir, 'repo'), { 'config.pbtxt': new FailingBytes(4) })).toThrow('disk full');
    expect(contents(dir)).toEqual({ a: 'old a', repo: ['config.pbtxt: old config'] });
    expect(readdirSync(dir).sort()).toEqual(['a.onnx', 'repo']);
  });

  it('a rename that fails at commit puts back the directory already swapped, names its target, and leaves no temporary', () => {
    const dir = setUp();
    const s = new StagedWrites();
    s.directory(join(dir, 'repo'), { 'config.pbtxt': 'new config' });
    s.file(join(dir, 'b.onnx'), 'new b');
    // the name is taken by a non-empty directory after staging: renaming a file over it fails
    mkdirSync(join(dir, 'b.onnx'));
    writeFileSync(join(dir, 'b.onnx', 'x'), 'x');
    expect(() => s.commit()).toThrow(`cannot write ${join(dir, 'b.onnx')}`);
    expect(contents(dir).repo).toEqual(['config.pbtxt: old config']);
    expect(readdirSync(dir).sort()).toEqual(['a.onnx', 'b.onnx', 'repo']);
  });
});

// Found by a probe: `predict -o /dev/full` as root renamed a regular file over the device. A
// target that is a stream is written into; a disk is refused. The devices are made in a temporary
// directory (mknod, root only), so a broken writer replaces a copy, never the machine's own.
describe('outputs that are not files', () => {
  const node = (dir: string, name: string, args: string[]) => {
    const path = join(dir, name);
    return spawnSync('mknod', [path, ...args]).status === 0 ? path : undefined;
  };
  const dir = mkdtempSync(join(tmpdir(), 'recc-dev-'));
  const full = node(dir, 'full', ['c', '1', '7']); // /dev/full: every write fails with ENOSPC
  const zero = node(dir, 'null', ['c', '1', '3']); // /dev/null
  const disk = node(dir, 'disk', ['b', '7', '200']); // a loop device's number: never opened

  /** Read what a write into a new FIFO delivers (a reader in another process, as `cat fifo` would be). */
  const throughFifo = async (write: (fifo: string) => void) => {
    const d = mkdtempSync(join(tmpdir(), 'recc-fifo-'));
    const fifo = join(d, 'out.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise((r) => reader.on('close', r));
    write(fifo);
    await closed;
    return { text: Buffer.concat(chunks).toString('utf8'), stillFifo: lstatSync(fifo).isFIFO(), files: readdirSync(d) };
  };

  it('a FIFO is written into, whole or streamed, staged with a file, and stays a FIFO', async () => {
    expect(await throughFifo((f) => writeFileAtomic(f, 'score\n0.5\n'))).toEqual({ text: 'score\n0.5\n', stillFifo: true, files: ['out.csv'] });
    const streamed = await throughFifo((f) => {
      const a = new AtomicFile(f);
      a.write('score\n');
      a.write(Buffer.from('0.25\n'));
      a.commit();
    });
    expect(streamed).toEqual({ text: 'score\n0.25\n', stillFifo: true, files: ['out.csv'] });
    const beside = mkdtempSync(join(tmpdir(), 'recc-fifo-'));
    const staged = await throughFifo((f) => {
      const s = new StagedWrites();
      s.file(join(beside, 'meta.onnx'), 'meta');
      s.file(f, 'global');
      s.commit();
    });
    expect(staged).toEqual({ text: 'global', stillFifo: true, files: ['out.csv'] });
    expect(readFileSync(join(beside, 'meta.onnx'), 'utf8')).toBe('meta');
  });

  it.skipIf(!zero)('a character device is written into, through a link too, and stays the device', () => {
    writeFileAtomic(zero!, 'scores');
    const a = new AtomicFile(zero!);
    a.write('more');
    a.commit();
    const link = join(mkdtempSync(join(tmpdir(), 'recc-dev-')), 'out.csv');
    symlinkSync(zero!, link);
    writeFileAtomic(link, 'through the link');
    expect([statSync(zero!).isCharacterDevice(), lstatSync(link).isSymbolicLink()]).toEqual([true, true]);
  });

  it.skipIf(!full)('a device that fails the write is a WriteError, and files staged with it stay as they were', () => {
    expect(() => writeFileAtomic(full!, 'scores')).toThrow(`cannot write ${full}: no space left on the device (ENOSPC)`);
    expect(() => {
      const a = new AtomicFile(full!);
      a.write('x'.repeat(1 << 16));
      a.commit();
    }).toThrow(WriteError);
    const beside = mkdtempSync(join(tmpdir(), 'recc-dev-'));
    writeFileAtomic(join(beside, 'global.onnx'), 'old');
    const s = new StagedWrites();
    s.file(join(beside, 'global.onnx'), 'new');
    s.file(full!, 'meta');
    expect(() => s.commit()).toThrow('ENOSPC');
    expect([readFileSync(join(beside, 'global.onnx'), 'utf8'), readdirSync(beside)]).toEqual(['old', ['global.onnx']]);
    expect(statSync(full!).isCharacterDevice()).toBe(true);
  });

  it.skipIf(!disk)('a block device is refused, and nothing is written or renamed over it', () => {
    expect(() => writeFileAtomic(disk!, 'scores')).toThrow(`cannot write ${disk}: it is a block device (a disk), which recc never writes over`);
    expect(() => new AtomicFile(disk!)).toThrow(WriteError);
    expect(statSync(disk!).isBlockDevice()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['disk', 'full', 'null']);
  });
});

// What a spec may read (issue 17, item 1): files under its own directory tree or an allowed one,
// regular files only, within a size limit; refusals name the path and the rule, never the content.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filePolicy, readChecked } from '../../src/io/file-policy.js';
import { analyze, analyzeFile } from '../../src/semantics/analyze.js';
import { Workspace } from '../../src/server/documents.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '../..');
const SECRET = 'hunter2-do-not-print';

/** A project folder with a spec in it, and a secret file beside (outside) the project. */
function layout() {
  const top = mkdtempSync(join(tmpdir(), 'recc-policy-'));
  const project = join(top, 'project');
  const outside = join(top, 'elsewhere');
  mkdirSync(join(project, 'lib'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), `${SECRET}\nline two\n`);
  writeFileSync(join(outside, 'shared.rec'), 'block twice(x: tensor) { return x + x }\n');
  writeFileSync(join(project, 'lib', 'common.rec'), 'block half(x: tensor) { return x / 2 }\n');
  writeFileSync(join(project, 'movies.txt'), 'a\nb\n');
  return { top, project, outside };
}

const spec = (uses: string, vocab: string) => `${uses}
model m {
  features {
    a: dense(4)
    c: id(vocab: "${vocab}", dim: 2)
    clicked: label
  }
  let h = relu(concat(a, c))
  task click : binary(label: clicked) { from: h }
}
`;

const codes = (text: string, file: string, files = filePolicy()) => analyze(text, file, { files }).diagnostics.map((d) => d.code);

describe('what a spec may read', () => {
  it('reads files under its own directory, relative to the spec, and the stdlib', () => {
    const { project } = layout();
    const a = analyze(spec('use "./lib/common.rec" as common\nuse std.poso', 'movies.txt'), join(project, 'm.rec'));
    expect(a.diagnostics).toEqual([]);
    expect(a.graph!.features.find((f) => f.name === 'c')).toMatchObject({ source: { kind: 'vocab', values: ['a', 'b'] } });
  });

  it('refuses a use or a vocabulary outside the tree, by .. or by absolute path, naming path and rule, not content', () => {
    const { project, outside } = layout();
    const file = join(project, 'm.rec');
    for (const [uses, vocab] of [
      ['use "../elsewhere/shared.rec" as s', 'movies.txt'],
      [`use "${join(outside, 'shared.rec')}" as s`, 'movies.txt'],
      ['', '../elsewhere/secret.txt'],
      ['', join(outside, 'secret.txt')],
    ] as const) {
      const a = analyze(spec(uses, vocab), file);
      expect(a.diagnostics.map((d) => d.code)).toEqual(['REC2010']);
      const d = a.diagnostics[0]!;
      expect(d.message).toContain(outside);
      expect(d.message).toContain('outside the spec\'s directory');
      expect(d.message).toContain('--allow-path');
      expect(JSON.stringify(a)).not.toContain(SECRET);
    }
  });

  it('counts a symlink in the tree that points out of it as outside', () => {
    const { project, outside } = layout();
    symlinkSync(join(outside, 'secret.txt'), join(project, 'vocab.txt'));
    symlinkSync(join(outside, 'shared.rec'), join(project, 'shared.rec'));
    symlinkSync(outside, join(project, 'dirlink'));
    expect(codes(spec('', 'vocab.txt'), join(project, 'm.rec'))).toEqual(['REC2010']);
    expect(codes(spec('use "./shared.rec" as s', 'movies.txt'), join(project, 'm.rec'))).toEqual(['REC2010']);
    expect(codes(spec('', 'dirlink/secret.txt'), join(project, 'm.rec'))).toEqual(['REC2010']);
    // a link that stays inside is fine
    symlinkSync(join(project, 'movies.txt'), join(project, 'alias.txt'));
    expect(codes(spec('', 'alias.txt'), join(project, 'm.rec'))).toEqual([]);
  });

  it('reads an allowed tree (--allow-path), and only that', () => {
    const { project, outside, top } = layout();
    const allowed = filePolicy([outside]);
    expect(codes(spec('use "../elsewhere/shared.rec" as s', '../elsewhere/secret.txt'), join(project, 'm.rec'), allowed)).toEqual([]);
    writeFileSync(join(top, 'other.txt'), 'x\n');
    expect(codes(spec('', '../other.txt'), join(project, 'm.rec'), allowed)).toEqual(['REC2010']);
  });

  it('reads regular files only: devices, FIFOs, directories and /proc are refused at once', () => {
    const { project } = layout();
    spawnSync('mkfifo', [join(project, 'fifo.txt')]);
    spawnSync('mkfifo', [join(project, 'fifo.rec')]);
    mkdirSync(join(project, 'dir.rec'));
    const everywhere = filePolicy(['/']);
    const file = join(project, 'm.rec');
    const t0 = Date.now();
    for (const vocab of ['/dev/zero', '/dev/stdin', '/dev/null', 'fifo.txt', '/proc/self/environ', '/proc/self/status', '/sys/kernel/mm/transparent_hugepage/enabled']) {
      const a = analyze(spec('', vocab), file, { files: everywhere });
      expect(a.diagnostics.map((d) => d.code), vocab).toEqual(['REC2011']);
      expect(a.diagnostics[0]!.message).toMatch(/is a (device|FIFO)|kernel file system|no such file/);
    }
    for (const use of ['/dev/zero.rec', './fifo.rec', './dir.rec']) {
      const a = analyze(spec(`use "${use}" as z`, 'movies.txt'), file, { files: everywhere });
      expect(a.diagnostics.length, use).toBe(1);
    }
    expect(codes(spec('use "./fifo.rec" as z', 'movies.txt'), file)).toEqual(['REC2011']);
    expect(codes(spec('use "./dir.rec" as z', 'movies.txt'), file)).toEqual(['REC2011']);
    expect(Date.now() - t0).toBeLessThan(20_000); // nothing waited on a device or a FIFO
    // `recc check /dev/zero`: the user named it, but it is still not a regular file
    expect(analyzeFile('/dev/zero').diagnostics.map((d) => d.code)).toEqual(['REC2011']);
  });

  it('refuses files over the size limit of their kind, and says the limit', () => {
    const { project } = layout();
    writeFileSync(join(project, 'big.txt'), 'v\n'.repeat(600));
    const small = filePolicy([], { vocabulary: 1000 });
    const a = analyze(spec('', 'big.txt'), join(project, 'm.rec'), { files: small });
    expect(a.diagnostics.map((d) => d.code)).toEqual(['REC2011']);
    expect(a.diagnostics[0]!.message).toContain('1200 bytes, over the 1000 bytes limit of a vocabulary file');
    expect(readChecked(filePolicy(), join(project, 'big.txt'), 'vocabulary')).toEqual({ text: 'v\n'.repeat(600) });
  });

  it('gives one diagnostic for a use of a file that is not a .rec spec, without reading it', () => {
    const { project } = layout();
    writeFileSync(join(project, 'notes.txt'), `${SECRET}\n${'garbage ( [ {\n'.repeat(50)}`);
    const a = analyze(spec('use "./notes.txt" as n', 'movies.txt'), join(project, 'm.rec'));
    expect(a.diagnostics.map((d) => d.code)).toEqual(['REC2011']);
    expect(a.diagnostics[0]!.message).toContain('is not a spec');
    expect(JSON.stringify(a.diagnostics)).not.toContain(SECRET);
    // a .rec file that is binary is one diagnostic too
    writeFileSync(join(project, 'bin.rec'), Buffer.from([0x75, 0x73, 0x65, 0, 0xff, 0xfe]));
    expect(codes(spec('use "./bin.rec" as b', 'movies.txt'), join(project, 'm.rec'))).toEqual(['REC2011']);
  });

  it('applies the rule of place to the editor\'s unsaved buffers too, and takes allowPaths from the client', () => {
    const { project, outside } = layout();
    const ws = new Workspace();
    const open = (path: string, text: string) => {
      const doc = TextDocument.create(pathToFileURL(path).href, 'rec', 1, text);
      ws.update(doc);
      return doc.uri;
    };
    // an unsaved buffer outside the tree is not read either
    open(join(outside, 'unsaved.rec'), 'block b(x: tensor) { return x }\n');
    const uri = open(join(project, 'm.rec'), spec('use "../elsewhere/unsaved.rec" as u', '../elsewhere/secret.txt'));
    expect(ws.analysis(uri)!.diagnostics.map((d) => d.code)).toEqual(['REC2010']);
    ws.setFilePolicy(filePolicy([outside]));
    expect(ws.analysis(uri)!.diagnostics).toEqual([]);
  });

  it('`recc check --allow-path` on the command line; a refusal prints no content', () => {
    const { project, outside } = layout();
    const file = join(project, 'm.rec');
    writeFileSync(file, spec('', '../elsewhere/secret.txt'));
    const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { encoding: 'utf8' });
    const refused = run('check', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('error[REC2010]');
    expect(refused.stderr + refused.stdout).not.toContain(SECRET);
    const allowed = run('check', '--allow-path', outside, file);
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    writeFileSync(file, spec('use "/etc/passwd" as p', 'movies.txt'));
    const passwd = run('check', file);
    expect(passwd.stderr).toContain('error[REC2011]');
    expect(passwd.stderr).not.toContain('root:');
  });
});

// The server reuses work between versions of a document (incremental parsing, the elaboration of
// unchanged leading model items, memoised block calls). Over a series of edits — valid, broken,
// fixed, moving text, changing what later items depend on, changing a file the spec reads — what
// it publishes must be exactly what a full analysis of the same text gives, and hover (shapes,
// parameters and FLOPs from the IR) must agree with one too.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { toLspDiagnostics } from '../../src/server/diagnostics.js';
import { hover } from '../../src/server/hover.js';
import { generateSpec } from '../../bench/lib/generate-spec.mjs';
import { LspClient, pos } from './lsp-client.js';

let c: LspClient;
beforeAll(async () => {
  c = await LspClient.start();
});
afterAll(() => c.stop());

/** The line of `let <name>`, edited by `f`. */
const onLet = (name: string, f: (line: string) => string) => (t: string) => t.replace(new RegExp(`let ${name} = [^\\n]*`), f);

/** A full analysis from scratch, as the CLI makes it (nothing remembered from earlier texts). */
function fresh(text: string, path: string) {
  return analyze(text, path);
}

const START = generateSpec(300)
  .text.replace('    clicked: label', '    clicked: label\n    genre: id(vocab: "genres.txt", dim: 4)')
  .replace('  pc group = avc', '  pc group = avc\n  let g = genre');

const EDITS: Array<[string, (t: string) => string]> = [
  ['a width in the middle', onLet('v20', (l) => l.replace('width: 16', 'width: 17'))],
  ['an unknown block', onLet('v20', (l) => l.replace(/= unit\d+\(/, '= unitx('))],
  ['the block again, another width', onLet('v20', (l) => l.replace('= unitx(', '= unit0(').replace('width: 17', 'width: 18'))],
  ['an unclosed call', onLet('v24', (l) => l.replace('(v23', '((v23'))],
  ['the call closed', onLet('v24', (l) => l.replace('((v23', '(v23'))],
  ['a longer name (the text after moves)', onLet('v26', (l) => l.replace(/= unit\d+\(/, '= unit10('))],
  ['a new let in the middle', (t) => t.replace('  let v30 =', '  let extra = concat(v29, g)\n  let v30 =')],
  ['a shape error', onLet('v32', () => 'let v32 = v31 @ v31')],
  ['a let defined twice', onLet('v34', (l) => l.replace('let v34', 'let v33'))],
  ['the pc changed (every later let sees it)', (t) => t.replace('pc group = avc', 'pc group = user_id')],
  // Every call of the block now fails: also those before the edited line.
  ['a block body changed (the globals)', (t) => t.replace('  let h = relu(dense(x, width))', '  let h = relu(dense(x, width * 2))')],
  ['the block body back', (t) => t.replace('  let h = relu(dense(x, width * 2))', '  let h = relu(dense(x, width))')],
  ['an edit near the end', onLet('v40', (l) => l.replace('width: 16', 'width: 8'))],
  ['the vocabulary file removed, an edit after it', (t) => (rmSync(join(c.dir, 'genres.txt')), onLet('v41', (l) => l.replace('width: 16', 'width: 9'))(t))],
  ['the vocabulary file back, an edit after it', (t) => (writeFileSync(join(c.dir, 'genres.txt'), 'rock\njazz\n'), onLet('v42', (l) => l.replace('width: 16', 'width: 7'))(t))],
  ['the task', (t) => t.replace(/from: v\d+ \}/, 'from: extra }')],
  ['the features', (t) => t.replace('user_id: id(hash: 1000, dim: 16)', 'user_id: id(hash: 1000, dim: 12)')],
  ['the model removed', (t) => t.slice(0, t.indexOf('model big'))],
];

describe('incremental analysis in the server', () => {
  it('publishes what a full analysis gives after every edit of a series, and hovers alike', async () => {
    writeFileSync(join(c.dir, 'genres.txt'), 'rock\npop\n');
    const uri = c.file('incremental.rec', START);
    const path = fileURLToPath(uri);
    let text = START;
    const opened = await c.open(uri, text);
    expect(opened.diagnostics).toEqual(toLspDiagnostics(fresh(text, path).diagnostics, path));
    const codes: string[][] = [];
    let clean = 0; // versions without errors
    for (const [name, edit] of EDITS) {
      const next = edit(text);
      expect(next, name).not.toBe(text);
      text = next;
      const { diagnostics } = await c.change(uri, text);
      const full = fresh(text, path);
      expect(diagnostics, name).toEqual(toLspDiagnostics(full.diagnostics, path));
      codes.push(diagnostics.map((d) => String(d.code)));
      if (!diagnostics.some((d) => d.severity === 1)) clean++;
      // Hover over a let after the edits (its shape) and over a block call (its instance cost).
      for (const needle of ['let v44', 'v45 = unit']) {
        const at = text.indexOf(needle);
        if (at < 0) continue;
        const p = pos(text, needle, needle.length - 1);
        const want = hover(full, at + needle.length - 1);
        expect(await c.hover(uri, p), `${name}: hover at ${needle}`).toBe(want?.contents && 'value' in want.contents ? want.contents.value : undefined);
      }
    }
    // The series went through errors of every stage and back to specs without errors.
    expect(new Set(codes.flat())).toEqual(new Set(['REC1003', 'REC2001', 'REC2002', 'REC2003', 'REC2009', 'REC4001']));
    expect(clean).toBeGreaterThanOrEqual(3);
    expect(c.logged).toEqual([]);
  });

  it('takes edits as ranges (incremental sync), typed a character at a time', async () => {
    expect(c.capabilities.textDocumentSync).toBe(2); // TextDocumentSyncKind.Incremental
    const uri = c.file('ranged.rec', START);
    const path = fileURLToPath(uri);
    await c.open(uri, START);
    // Type a new line `  let w = v9 @ v9` after `let v10`, then turn it into a shape error's fix.
    const line = START.split('\n').findIndex((l) => l.startsWith('  let v10 ='));
    const at = (character: number) => ({ line: line + 1, character });
    const typed = '  let w = v9 @ v9\n';
    const keys = [...typed].map((ch, i) => ({ range: { start: at(i), end: at(i) }, text: ch }));
    const withLine = START.split('\n');
    withLine.splice(line + 1, 0, typed.slice(0, -1));
    const text = withLine.join('\n');
    const got = await c.edit(uri, keys);
    const want = toLspDiagnostics(fresh(text, path).diagnostics, path);
    expect(want.map((d) => d.code)).toEqual(expect.arrayContaining(['REC4001', 'REC2003']));
    expect(got.diagnostics).toEqual(want);
    // Replace `@ v9` by `* v9` (a range inside the line): the shape error goes.
    const col = typed.indexOf('@');
    const fixed = await c.edit(uri, [{ range: { start: at(col), end: at(col + 1) }, text: '*' }]);
    expect(fixed.diagnostics).toEqual(toLspDiagnostics(fresh(text.replace('v9 @ v9', 'v9 * v9'), path).diagnostics, path));
    expect(fixed.diagnostics.map((d) => d.code)).not.toContain('REC4001');
    // Delete the line again with backspaces from its end, one key at a time: the spec it started from.
    const typedFixed = typed.replace('@', '*');
    const backspaces = [...typedFixed].map((_, i) => {
      const k = typedFixed.length - i; // characters left on the line, its line break included
      return k === typedFixed.length ? { range: { start: at(k - 1), end: { line: line + 2, character: 0 } }, text: '' } : { range: { start: at(k - 1), end: at(k) }, text: '' };
    });
    const deleted = await c.edit(uri, backspaces);
    expect(deleted.diagnostics).toEqual(toLspDiagnostics(fresh(START, path).diagnostics, path));
    // Type a tower into the task, a key at a time, each version's diagnostics those of a full analysis
    const taskLine = START.split('\n').findIndex((l) => l.startsWith('  task click'));
    const end = START.split('\n')[taskLine]!.length - 2; // before ` }`
    let now = START;
    for (const [i, ch] of [...', tower: [4]'].entries()) {
      const r = await c.edit(uri, [{ range: { start: { line: taskLine, character: end + i }, end: { line: taskLine, character: end + i } }, text: ch }]);
      const lines = now.split('\n');
      lines[taskLine] = lines[taskLine]!.slice(0, end + i) + ch + lines[taskLine]!.slice(end + i);
      now = lines.join('\n');
      expect(r.diagnostics, `after ${JSON.stringify(now.split('\n')[taskLine])}`).toEqual(toLspDiagnostics(fresh(now, path).diagnostics, path));
    }
    expect(now).toContain('{ from: v');
    expect(now).toContain(', tower: [4] }');
  });

  it('analyses a spec again from scratch when a file it uses changes, its own text unchanged', async () => {
    const lib = 'block widen(x: tensor, n: int) {\n  return dense(x, n)\n}\n';
    const libUri = c.file('lib.rec', lib);
    const spec = `use "./lib.rec" as lib\nmodel m {\n  features {\n    u: id(hash: 10, dim: 4)\n    y: label\n  }\n  let a = lib.widen(u, 8)\n  let b = lib.widen(a, 8) * dense(u, 8)\n  let c = lib.widen(b, 8)\n  task t : binary(label: y) { from: c }\n}\n`;
    const uri = c.file('uses-lib.rec', spec);
    const path = fileURLToPath(uri);
    expect((await c.open(uri, spec)).diagnostics).toEqual([]);
    await c.open(libUri, lib);
    // Edit the spec once so that the server holds an analysis to resume from.
    const edited = spec.replace('let c = lib.widen(b, 8)', 'let c = lib.widen(b, 6)');
    expect((await c.change(uri, edited)).diagnostics).toEqual([]);
    // The library now doubles the width: `lib.widen(a, 8) * dense(u, 8)` multiplies [batch, 16] by [batch, 8].
    const wider = lib.replace('dense(x, n)', 'dense(x, n * 2)');
    writeFileSync(fileURLToPath(libUri), wider);
    const before = c.published.length;
    await c.change(libUri, wider);
    const republished = await c.publishedAfter(uri, before);
    const want = toLspDiagnostics(fresh(edited, path).diagnostics, path);
    expect(want.map((d) => d.code)).toContain('REC4001');
    expect(republished).toEqual(want);
  });
});

// The server must survive any text: truncated specs, random garbage, splices of real specs,
// and every request at random positions in them. Each request gets an answer (a result, or for
// rename a refusal), no handler throws (the server would log it), and the process stays up.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SelectionRange, TextEdit } from 'vscode-languageserver-protocol/node';
import { holdsRange as holds, LspClient, pos, posOf, ROOT, SPEC } from './lsp-client.js';

const rng = seedrandom('recc-lsp-robustness');
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const PIECES = ['use', 'std.', 'poso', 'block', 'model', 'features', '{', '}', '(', ')', '[', ']', ':', ',', '.', '=', '==', 'let', 'pc', 'task', 'train', 'for', 'in', 'if', 'else', 'return', 'meta_block', 'by', 'stage', '"', '"x"', '///', '//', '/*', '*/', '1', '1e', '0.5', '_', 'x', 'mlp', 'id(', 'dim:', '\n', '  ', '\t', '\u0000', 'é', '😀', '\r\n'];
const specs = [SPEC, ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'))];

function garbage(): string {
  const kind = rng();
  const spec = pick(specs);
  if (kind < 0.35) return spec.slice(0, Math.floor(rng() * spec.length)); // typed up to here
  if (kind < 0.6) return Array.from({ length: 1 + Math.floor(rng() * 80) }, () => pick(PIECES)).join(rng() < 0.5 ? ' ' : '');
  if (kind < 0.8) {
    // A real spec with a random piece cut out and random tokens put in.
    const a = Math.floor(rng() * spec.length);
    const b = Math.min(spec.length, a + Math.floor(rng() * 40));
    return spec.slice(0, a) + Array.from({ length: Math.floor(rng() * 4) }, () => pick(PIECES)).join('') + spec.slice(b);
  }
  return Array.from({ length: Math.floor(rng() * 300) }, () => String.fromCharCode(Math.floor(rng() * 0x250))).join('');
}

let c: LspClient;
beforeAll(async () => {
  c = await LspClient.start();
});
afterAll(() => c.stop());

describe('robustness', () => {
  it('answers every request on 150 broken documents and never crashes', async () => {
    const uri = c.file('junk.rec', '');
    await c.open(uri, '');
    for (let round = 0; round < 150; round++) {
      const text = garbage();
      const { diagnostics } = await c.change(uri, text);
      expect(Array.isArray(diagnostics)).toBe(true);
      for (let k = 0; k < 3; k++) {
        const position = posOf(text, Math.floor(rng() * (text.length + 1)));
        const td = { textDocument: { uri }, position };
        await c.completion(uri, position);
        await c.request('textDocument/hover', td);
        await c.request('textDocument/definition', td);
        await c.request('textDocument/references', { ...td, context: { includeDeclaration: true } });
        await c.request('textDocument/signatureHelp', td);
        await c.request('textDocument/documentHighlight', td);
        // Prepare rename answers or refuses with InvalidParams, as rename does.
        await c.request('textDocument/prepareRename', td).catch((e: { code?: number }) => expect(e.code).toBe(-32602));
        // Rename either edits or refuses with InvalidParams; an internal error would be a bug.
        await c.request('textDocument/rename', { ...td, newName: 'renamed' }).catch((e: { code?: number }) => expect(e.code).toBe(-32602));
      }
      await c.request('textDocument/documentSymbol', { textDocument: { uri } });
      await c.request('textDocument/foldingRange', { textDocument: { uri } });
      await c.request('textDocument/documentLink', { textDocument: { uri } });
      await c.request('workspace/symbol', { query: pick(['', 'a', 'x', 'mlp', 'é']) });
      // tokens in text order, none overlapping the one before, each within its line
      const { data } = await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
      const docLines = text.split(/\r\n|\r|\n/);
      for (let i = 0, line = 0, ch = 0, end = 0; i < data.length; i += 5) {
        const [dl, dc, len] = data.slice(i, i + 3) as [number, number, number];
        if (dl > 0) end = 0;
        [line, ch] = [line + dl, dl === 0 ? ch + dc : dc];
        expect(ch >= end && len > 0 && ch + len <= docLines[line]!.length, JSON.stringify([text, line, ch])).toBe(true);
        end = ch + len;
      }
      const everywhere = Array.from({ length: 4 }, () => posOf(text, Math.floor(rng() * (text.length + 1))));
      const chains = await c.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri }, positions: everywhere });
      // each range holds its position, and each parent holds its child and is larger
      chains.forEach((s, i) => {
        expect(holds(s.range, { start: everywhere[i]!, end: everywhere[i]! }), JSON.stringify([text, everywhere[i]])).toBe(true);
        for (let x = s; x.parent; x = x.parent) expect(holds(x.parent.range, x.range) && !holds(x.range, x.parent.range), JSON.stringify([text, everywhere[i]])).toBe(true);
      });
      await c.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: posOf(text, text.length) } });
      await c.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: posOf(text, text.length) }, context: { diagnostics } });
      await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    }
    expect(c.logged).toEqual([]);
    expect(c.child.exitCode).toBeNull();
    // And it still works normally afterwards.
    expect((await c.change(uri, SPEC)).diagnostics).toEqual([]);
  });

  it('reads Windows line endings like Unix ones (same lines, same columns)', async () => {
    const crlf = SPEC.replace(/\n/g, '\r\n');
    const uri = c.file('crlf.rec', crlf);
    expect((await c.open(uri, crlf)).diagnostics).toEqual([]);
    const line = SPEC.split('\n').findIndex((l) => l.includes('let trunk'));
    expect(await c.hover(uri, { line, character: 7 })).toContain('let trunk: tensor[batch, 8]');
    const broken = crlf.replace('from: trunk', 'from: trnk');
    const d = (await c.change(uri, broken)).diagnostics.find((x) => x.code === 'REC2001')!;
    const at = SPEC.split('\n').findIndex((l) => l.includes('from: trunk'));
    expect(d.range.start).toEqual({ line: at, character: SPEC.split('\n')[at]!.indexOf('trunk }') });
    for (const junk of ['\r', '\r\n', '\r\r\n\n', 'model m {\r']) await c.change(uri, junk);
  });

  it('answers for documents it was never told about, and after they close', async () => {
    const ghost = c.file('ghost.rec', SPEC);
    expect(await c.completion(ghost, { line: 0, character: 0 })).toEqual([]);
    expect(await c.hover(ghost, { line: 0, character: 0 })).toBeUndefined();
    await c.open(ghost, SPEC);
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: ghost } });
    expect(await c.request('textDocument/documentSymbol', { textDocument: { uri: ghost } })).toEqual([]);
  });
});

describe('formatting', () => {
  it('formats a messy spec to the canonical text, and leaves formatted or broken text alone', async () => {
    const uri = c.file('fmt.rec', SPEC);
    const messy = SPEC.replace('  pc group = avc', 'pc    group=avc').replace('units: [8]', 'units:[ 8 ]');
    await c.open(uri, messy);
    const fmt = () => c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const edits = await fmt();
    expect(edits).toHaveLength(1);
    expect(edits[0]!.range).toEqual({ start: { line: 0, character: 0 }, end: posOf(messy, messy.length) });
    expect(edits[0]!.newText).toBe(SPEC);
    await c.change(uri, SPEC);
    expect(await fmt()).toEqual([]);
    await c.change(uri, SPEC.replace('units: [8])', 'units: [8]'));
    expect(await fmt()).toEqual([]);
    // a document's own line breaks are kept
    for (const eol of ['\r\n', '\r']) {
      await c.change(uri, messy.replace(/\n/g, eol));
      expect((await fmt())[0]!.newText, JSON.stringify(eol)).toBe(SPEC.replace(/\n/g, eol));
      await c.change(uri, SPEC.replace(/\n/g, eol));
      expect(await fmt(), JSON.stringify(eol)).toEqual([]);
    }
    // those of its first line: a last line ending with CRLF does not make every line end so
    await c.change(uri, messy.replace(/\n$/, '\r\n'));
    expect((await fmt())[0]!.newText).toBe(SPEC);
  });
});

describe('positions from the client are checked (issue 17, item 9)', () => {
  const BAD = [{ line: 1.5, character: 0 }, { line: 0, character: 2.5 }, { line: -1, character: 0 }, { line: 0, character: -3 }, { line: 10_000, character: 0 }, { line: 0, character: 10_000 }, { line: '1', character: 0 }, { line: 0 }];

  it('requests at a position that is not one of the document get an InvalidParams error', async () => {
    const uri = c.file('positions.rec', SPEC);
    await c.open(uri, SPEC);
    const line = SPEC.split('\n').findIndex((l) => l.includes('let trunk'));
    for (const position of BAD) {
      const td = { textDocument: { uri }, position };
      for (const [method, params] of [
        ['textDocument/hover', td],
        ['textDocument/completion', td],
        ['textDocument/definition', td],
        ['textDocument/references', { ...td, context: { includeDeclaration: true } }],
        ['textDocument/rename', { ...td, newName: 'renamed' }],
        ['textDocument/prepareRename', td],
        ['textDocument/signatureHelp', td],
        ['textDocument/documentHighlight', td],
        ['textDocument/selectionRange', { textDocument: { uri }, positions: [{ line, character: 7 }, position] }],
        ['textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: position } }],
        ['textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: position }, context: { diagnostics: [] } }],
      ] as const) {
        const err = await c.request(method, params).then(() => undefined, (e: { code?: number }) => e);
        expect(err, `${method} at ${JSON.stringify(position)}`).toMatchObject({ code: -32602 });
      }
    }
    // the end of a line, and the end of the document, are positions
    expect(await c.hover(uri, { line, character: 7 })).toContain('let trunk');
    const last = SPEC.split('\n');
    await c.request('textDocument/hover', { textDocument: { uri }, position: { line: last.length - 1, character: last[last.length - 1]!.length } });
    expect(c.logged).toEqual([]);
  });

  it('params without a document are refused, and optional parts may be left out, with nothing logged as a failure', async () => {
    const uri = c.file('params.rec', SPEC);
    await c.open(uri, SPEC);
    const position = pos(SPEC, 'trunk =', 1);
    const range = { start: { line: 0, character: 0 }, end: position };
    for (const method of ['textDocument/hover', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/semanticTokens/full', 'textDocument/documentLink', 'textDocument/formatting']) {
      for (const params of [{ position }, { textDocument: {}, position }, { textDocument: { uri: 5 }, position }]) {
        const err = await c.request(method, params).then(() => undefined, (e: { code?: number }) => e);
        expect(err, `${method} ${JSON.stringify(params)}`).toMatchObject({ code: -32602 });
      }
    }
    // references without a context: no declaration; a code action without one, or with malformed diagnostics: the fixes of the range
    expect(await c.request('textDocument/references', { textDocument: { uri }, position })).toHaveLength(1);
    expect(await c.request('textDocument/codeAction', { textDocument: { uri }, range })).toEqual(expect.any(Array));
    expect(await c.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [{}, { range: null, code: 'REC2001' }] } })).toEqual(expect.any(Array));
    // notifications with parts missing change nothing
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', {});
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{}] });
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: c.file('no-text.rec', SPEC), languageId: 'rec', version: 1 } });
    await c.conn.sendNotification('workspace/didChangeConfiguration', {});
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    expect(await c.hover(uri, position)).toContain('let trunk');
    expect(c.logged).toEqual([]);
    // no params at all is not JSON-RPC (the protocol library says so), but the handler does not fail
    await c.conn.sendNotification('workspace/didChangeConfiguration', null);
    expect(await c.hover(uri, position)).toContain('let trunk');
    expect(c.logged.filter((m) => /failed/.test(m))).toEqual([]);
    c.logged.splice(0); // the protocol library's word on it, which the next tests need not see
  });

  it('a rename whose new name is not a string is refused, with nothing logged as a failure', async () => {
    const uri = c.file('new-name.rec', SPEC);
    await c.open(uri, SPEC);
    const td = { textDocument: { uri }, position: pos(SPEC, 'trunk =', 1) };
    for (const newName of [undefined, null, ['q'], { toString: 1 }, 5]) {
      const err = await c.request('textDocument/rename', { ...td, newName }).then(() => undefined, (e: { code?: number; message?: string }) => e);
      expect(err, JSON.stringify(newName)).toMatchObject({ code: -32602, message: expect.stringContaining('newName is a string') });
    }
    expect(c.logged).toEqual([]);
    expect(await c.request('textDocument/rename', { ...td, newName: 'body' })).toMatchObject({ changes: { [uri]: expect.any(Array) } });
  });

  it('an edit with a range that is not one is refused: the document stays in sync or says it is not', async () => {
    const shown: string[] = [];
    c.conn.onNotification('window/showMessage', (p: { message: string }) => shown.push(p.message));
    const uri = c.file('drift.rec', SPEC);
    await c.open(uri, SPEC);
    const line = SPEC.split('\n').findIndex((l) => l.includes('let trunk'));
    // `line: 1.5` would edit some offset near line 1 or 2: the server's copy would drift from the client's
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1.5, character: 0 }, end: { line: 1.5, character: 0 } }, text: 'x' }] });
    const err = await c.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 7 } }).then(() => undefined, (e: { code?: number }) => e);
    expect(err).toMatchObject({ code: -32801 }); // ContentModified
    // a valid ranged edit after it is refused too: it was made on the client's text, not on ours
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }] });
    expect(await c.request('textDocument/documentSymbol', { textDocument: { uri } }).then(() => undefined, (e: { code?: number }) => e)).toMatchObject({ code: -32801 });
    await new Promise((r) => setTimeout(r, 50));
    expect(shown.some((m) => m.includes('refused') && m.includes('1.5'))).toBe(true);
    // the whole text puts it back in sync
    expect((await c.change(uri, SPEC)).diagnostics).toEqual([]);
    expect(await c.hover(uri, { line, character: 7 })).toContain('let trunk');
    expect(c.logged).toEqual([]);
  });
});

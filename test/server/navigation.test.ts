// Hover, go to definition, find references, highlights, rename (and its refusals) and the outline, over
// the protocol, checked against values worked out by hand or read from the files directly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentHighlight, DocumentSymbol, Location, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { filePolicy } from '../../src/io/file-policy.js';
import { analyze } from '../../src/semantics/analyze.js';
import { BIN, LspClient, pos, ROOT, SPEC } from './lsp-client.js';

// SPEC plus a block of the file's own, called from the model.
const TEXT = SPEC.replace('model m {', 'block widen(x: tensor, n: int = 8) {\n  let y = dense(x, n)\n  return relu(y)\n}\n\nmodel m {').replace(
  '{ from: trunk }',
  '{ from: widen(trunk, n: 8) }',
);

let c: LspClient;
let uri: string;
beforeAll(async () => {
  c = await LspClient.start();
  uri = c.file('nav.rec', TEXT);
  expect((await c.open(uri, TEXT)).diagnostics).toEqual([]);
});
afterAll(() => c.stop());

const lineOf = (loc: Location) => readFileSync(new URL(loc.uri), 'utf8').split('\n')[loc.range.start.line]!;
const text = (loc: Location) => lineOf(loc).slice(loc.range.start.character, loc.range.end.character);

describe('hover', () => {
  it('shows shapes from the IR for features, pcs and lets', async () => {
    // user_id: dim 4; avc bucketized, dim 2; trunk: the last of units [8].
    expect(await c.hover(uri, pos(TEXT, 'user_id:'))).toContain('feature user_id: tensor[batch, 4]');
    expect(await c.hover(uri, pos(TEXT, 'group ='))).toContain('pc group: tensor[batch, 2]');
    expect(await c.hover(uri, pos(TEXT, 'trunk ='))).toContain('let trunk: tensor[batch, 8]');
  });

  it('shows a block’s signature, doc and the cost of the instance at the call', async () => {
    const h = (await c.hover(uri, pos(TEXT, 'mlp(user_id', 1)))!;
    expect(h).toContain('block poso.mlp(x: tensor, pc: tensor, units: [int]');
    expect(h).toContain('POSO (MLP), Eq. 10');
    // Parameters: gate dense 2→32 (64+32) and 32→8 (256+8), layer dense 4→8 (32+8) = 400.
    // FLOPs (2·in·out + out per dense, one per element for relu, sigmoid and products):
    // gate 160 + 32 (relu) + 520 + 8 (sigmoid) + 8 (scale ·) = 728; layer 72 + 8 (relu) + 8 (gate ·) = 88.
    expect(h).toContain('instance `trunk`: 400 parameters, 816 FLOPs per sample');
    // The same numbers as `recc stats`.
    const stats = JSON.parse(spawnSync(process.execPath, [BIN, 'stats', '--json', new URL(uri).pathname], { encoding: 'utf8' }).stdout) as { instances: Array<{ path: string; params: number; flops: number }> };
    expect(stats.instances.find((i) => i.path === 'trunk')).toMatchObject({ params: 400, flops: 816 });
    // The file's own block at its call (in a task): dense 8→8 is 72 parameters, 136 + 8 (relu) FLOPs.
    expect(await c.hover(uri, pos(TEXT, 'widen(trunk', 1))).toContain('instance `click.widen0`: 72 parameters, 144 FLOPs per sample');
  });

  it('shows a parameter’s type, default and doc at a named argument and at its declaration', async () => {
    const h = (await c.hover(uri, pos(TEXT, 'units:', 1)))!;
    expect(h).toContain('units: [int]');
    expect(h).toContain('parameter of `poso.mlp`');
    expect(h).toContain('Widths of the layers');
    expect(await c.hover(uri, pos(TEXT, 'n: int', 0))).toContain('n: int');
  });

  it('answers null where there is nothing to say', async () => {
    expect(await c.hover(uri, { line: 0, character: 0 })).toBeUndefined();
    // past the end of the document is not a position: an InvalidParams error (issue 17 item 9), not null
    const err = await c.hover(uri, { line: 500, character: 3 }).then(() => undefined, (e: { code?: number }) => e);
    expect(err).toMatchObject({ code: -32602 });
  });
});

describe('definition and references', () => {
  const def = (needle: string, delta = 1) => c.request<Location | null>('textDocument/definition', { textDocument: { uri }, position: pos(TEXT, needle, delta) });

  it('goes into the stdlib for its blocks and their parameters, and within the file otherwise', async () => {
    const mlp = (await def('mlp(user_id'))!;
    expect(mlp.uri).toBe(`file://${join(ROOT, 'stdlib/poso.rec')}`);
    expect(lineOf(mlp)).toMatch(/^block mlp\(/);
    expect(text(mlp)).toBe('mlp');
    const units = (await def('units:'))!;
    expect(units.uri).toBe(mlp.uri);
    expect(text(units)).toBe('units');
    expect(lineOf(units)).toMatch(/^\s+units: \[int\],/);
    const dense = (await def('dense(x'))!;
    expect(dense.uri).toBe(`file://${join(ROOT, 'stdlib/layers.rec')}`);
    expect(lineOf(dense)).toMatch(/^block dense\(/);
    const group = (await def('group, units'))!;
    expect(group).toEqual({ uri, range: { start: pos(TEXT, 'group ='), end: pos(TEXT, 'group =', 5) } });
    expect(await def('model m', 0)).toBeNull();
  });

  it('finds every use, with or without the declaration', async () => {
    const refs = (needle: string, includeDeclaration: boolean) =>
      c.request<Location[]>('textDocument/references', { textDocument: { uri }, position: pos(TEXT, needle, 1), context: { includeDeclaration } });
    const all = await refs('user_id:', true);
    expect(all.map((l) => l.range.start)).toEqual([pos(TEXT, 'user_id:'), pos(TEXT, 'user_id, pc')]);
    expect((await refs('user_id:', false)).map((l) => l.range.start)).toEqual([pos(TEXT, 'user_id, pc')]);
    // A parameter: its declaration, its use in the body, and the named argument at the call.
    const n = [pos(TEXT, 'n: int'), pos(TEXT, 'n)\n'), pos(TEXT, 'n: 8')];
    expect((await refs('n: int', true)).map((l) => l.range.start)).toEqual(n);
    expect((await refs('n: 8', true)).map((l) => l.range.start)).toEqual(n);
  });

  it("finds a used file's block and parameter in the specs that use the file, open or on disk, from the file or from a call", async () => {
    const lib = 'block stretch(x: tensor, scale: int = 8) {\n  return relu(dense(x, scale))\n}\n';
    const user = (name: string) => SPEC.replace('use std.poso', 'use std.poso\nuse "./refs-lib.rec" as refs').replace('{ from: trunk }', '{ from: refs.stretch(trunk, scale: 4) }').replace('model m', `model ${name}`);
    const libUri = c.file('refs-lib.rec', lib);
    const [open, onDisk] = [user('refs_open'), user('refs_disk')];
    const openUri = c.file('refs-open.rec', open);
    const diskUri = c.file('refs-disk.rec', onDisk); // not open
    for (const [u, t] of [[libUri, lib], [openUri, open]] as const) expect((await c.open(u, t)).diagnostics).toEqual([]);
    type Found = Array<[string, { line: number; character: number }]>;
    const refs = async (at: string, text: string, needle: string, includeDeclaration: boolean): Promise<Found> =>
      (await c.request<Location[]>('textDocument/references', { textDocument: { uri: at }, position: pos(text, needle, 1), context: { includeDeclaration } })).map((l) => [l.uri, l.range.start]);
    const calls: Found = [[openUri, pos(open, 'stretch(trunk')], [diskUri, pos(onDisk, 'stretch(trunk')]];
    const declared: Found = [[libUri, pos(lib, 'stretch(x')]];
    const sorted = (f: Found) => [...f].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    expect(sorted(await refs(libUri, lib, 'stretch(x', true))).toEqual(sorted([...declared, ...calls]));
    expect(sorted(await refs(libUri, lib, 'stretch(x', false))).toEqual(sorted(calls));
    // from a call in a spec: the same, found from the library
    expect(sorted(await refs(openUri, open, 'stretch(trunk', true))).toEqual(sorted([...declared, ...calls]));
    // a parameter: its declaration and use in the block, the named arguments in the users
    const scale: Found = [[libUri, pos(lib, 'scale: int')], [libUri, pos(lib, 'scale))')], [openUri, pos(open, 'scale: 4')], [diskUri, pos(onDisk, 'scale: 4')]];
    expect(sorted(await refs(libUri, lib, 'scale: int', true))).toEqual(sorted(scale));
    expect(sorted(await refs(openUri, open, 'scale: 4', true))).toEqual(sorted(scale));
    for (const u of [libUri, openUri]) await c.close(u);
  });

  it('highlights a name where it is defined (a write) and used (reads), in this file only', async () => {
    const marks = (needle: string) => c.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri }, position: pos(TEXT, needle, 1) });
    // 3 is a write, 2 a read (DocumentHighlightKind)
    expect((await marks('n)\n')).map((h) => [h.range.start, h.kind])).toEqual([[pos(TEXT, 'n: int'), 3], [pos(TEXT, 'n)\n'), 2], [pos(TEXT, 'n: 8'), 2]]);
    expect((await marks('trunk =')).map((h) => [h.range.start, h.kind])).toEqual([[pos(TEXT, 'trunk ='), 3], [pos(TEXT, 'trunk, n'), 2]]);
    // a stdlib block: its uses here, not its definition in stdlib/poso.rec
    expect((await marks('mlp(user_id')).map((h) => [h.range.start, h.kind])).toEqual([[pos(TEXT, 'mlp(user_id'), 2]]);
    expect(await marks('model m')).toEqual([]);
  });
});

describe('rename', () => {
  const rename = (needle: string, newName: string) => c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, needle, 1), newName });

  it('renames a binding and all its uses, giving text that still checks', async () => {
    const edit = await rename('trunk =', 'body');
    const edits = edit.changes![uri]!;
    expect(edits.map((e) => e.range.start)).toEqual([pos(TEXT, 'trunk ='), pos(TEXT, 'trunk, n:')]);
    // Apply the edits from the end and check the result again through the server.
    const lines = TEXT.split('\n');
    for (const e of [...edits].reverse()) {
      const l = lines[e.range.start.line]!;
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    const renamed = lines.join('\n');
    expect(renamed).toContain('let body = poso.mlp');
    expect(renamed).toContain('from: widen(body, n: 8)');
    const other = c.file('renamed.rec', renamed);
    expect((await c.open(other, renamed)).diagnostics).toEqual([]);
    // A block of the file, with its call.
    expect((await rename('widen(x', 'broaden')).changes![uri]).toHaveLength(2);
    // A parameter, from its call site: the named argument is renamed with it.
    const param = (await rename('n: 8', 'width')).changes![uri]!;
    expect(param.map((e) => e.range.start)).toEqual([pos(TEXT, 'n: int'), pos(TEXT, 'n)\n'), pos(TEXT, 'n: 8')]);
    expect(param.every((e) => e.newText === 'width')).toBe(true);
  });

  it("renames a used file's block and its parameter in the specs that use it too, open or on disk, giving texts that still check", async () => {
    const lib = 'block shaped(x: tensor, width: int = 8) {\n  return relu(dense(x, width))\n}\n';
    const user = (name: string, path = './shapes.rec') => SPEC.replace('use std.poso', `use std.poso\nuse "${path}" as shapes`).replace('{ from: trunk }', `{ from: shapes.shaped(trunk, width: 4) }`).replace('model m', `model ${name}`);
    const libUri = c.file('shapes.rec', lib);
    const [one, two] = [user('one'), user('two')];
    const oneUri = c.file('one.rec', one);
    const twoUri = c.file('two.rec', two);
    // on disk, not open: those that use the library (one in a sub-folder) are edited as the open
    // ones; one that uses another file with a block of the same name is not, nor one in node_modules
    const onDisk = (name: string, text: string) => {
      mkdirSync(join(c.dir, dirname(name)), { recursive: true });
      return c.file(name, text);
    };
    const closed = user('closed');
    const closedUri = c.file('closed.rec', closed);
    const nested = user('nested', '../shapes.rec');
    const nestedUri = onDisk('sub/nested.rec', nested);
    c.file('other.rec', lib);
    const decoy = user('decoy', './other.rec');
    const decoyUri = c.file('decoy.rec', decoy);
    const vendoredUri = onDisk('node_modules/pkg/vendored.rec', user('vendored', '../../shapes.rec'));
    const disk = [closedUri, nestedUri, decoyUri];
    // the specs in sub-folders may read the library (allowPaths), as a workspace would allow it
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { recc: { allowPaths: [c.dir] } } });
    const files = filePolicy([c.dir]);
    for (const [u, t] of [[libUri, lib], [oneUri, one], [twoUri, two]] as const) expect((await c.open(u, t)).diagnostics).toEqual([]);
    const apply = (t: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>) => {
      const lines = t.split('\n');
      for (const e of [...edits].reverse()) {
        const l = lines[e.range.start.line]!;
        lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
      }
      return lines.join('\n');
    };
    const texts = new Map<string, string>([[libUri, lib], [oneUri, one], [twoUri, two], [closedUri, closed], [nestedUri, nested], [decoyUri, decoy]]);
    const libPath = fileURLToPath(libUri);
    /** Apply a rename's edits: the open documents are sent their new texts, the files on disk written, as an editor saves them; every file must check. */
    const applyAll = async (changes: Record<string, Parameters<typeof apply>[1]>) => {
      const before = new Map(texts);
      for (const [u, edits] of Object.entries(changes)) texts.set(u, apply(texts.get(u)!, edits));
      for (const u of [libUri, oneUri, twoUri]) expect((await c.change(u, texts.get(u)!)).diagnostics, u).toEqual([]);
      for (const u of disk) {
        writeFileSync(new URL(u), texts.get(u)!);
        const readFile = (p: string) => (p === libPath ? texts.get(libUri) : undefined);
        expect(analyze(texts.get(u)!, fileURLToPath(u), { readFile, files }).diagnostics, u).toEqual([]);
      }
      return before;
    };
    /** Rename at `needle` in the library, and apply it. */
    const renameIn = async (needle: string, newName: string) => {
      const changes = (await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: libUri }, position: pos(texts.get(libUri)!, needle, 1), newName })).changes!;
      return { changes, before: await applyAll(changes) };
    };
    const users = [libUri, oneUri, twoUri, closedUri, nestedUri].sort();
    // the block: its name in the library, its calls in the users
    const block = await renameIn('shaped(x', 'formed');
    expect(Object.keys(block.changes).sort()).toEqual(users);
    expect(block.changes[oneUri]!.map((e) => e.range.start)).toEqual([pos(one, 'shaped(trunk')]);
    expect(block.changes[nestedUri]!.map((e) => e.range.start)).toEqual([pos(nested, 'shaped(trunk')]);
    expect(texts.get(libUri)).toContain('block formed(x');
    expect(texts.get(twoUri)).toContain('shapes.formed(trunk, width: 4)');
    expect(readFileSync(new URL(closedUri), 'utf8')).toContain('shapes.formed(trunk, width: 4)');
    // the parameter: its uses in the block, the named arguments in the users
    const param = await renameIn('width: int', 'units');
    const lib2 = param.before.get(libUri)!;
    expect(Object.keys(param.changes).sort()).toEqual(users);
    expect(param.changes[libUri]!.map((e) => e.range.start)).toEqual([pos(lib2, 'width: int'), pos(lib2, 'width))')]);
    expect(param.changes[twoUri]!.map((e) => e.range.start)).toEqual([pos(param.before.get(twoUri)!, 'width: 4')]);
    expect(texts.get(oneUri)).toContain('shapes.formed(trunk, units: 4)');
    expect(readFileSync(new URL(nestedUri), 'utf8')).toContain('shapes.formed(trunk, units: 4)');
    // from a spec that calls it: offered, and made in the library and every user
    const fromUser = (position: { line: number; character: number }, newName: string) => c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: oneUri }, position, newName });
    const call = pos(texts.get(oneUri)!, 'formed(trunk', 1);
    expect(await c.request('textDocument/prepareRename', { textDocument: { uri: oneUri }, position: call })).toEqual({ range: { start: pos(texts.get(oneUri)!, 'formed(trunk'), end: pos(texts.get(oneUri)!, 'formed(trunk', 6) }, placeholder: 'formed' });
    const viaUser = (await fromUser(call, 'moulded')).changes!;
    expect(Object.keys(viaUser).sort()).toEqual(users);
    expect(viaUser[libUri]!.map((e) => e.range.start)).toEqual([pos(texts.get(libUri)!, 'formed(x')]);
    expect(viaUser[closedUri]!.map((e) => e.range.start)).toEqual([pos(texts.get(closedUri)!, 'formed(trunk')]);
    // the library closed (saved as it is): its file is edited, as the specs read it from disk
    writeFileSync(new URL(libUri), texts.get(libUri)!);
    await c.close(libUri);
    const closedLib = (await fromUser(call, 'moulded')).changes!;
    expect(Object.keys(closedLib).sort()).toEqual(users);
    expect(closedLib[libUri]!.map((e) => e.range.start)).toEqual([pos(texts.get(libUri)!, 'formed(x')]);
    expect(closedLib[twoUri]!.map((e) => e.range.start)).toEqual([pos(texts.get(twoUri)!, 'formed(trunk')]);
    // the other library's user, and the one in node_modules, stayed as they were
    expect(readFileSync(new URL(decoyUri), 'utf8')).toBe(decoy);
    expect(readFileSync(new URL(vendoredUri), 'utf8')).toContain('shapes.shaped(trunk, width: 4)');
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { recc: { allowPaths: [] } } });
  });

  it('answers an unsaved (untitled:) document with its own URI, not a file of that name', async () => {
    const untitled = 'untitled:Untitled-1';
    expect((await c.open(untitled, TEXT)).diagnostics).toEqual([]);
    const at = (needle: string) => ({ textDocument: { uri: untitled }, position: pos(TEXT, needle, 1) });
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at('trunk ='), newName: 'body' });
    expect(Object.keys(edit.changes!)).toEqual([untitled]);
    expect(await c.request<Location>('textDocument/definition', at('trunk, n:'))).toEqual({ uri: untitled, range: { start: pos(TEXT, 'trunk ='), end: pos(TEXT, 'trunk =', 5) } });
    const refs = await c.request<Location[]>('textDocument/references', { ...at('trunk ='), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.uri)).toEqual([untitled, untitled]);
    // a stdlib definition is still a file
    expect((await c.request<Location>('textDocument/definition', at('mlp(user_id'))).uri).toMatch(/^file:.*stdlib\/poso\.rec$/);
    const symbols = await c.request<Array<{ name: string; location: Location }>>('workspace/symbol', { query: 'trunk' });
    expect(symbols.filter((x) => x.name === 'trunk').map((x) => x.location.uri)).toContain(untitled);
    await c.close(untitled);
  });

  it('refuses stdlib names, builtins, keywords and names that would collide', async () => {
    await expect(rename('mlp(user_id', 'x')).rejects.toThrow(/defined in the stdlib/);
    await expect(rename('dense(x', 'x')).rejects.toThrow(/defined in the stdlib/);
    await expect(rename('units:', 'widths')).rejects.toThrow(/defined in the stdlib/);
    await expect(rename('relu(y', 'rectify')).rejects.toThrow(/builtin/);
    await expect(rename('trunk =', 'model')).rejects.toThrow(/not a valid name/);
    await expect(rename('trunk =', '9lives')).rejects.toThrow(/not a valid name/);
    await expect(rename('trunk =', 'group')).rejects.toThrow(/already defined/);
    await expect(rename('trunk =', 'concat')).rejects.toThrow(/already defined/);
    await expect(rename('model m', '')).rejects.toThrow();
  });

  it('says before the rename what the cursor would rename, or why it cannot', async () => {
    expect(c.capabilities.renameProvider).toEqual({ prepareProvider: true });
    const prepare = (needle: string, delta = 1) => c.request<{ range: { start: unknown; end: unknown }; placeholder: string } | null>('textDocument/prepareRename', { textDocument: { uri }, position: pos(TEXT, needle, delta) });
    // the name, where the cursor is: a use, a declaration, a named argument for its parameter
    expect(await prepare('trunk, n')).toEqual({ range: { start: pos(TEXT, 'trunk, n'), end: pos(TEXT, 'trunk, n', 5) }, placeholder: 'trunk' });
    expect(await prepare('widen(x')).toEqual({ range: { start: pos(TEXT, 'widen(x'), end: pos(TEXT, 'widen(x', 5) }, placeholder: 'widen' });
    expect(await prepare('n: 8')).toEqual({ range: { start: pos(TEXT, 'n: 8'), end: pos(TEXT, 'n: 8', 1) }, placeholder: 'n' });
    await expect(prepare('mlp(user_id')).rejects.toThrow(/defined in the stdlib/);
    await expect(prepare('relu(y')).rejects.toThrow(/builtin/);
    await expect(prepare('model m', 0)).rejects.toThrow(/nothing to rename/);
  });
});

describe('document symbols', () => {
  it('outlines uses, blocks with parameters, and the model’s members', async () => {
    const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const tree = (s: DocumentSymbol): unknown => (s.children?.length ? { [s.name]: s.children.map(tree) } : s.name);
    expect(syms.map(tree)).toEqual(['std.poso', { widen: ['x', 'n'] }, { m: ['user_id', 'avc', 'clicked', 'group', 'trunk', 'click'] }]);
    const widen = syms[1]!;
    expect(widen.selectionRange.start).toEqual(pos(TEXT, 'widen('));
    expect(widen.children!.map((p) => p.detail)).toEqual(['tensor', 'int']);
  });
});

// The language server driven over stdio exactly as an editor drives it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'recc-lsp-'));
const file = join(dir, 'spec.rec');
const uri = pathToFileURL(file).href;
const TEXT = `use std.poso

model m {
  features {
    user_id: id(hash: 100, dim: 4)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  let trunk = poso.mlp(user_id, pc: group, units: [8])
  task click : binary(label: clicked) { from: trunk }
}
`;
writeFileSync(file, TEXT);

let child: ChildProcess;
let conn: ProtocolConnection;
const diagnostics: PublishDiagnosticsParams[] = [];
const pos = (text: string, needle: string, delta = 0) => {
  const off = text.indexOf(needle) + delta;
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
};
const waitDiagnostics = async (version: number) => {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const d = diagnostics.find((x) => x.uri === uri && (x.version === undefined || x.version === version));
    if (d && diagnostics.length >= version) return diagnostics[diagnostics.length - 1]!;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no diagnostics');
};

describe('recc lsp over stdio', () => {
  beforeAll(async () => {
    child = spawn(process.execPath, [join(ROOT, 'bin/recc.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => diagnostics.push(p));
    conn.listen();
    const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} })) as { capabilities: Record<string, unknown> };
    expect(init.capabilities.hoverProvider).toBe(true);
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rec', version: 1, text: TEXT } });
  });

  afterAll(async () => {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    child.kill();
  });

  it('publishes no diagnostics for a clean spec, then an error with its code after a change', async () => {
    const first = await waitDiagnostics(1);
    expect(first.diagnostics).toEqual([]);
    const broken = TEXT.replace('from: trunk', 'from: trnk');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
    const deadline = Date.now() + 10_000;
    while (diagnostics.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const d = diagnostics[1]!.diagnostics.find((x) => x.code === 'REC2001')!;
    expect(d.message).toContain('unknown name `trnk`');
    expect(d.range.start).toEqual(pos(broken, 'trnk'));
    const actions = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as Array<{ title: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>;
    expect(actions[0]!.title).toBe('replace with `trunk`');
    expect(actions[0]!.edit.changes[uri]![0]!.newText).toBe('trunk');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: TEXT }] });
  });

  it('completes stdlib blocks, parameters, feature kinds and keywords', async () => {
    const labels = async (text: string, at: { line: number; character: number }) => {
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 10 }, contentChanges: [{ text }] });
      const r = (await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: at })) as Array<{ label: string }>;
      return r.map((i) => i.label);
    };
    expect(await labels(TEXT, pos(TEXT, 'mlp(user_id'))).toEqual(expect.arrayContaining(['mlp', 'gate', 'mha', 'mmoe']));
    expect(await labels(TEXT, pos(TEXT, 'pc: group'))).toEqual(expect.arrayContaining(['x:', 'pc:', 'units:', 'scale:']));
    const t2 = TEXT.replace('clicked: label', 'clicked: label\n    extra: ');
    expect(await labels(t2, pos(t2, 'extra: ', 7))).toEqual(expect.arrayContaining(['id', 'seq', 'bucketize', 'dense', 'label']));
    expect(await labels(TEXT, pos(TEXT, '  let trunk'))).toEqual(expect.arrayContaining(['let', 'task', 'trunk', 'concat']));
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 11 }, contentChanges: [{ text: TEXT }] });
  });

  it('hovers with docs, shapes and per-instance cost', async () => {
    const h = async (needle: string, delta = 0) => ((await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos(TEXT, needle, delta) })) as { contents: { value: string } } | null)?.contents.value;
    expect(await h('mlp(user_id', 1)).toContain('POSO (MLP), Eq. 10');
    // gate: dense 2→32 (96) + dense 32→8 (264); layer: dense 4→8 (40): 400 parameters
    expect(await h('mlp(user_id', 1)).toMatch(/instance `trunk`: 400 parameters/);
    expect(await h('trunk =')).toContain('let trunk: tensor[batch, 8]');
    expect(await h('group =')).toContain('pc group: tensor[batch, 2]');
  });

  it('goes to definitions (into the stdlib), finds references, renames, outlines', async () => {
    const def = (await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: pos(TEXT, 'mlp(user_id', 1) })) as { uri: string; range: { start: { line: number } } };
    expect(def.uri).toMatch(/stdlib\/poso\.rec$/);
    expect(readFileSync(new URL(def.uri), 'utf8').split('\n')[def.range.start.line]).toContain('block mlp(');
    const refs = (await conn.sendRequest('textDocument/references', { textDocument: { uri }, position: pos(TEXT, 'group ='), context: { includeDeclaration: true } })) as unknown[];
    expect(refs).toHaveLength(2);
    const edit = (await conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, 'trunk ='), newName: 'body' })) as { changes: Record<string, unknown[]> };
    expect(edit.changes[uri]).toHaveLength(2);
    await expect(conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: pos(TEXT, 'mlp(user_id', 1), newName: 'x' })).rejects.toThrow(/stdlib/);
    const syms = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as Array<{ name: string; children: Array<{ name: string }> }>;
    expect(syms.map((s) => s.name)).toEqual(['std.poso', 'm']);
    expect(syms[1]!.children.map((c) => c.name)).toEqual(['user_id', 'avc', 'clicked', 'group', 'trunk', 'click', 'train'].filter((n) => n !== 'train'));
  });

  it('formats, and keeps answering on garbage', async () => {
    const messy = TEXT.replace('  pc group = avc', 'pc    group=avc');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 20 }, contentChanges: [{ text: messy }] });
    const edits = (await conn.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as Array<{ newText: string }>;
    expect(edits[0]!.newText).toBe(TEXT);
    for (const junk of ['model {{{ ((( ', '\u0000\u0001 use use use', TEXT.slice(0, 97), 'block b(x: [[[int) { return }']) {
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 21 }, contentChanges: [{ text: junk }] });
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
      await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 3 } });
      await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
      expect(await conn.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toBeDefined();
    }
    expect(child.exitCode).toBeNull();
  });
});

describe.runIf(spawnSync('nvim', ['--version']).status === 0)('a real editor (neovim, headless) as the client', () => {
  it('receives the diagnostic of a broken spec', () => {
    const bad = join(dir, 'bad.rec');
    writeFileSync(bad, TEXT.replace('from: trunk', 'from: trnk'));
    const out = join(dir, 'nvim-out.txt');
    const lua = join(dir, 't.lua');
    writeFileSync(
      lua,
      `local client = vim.lsp.start_client({ cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(join(ROOT, 'bin/recc.js'))}, 'lsp', '--stdio' }, root_dir = ${JSON.stringify(dir)} })
vim.cmd('edit ' .. ${JSON.stringify(bad)})
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client)
vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(lines, (d.code or '') .. ' ' .. d.lnum .. ' ' .. d.message) end
vim.fn.writefile(lines, ${JSON.stringify(out)})
vim.cmd('qa!')
`,
    );
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${lua}`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    const got = readFileSync(out, 'utf8');
    expect(got).toMatch(/^REC2001 10 unknown name `trnk`/m);
  });
});

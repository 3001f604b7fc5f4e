// End to end with a real editor: Debian's neovim (0.7), headless, starts `recc lsp --stdio`
// through its built-in LSP client, opens a spec with an error and must show the diagnostic with
// its code; then asks for a hover through the same client. Skipped only when nvim is absent.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, LspClient, SPEC } from './lsp-client.js';

const hasNvim = spawnSync('nvim', ['--version']).status === 0;

describe.runIf(hasNvim)('a real editor (neovim, headless) as the client', () => {
  let c: LspClient; // only for its temporary folder
  beforeAll(async () => {
    c = await LspClient.start();
  });
  afterAll(() => c.stop());

  it('receives the diagnostic of a broken spec with its code, and a hover', () => {
    const bad = new URL(c.file('bad.rec', SPEC.replace('from: trunk', 'from: trnk'))).pathname;
    const out = join(c.dir, 'nvim-out.txt');
    const lua = join(c.dir, 't.lua');
    const trunkLine = SPEC.split('\n').findIndex((l) => l.includes('let trunk'));
    writeFileSync(
      lua,
      `local client = vim.lsp.start_client({ cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(BIN)}, 'lsp', '--stdio' }, root_dir = ${JSON.stringify(c.dir)} })
vim.cmd('edit ' .. ${JSON.stringify(bad)})
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client)
vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(lines, 'diag ' .. (d.code or '') .. ' ' .. d.lnum .. ':' .. d.col .. ' ' .. d.message:gsub('\\n.*', '')) end
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = ${trunkLine}, character = 7 } }
local res = vim.lsp.get_client_by_id(client).request_sync('textDocument/hover', params, 10000, buf)
if res and res.result then table.insert(lines, 'hover ' .. res.result.contents.value:gsub('\\n', ' ')) end
vim.fn.writefile(lines, ${JSON.stringify(out)})
vim.cmd('qa!')
`,
    );
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${lua}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const got = readFileSync(out, 'utf8').split('\n');
    const line = SPEC.split('\n').findIndex((l) => l.includes('from: trunk'));
    const col = SPEC.split('\n')[line]!.indexOf('trunk }');
    expect(got).toContain(`diag REC2001 ${line}:${col} unknown name \`trnk\``);
    // The typo leaves `trunk` unused: a warning on the let, also seen by the editor.
    expect(got.some((l) => l.startsWith(`diag REC2003 ${trunkLine}:`))).toBe(true);
    // The model still elaborates around a name error, so the hover has the shape.
    expect(got.find((l) => l.startsWith('hover '))).toContain('let trunk: tensor[batch, 8]');
  });
});

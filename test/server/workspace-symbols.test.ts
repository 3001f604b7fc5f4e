// Workspace symbols over the protocol: a query finds the blocks of stdlib modules the spec does not
// use, a used file's blocks and the open spec's model items, each where its name is written. The
// expected answers are written from the texts below and from stdlib/pepnet.rec's own text.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SymbolInformation } from 'vscode-languageserver-protocol/node';
import { LspClient, pos, ROOT } from './lsp-client.js';

const COMMON = `/// Widen a tensor.
block widen(x: tensor, n: int = 8) {
  return relu(dense(x, n))
}
`;

const TEXT = `use std.poso
use "./common.rec"

model shop {
  features {
    user_id: id(hash: 100, dim: 4)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  let wide = common.widen(user_id)
  let trunk = poso.mlp(wide, pc: group, units: [8])
  task click : binary(label: clicked) { from: trunk }
}
`;

let c: LspClient;
let uri: string;
let commonUri: string;
const query = (q: string) => c.request<SymbolInformation[]>('workspace/symbol', { query: q });
const at = (text: string, needle: string, name: string) => {
  const start = pos(text, needle, needle.indexOf(name));
  return { start, end: { line: start.line, character: start.character + name.length } };
};

beforeAll(async () => {
  c = await LspClient.start();
  commonUri = c.file('common.rec', COMMON);
  uri = c.file('ws.rec', TEXT);
  expect((await c.open(uri, TEXT)).diagnostics).toEqual([]);
});
afterAll(() => c.stop());

describe('workspace symbols', () => {
  it('are advertised', () => {
    expect(c.capabilities.workspaceSymbolProvider).toBe(true);
  });

  it("find a stdlib block the spec does not use, by the letters of its name in order", async () => {
    const pepnet = readFileSync(join(ROOT, 'stdlib/pepnet.rec'), 'utf8');
    const got = await query('gnu');
    expect(got).toContainEqual({
      name: 'gate_nu',
      kind: 12, // Function
      location: { uri: pathToFileURL(join(ROOT, 'stdlib/pepnet.rec')).href, range: at(pepnet, 'block gate_nu(', 'gate_nu') },
      containerName: 'std.pepnet',
    });
    for (const s of got) expect(s.name.toLowerCase()).toMatch(/g.*n.*u/);
  });

  it("find a used file's block and the open spec's model items, names starting with the query first", async () => {
    expect((await query('wide')).map((s) => [s.name, s.kind, s.containerName, s.location.uri, s.location.range])).toEqual([
      ['wide', 13, 'ws.rec › shop', uri, at(TEXT, 'let wide =', 'wide')],
      ['widen', 12, 'common.rec', commonUri, at(COMMON, 'block widen', 'widen')],
    ]);
    // `de` starts `dense` (std.layers) and is in `wide`, which is shorter: the prefix comes first
    const de = (await query('de')).map((s) => s.name);
    expect(de).toContain('wide');
    const lastPrefix = de.findLastIndex((n) => n.startsWith('de'));
    expect(de[0]).toBe('dense');
    expect(de.findIndex((n) => !n.startsWith('de'))).toBe(lastPrefix + 1);
    const items = await query('shop');
    expect(items.map((s) => [s.name, s.kind])).toEqual([['shop', 5]]);
    expect((await query('CLICK')).map((s) => [s.name, s.kind, s.containerName])).toEqual([
      ['click', 24, 'ws.rec › shop'],
      ['clicked', 8, 'ws.rec › shop'],
    ]);
  });

  it('find the blocks and model items of the specs on disk in the workspace that are not open, but not under node_modules', async () => {
    const other = 'block stretch(x: tensor) {\n  return relu(x)\n}\n\nmodel elsewhere {\n  features {\n    a: dense(2)\n    y: label\n  }\n  let stretched = stretch(a)\n  task fit : regression(label: y) { from: stretched }\n}\n';
    mkdirSync(join(c.dir, 'specs/node_modules/dep'), { recursive: true });
    const otherUri = c.file('specs/other.rec', other);
    c.file('specs/node_modules/dep/vendored.rec', 'block stretchy(x: tensor) {\n  return x\n}\n');
    expect((await query('stretch')).map((s) => [s.name, s.kind, s.containerName, s.location.uri, s.location.range])).toEqual([
      ['stretch', 12, 'other.rec', otherUri, at(other, 'block stretch', 'stretch')],
      ['stretched', 13, 'other.rec › elsewhere', otherUri, at(other, 'let stretched', 'stretched')],
    ]);
    expect((await query('elsewhere')).map((s) => [s.name, s.kind])).toEqual([['elsewhere', 5]]);
    // the text on disk, as it changes
    writeFileSync(new URL(otherUri), other.replace(/stretched/g, 'pulled'));
    expect((await query('stretch')).map((s) => s.name)).toEqual(['stretch']);
  });

  it("follow the workspace's folders as the editor adds and removes them", async () => {
    const d = await LspClient.start({ workspace: { workspaceFolders: true } });
    try {
      expect(d.capabilities.workspace).toEqual({ workspaceFolders: { supported: true, changeNotifications: true } });
      d.file('first.rec', 'block in_first(x: tensor) {\n  return x\n}\n');
      const other = mkdtempSync(join(tmpdir(), 'recc-folder-'));
      writeFileSync(join(other, 'second.rec'), 'block in_second(x: tensor) {\n  return x\n}\n');
      const found = async () => (await d.request<SymbolInformation[]>('workspace/symbol', { query: 'in_' })).map((s) => s.name);
      expect(await found()).toEqual(['in_first']);
      const folder = (dir: string) => ({ uri: pathToFileURL(dir).href, name: dir });
      await d.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder(other)], removed: [] } });
      expect(await found()).toEqual(['in_first', 'in_second']);
      await d.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder(d.dir)] } });
      expect(await found()).toEqual(['in_second']);
    } finally {
      await d.stop();
    }
  });

  it('follow the open spec as it is edited', async () => {
    await c.change(uri, TEXT.replace('let trunk', 'let tower').replace('from: trunk', 'from: tower'));
    try {
      expect((await query('trunk')).filter((s) => s.location.uri === uri)).toEqual([]);
      expect((await query('tower')).map((s) => s.name)).toContain('tower');
    } finally {
      await c.change(uri, TEXT);
    }
  });
});

// Diagnostics and quick fixes over the protocol: codes, ranges, related locations, severities,
// re-publishing after a change, and specs that `use` an edited (unsaved) buffer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSeverity, DiagnosticTag, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient, pos, posOf, SPEC } from './lsp-client.js';

let c: LspClient;
beforeAll(async () => {
  c = await LspClient.start();
});
afterAll(() => c.stop());

const actions = (uri: string, d: Diagnostic, sent: Diagnostic[] = [d]) =>
  c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: sent } });

/** common.rec (not open) and an open spec that uses it, clean. */
async function openUser(client: LspClient) {
  const common = `block widen(x: tensor, n: int = 8) {\n  return dense(x, n)\n}\n`;
  const libUri = client.file('common.rec', common);
  const spec = SPEC.replace('use std.poso', 'use std.poso\nuse "./common.rec" as common').replace('{ from: trunk }', '{ from: common.widen(trunk) }');
  const specUri = client.file('user.rec', spec);
  expect((await client.open(specUri, spec)).diagnostics).toEqual([]);
  return { common, libUri, specUri };
}

describe('diagnostics', () => {
  it('publishes nothing for a clean spec, then an unknown name with its code, range and fix', async () => {
    const uri = c.file('spec.rec', SPEC);
    expect((await c.open(uri, SPEC)).diagnostics).toEqual([]);
    const broken = SPEC.replace('from: trunk', 'from: trnk');
    const { diagnostics } = await c.change(uri, broken);
    // The typo also leaves `trunk` unused.
    expect(diagnostics.map((x) => x.code).sort()).toEqual(['REC2001', 'REC2003']);
    const d = diagnostics.find((x) => x.code === 'REC2001')!;
    expect(d).toMatchObject({ code: 'REC2001', source: 'recc', severity: DiagnosticSeverity.Error });
    expect(d.message).toMatch(/^unknown name `trnk`/);
    expect(d.range).toEqual({ start: pos(broken, 'trnk'), end: pos(broken, 'trnk', 4) });
    // Quick fix: replace the name with the suggestion, exactly over the name.
    const [fix] = await actions(uri, d);
    expect(fix!.title).toBe('replace with `trunk`');
    expect(fix!.kind).toBe('quickfix');
    expect(fix!.edit!.changes![uri]).toEqual([{ range: d.range, newText: 'trunk' }]);
    // A client that drops the diagnostic (or its data) still gets the fix for the range.
    expect((await actions(uri, d, []))[0]!.edit!.changes![uri]![0]!.newText).toBe('trunk');
    // Fixing the text clears the diagnostics.
    expect((await c.change(uri, SPEC)).diagnostics).toEqual([]);
  });

  it('places diagnostics on the lines the editor counts, whichever line break the document uses', async () => {
    const broken = SPEC.replace('from: trunk', 'from: trnk');
    const want = { start: pos(broken, 'trnk'), end: pos(broken, 'trnk', 4) };
    for (const [name, eol] of [['crlf', '\r\n'], ['cr', '\r']]) {
      const uri = c.file(`${name}.rec`, SPEC);
      const d = (await c.open(uri, broken.replace(/\n/g, eol))).diagnostics.find((x) => x.code === 'REC2001');
      expect(d?.range, name).toEqual(want);
    }
  });

  it('offers the module member fix and relates a duplicate to its first definition', async () => {
    const uri = c.file('members.rec', SPEC);
    const twice = 'block pair(x: tensor) {\n  return x\n}\n';
    const text = SPEC.replace('poso.mlp', 'poso.mpl').replace('model m', `${twice}${twice}model m`);
    const { diagnostics } = await c.open(uri, text);
    const member = diagnostics.find((d) => d.code === 'REC2006')!;
    expect(member.range.start).toEqual(pos(text, 'mpl'));
    expect((await actions(uri, member))[0]!.edit!.changes![uri]).toEqual([{ range: member.range, newText: 'mlp' }]);
    const dup = diagnostics.find((d) => d.code === 'REC2002')!;
    const second = text.indexOf('pair', text.indexOf('pair') + 1);
    expect(dup.range).toEqual({ start: posOf(text, second), end: posOf(text, second + 4) });
    expect(dup.relatedInformation![0]).toEqual({ location: { uri, range: { start: pos(text, 'pair'), end: pos(text, 'pair', 4) } }, message: 'first defined here' });
  });

  it('marks an unused let as a warning the editor may fade', async () => {
    const uri = c.file('unused.rec', SPEC);
    const text = SPEC.replace('  task click', '  let spare = trunk\n  task click');
    const { diagnostics } = await c.open(uri, text);
    const d = diagnostics.find((x) => x.code === 'REC2003')!;
    expect(d.severity).toBe(DiagnosticSeverity.Warning);
    expect(d.tags).toEqual([DiagnosticTag.Unnecessary]);
    expect(d.range.start).toEqual(pos(text, 'spare'));
  });

  it('re-checks an open spec when a file it uses changes in the editor, before it is saved', async () => {
    const { common, libUri, specUri } = await openUser(c);
    await c.open(libUri, common);
    const before = c.published.length;
    await c.change(libUri, common.replace('widen', 'wider'));
    // The spec is published again (no new version of its own) with the now-missing member.
    expect((await c.publishedAfter(specUri, before)).map((d) => d.code)).toEqual(['REC2006']);
    // Closed without saving, the file is read from disk again: the spec is clean.
    const closed = c.published.length;
    await c.close(libUri);
    expect((await c.publishedAfter(specUri, closed)).map((d) => d.code)).toEqual([]);
  });

  it('shows an error in a file the spec uses on the `use` that reaches it, where `recc check` fails too', async () => {
    // helpers.rec has an unknown name on its line 2; the spec reaches it through common.rec.
    const helpers = 'block lift(x: tensor) {\n  return rleu(x)\n}\n';
    c.file('helpers.rec', helpers);
    const common = 'use "./helpers.rec" as helpers\n\nblock widen(x: tensor) {\n  return helpers.lift(dense(x, 8))\n}\n';
    const commonUri = c.file('common.rec', common);
    const spec = SPEC.replace('use std.poso', 'use std.poso\nuse "./common.rec" as common').replace('{ from: trunk }', '{ from: common.widen(trunk) }');
    const uri = c.file('user-of-broken.rec', spec);
    const { diagnostics } = await c.open(uri, spec);
    expect(diagnostics.map((d) => d.code)).toEqual(['REC2001']);
    const [d] = diagnostics;
    const use = 'use "./common.rec" as common';
    expect(d!.range).toEqual({ start: pos(spec, use), end: pos(spec, use, use.length) });
    expect(d!.message).toMatch(/^in helpers\.rec:2:10: unknown name `rleu`/);
    const helpersUri = commonUri.replace(/common\.rec$/, 'helpers.rec');
    expect(d!.relatedInformation![0]).toEqual({ location: { uri: helpersUri, range: { start: pos(helpers, 'rleu'), end: pos(helpers, 'rleu', 4) } }, message: expect.stringMatching(/^unknown name `rleu`/) });
  });

  it('shows a `use` cycle in each spec of it', async () => {
    const a = 'use "./cyc-b.rec" as b\n\nblock fa(x: tensor) {\n  return b.fb(x)\n}\n';
    const b = 'use "./cyc-a.rec" as a\n\nblock fb(x: tensor) {\n  return relu(x)\n}\n';
    const aUri = c.file('cyc-a.rec', a);
    c.file('cyc-b.rec', b);
    const [d] = (await c.open(aUri, a)).diagnostics;
    expect(d).toMatchObject({ code: 'REC2005', range: { start: { line: 0, character: 0 } } });
    expect(d!.message).toMatch(/^in cyc-b\.rec:1:\d+: /);
  });
});

describe('files changed on disk', () => {
  let w: LspClient;
  beforeAll(async () => {
    w = await LspClient.start({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
  });
  afterAll(() => w.stop());

  it('are watched, and the open specs that use one are checked again', async () => {
    const { common, libUri, specUri } = await openUser(w);
    expect(w.registrations).toEqual([{ id: expect.any(String), method: 'workspace/didChangeWatchedFiles', registerOptions: { watchers: [{ globPattern: '**/*' }] } }]);
    // Saved by another program: the spec is published again (no new version of its own).
    w.file('common.rec', common.replace('widen', 'wider'));
    const before = w.published.length;
    await w.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: libUri, type: 2 }] });
    expect((await w.publishedAfter(specUri, before)).map((d) => d.code)).toEqual(['REC2006']);
  });
});

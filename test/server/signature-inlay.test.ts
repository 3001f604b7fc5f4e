// Signature help and inlay hints over the protocol. The labels and shapes expected are written
// by hand from the declarations in the spec below (a block's parameters and defaults, each
// feature's `dim`, the layer widths), not read from the server's own tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InlayHint, SignatureHelp } from 'vscode-languageserver-protocol/node';
import { after, LspClient, pos, posOf } from './lsp-client.js';

const TEXT = `use std.poso

/// Widen a tensor.
block widen(x: tensor, n: int = 8, scale: float = 1.0) {
  let y = dense(x, n)
  return relu(y) * scale
}

model m {
  features {
    user_id: id(hash: 100, dim: 4)
    item_id: id(hash: 50, dim: 6)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  let both = concat(user_id, item_id)
  let wide = widen(both, n: 12)
  let depth = 3
  let trunk = poso.mlp(wide, pc: group, units: [16, 5], hidden: depth)
  task click : binary(label: clicked) { from: trunk }
}
`;

let c: LspClient;
let uri: string;
beforeAll(async () => {
  c = await LspClient.start();
  uri = c.file('sig.rec', TEXT);
  expect((await c.open(uri, TEXT)).diagnostics).toEqual([]);
});
afterAll(() => c.stop());

const help = (at: { line: number; character: number }) => c.conn.sendRequest<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position: at });
/** The label of the active parameter. */
const active = (h: SignatureHelp | null) => {
  const s = h!.signatures[h!.activeSignature ?? 0]!;
  const p = h!.activeParameter === undefined ? undefined : s.parameters![h!.activeParameter];
  return p && (Array.isArray(p.label) ? s.label.slice(p.label[0], p.label[1]) : p.label);
};

describe('signature help', () => {
  it('is advertised', () => {
    expect(c.capabilities.signatureHelpProvider).toBeDefined();
    expect(c.capabilities.inlayHintProvider).toBe(true);
  });

  it("shows a block's parameters with types and defaults, its doc, and the parameter the cursor fills", async () => {
    const h = await help(after(TEXT, 'widen(both, '));
    expect(h!.signatures[0]!.label).toBe('widen(x: tensor, n: int = 8, scale: float = 1.0)');
    expect(h!.signatures[0]!.documentation).toBe('Widen a tensor.');
    // after the first (positional) argument: the second parameter
    expect(active(h)).toBe('n: int = 8');
    expect(active(await help(after(TEXT, 'widen(')))).toBe('x: tensor');
    // inside a named argument: the parameter it names
    expect(active(await help(after(TEXT, 'widen(both, n: 1')))).toBe('n: int = 8');
  });

  it("shows a stdlib block's parameters, skipping those given by name", async () => {
    const mlp = await help(after(TEXT, 'poso.mlp(wide, pc: group, '));
    expect(mlp!.signatures[0]!.label).toMatch(/^poso\.mlp\(x: tensor, pc: tensor, units: \[int\], /);
    // at the start of `units: …`: `wide` fills x by position and pc and hidden are given by name,
    // so the next parameter by position is units
    expect(active(mlp)).toBe('units: [int]');
  });

  it('marks the inputs of concat for every positional argument, and axis when named', async () => {
    const h = await help(after(TEXT, 'concat(user_id, '));
    expect(h!.signatures[0]!.label).toBe('concat(…inputs: tensor, axis: int?)');
    expect(active(h)).toBe('…inputs: tensor');
    const edited = TEXT.replace('concat(user_id, item_id)', 'concat(user_id, item_id, axis: -1)');
    await c.change(uri, edited);
    expect(active(await help(after(edited, 'axis: -')))).toBe('axis: int?');
    await c.change(uri, TEXT);
  });

  it("shows a feature kind's options inside `features { }`", async () => {
    const h = await help(after(TEXT, 'item_id: id(hash: 50, dim: '));
    expect(h!.signatures[0]!.label).toBe('id(vocab, hash, dim, column)');
    expect(active(h)).toBe('dim');
  });

  it('gives nothing outside a call', async () => {
    expect(await help(pos(TEXT, 'let depth'))).toBeNull();
  });
});

describe('inlay hints', () => {
  const hints = (range = { start: { line: 0, character: 0 }, end: posOf(TEXT, TEXT.length) }) => c.conn.sendRequest<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });

  it("shows the shape of each tensor a model's pc and lets hold, after its name", async () => {
    const got = await hints();
    const shown = got.map((h) => ({ at: h.position, label: h.label }));
    expect(shown).toEqual([
      // avc: dim 2
      { at: after(TEXT, 'pc group'), label: ': [batch, 2]' },
      // 4 + 6
      { at: after(TEXT, 'let both'), label: ': [batch, 10]' },
      // n: 12
      { at: after(TEXT, 'let wide'), label: ': [batch, 12]' },
      // `depth` is an int: no hint; the last of units [16, 5]
      { at: after(TEXT, 'let trunk'), label: ': [batch, 5]' },
    ]);
  });

  it('keeps to the range asked for', async () => {
    const line = pos(TEXT, 'let wide').line;
    const got = await hints({ start: { line, character: 0 }, end: { line, character: TEXT.split('\n')[line]!.length } });
    expect(got.map((h) => h.label)).toEqual([': [batch, 12]']);
  });

  it('shows none for a model that did not elaborate', async () => {
    const broken = TEXT.replace('widen(both, n: 12)', 'widen(both, n: "twelve")');
    await c.change(uri, broken);
    const got = await hints();
    // the lets before the error still elaborated; `wide` did not, nor what reads it
    expect(got.map((h) => h.label)).toEqual([': [batch, 2]', ': [batch, 10]']);
    await c.change(uri, TEXT);
  });
});

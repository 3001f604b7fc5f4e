// Document links over the protocol: the strings of a spec that name a file it reads (a `use`d
// file, a vocabulary, the training data) link to that file; strings that name a column, or a file
// that is not there, link to nothing. The expected links are written from the spec's text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentLink } from 'vscode-languageserver-protocol/node';
import { LspClient, pos } from './lsp-client.js';

const LIB = `block widen(x: tensor) {
  return relu(dense(x, 8))
}
`;

const TEXT = `use "./lib.rec"

model m {
  features {
    item: id(vocab: "items.txt", dim: 4)
    user_id: id(hash: 100, dim: 4)
    clicked: label
  }
  let t = lib.widen(concat(item, user_id))
  task click : binary(label: clicked) { from: t }
  train {
    data: "train.csv"
    group_by: "user_id"
  }
}
`;

let c: LspClient;
let uri: string;
const links = (u = uri) => c.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: u } });
/** The range of the text between the quotes of `"value"`. */
const inQuotes = (text: string, value: string) => ({ start: pos(text, `"${value}"`, 1), end: pos(text, `"${value}"`, 1 + value.length) });

beforeAll(async () => {
  c = await LspClient.start();
  c.file('lib.rec', LIB);
  c.file('items.txt', 'a\nb\nc\n');
  c.file('train.csv', 'item,user_id,clicked\na,u1,1\n');
  uri = c.file('links.rec', TEXT);
  expect((await c.open(uri, TEXT)).diagnostics.filter((d) => d.severity === 1)).toEqual([]);
});
afterAll(() => c.stop());

const target = (name: string) => uri.replace(/links\.rec$/, name);

describe('document links', () => {
  it('are advertised', () => {
    expect(c.capabilities.documentLinkProvider).toEqual({ resolveProvider: false });
  });

  it('link the used file, the vocabulary and the data, inside their quotes, and not a column', async () => {
    expect(await links()).toEqual([
      { range: inQuotes(TEXT, './lib.rec'), target: target('lib.rec') },
      { range: inQuotes(TEXT, 'items.txt'), target: target('items.txt') },
      { range: inQuotes(TEXT, 'train.csv'), target: target('train.csv') },
    ]);
  });

  it('follow edits, and link nothing for a file that is not there', async () => {
    const moved = TEXT.replace('  let t', '  // a line more\n  let t').replace('"train.csv"', '"missing.csv"');
    await c.change(uri, moved);
    try {
      expect(await links()).toEqual([
        { range: inQuotes(moved, './lib.rec'), target: target('lib.rec') },
        { range: inQuotes(moved, 'items.txt'), target: target('items.txt') },
      ]);
    } finally {
      await c.change(uri, TEXT);
    }
    expect((await links()).map((l) => l.target)).toEqual([target('lib.rec'), target('items.txt'), target('train.csv')]);
  });
});

// "Extract to `let`": the edit written out for a hand-made spec, the kinds a client may ask for
// over the protocol, and a sweep over every example and spec fixture: each expression that can be
// extracted, extracted, gives a spec that checks with no new error and builds the same graph (the
// same operations on the same shapes, the same parameter shapes; only names may differ, since a
// layer's parameters are named after the `let` it is in).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../src/semantics/analyze.js';
import { expectSameModel } from '../helpers/refactoring.js';
import { exampleSpecs } from '../spec-files.js';
import { forEachExpr } from '../../src/server/ast-walk.js';
import { extractLet } from '../../src/server/extract-let.js';
import { LspClient, pos } from './lsp-client.js';

const TEXT = `use std.poso

block widen(x: tensor, n: int = 8) {
  let h = dense(x, n)
  for i in [1, 2] {
    h = h + relu(dense(h, n))
  }
  return relu(h)
}

model m {
  features {
    user_id: id(hash: 100, dim: 4)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  /// The trunk.
  let trunk = poso.mlp(widen(concat(user_id, avc), n: 4), pc: group, units: [8])
  task click : binary(label: clicked) { from: trunk }
}
`;

/** The action for selecting `needle` (its first occurrence after `after`), applied to `text`; undefined when none is offered. */
function extracted(text: string, needle: string, after = ''): string | undefined {
  const start = text.indexOf(needle, text.indexOf(after));
  const a = analyze(text, '/tmp/extract.rec');
  const doc = TextDocument.create('file:///tmp/extract.rec', 'rec', 1, text);
  const [action] = extractLet(a, text, doc.uri, start, start + needle.length, (o) => doc.positionAt(o));
  return action && TextDocument.applyEdits(doc, action.edit!.changes![doc.uri]!);
}

describe('extract to let', () => {
  it('writes the new let above the model item and its doc comment, and names the selection', () => {
    expect(extracted(TEXT, 'concat(user_id, avc)')).toBe(
      TEXT.replace('  /// The trunk.\n', '  let extracted = concat(user_id, avc)\n  /// The trunk.\n').replace('widen(concat(user_id, avc), n: 4)', 'widen(extracted, n: 4)'),
    );
  });

  it('writes the document’s own line break, \\r\\n or a lone \\r, and finds the doc comment across it', () => {
    const want = TEXT.replace('  /// The trunk.\n', '  let extracted = concat(user_id, avc)\n  /// The trunk.\n').replace('widen(concat(user_id, avc), n: 4)', 'widen(extracted, n: 4)');
    for (const eol of ['\r\n', '\r']) expect(extracted(TEXT.replace(/\n/g, eol), 'concat(user_id, avc)'), JSON.stringify(eol)).toBe(want.replace(/\n/g, eol));
  });

  it('keeps a doc comment with its let when blank lines or comments stand between them', () => {
    const spaced = TEXT.replace('  /// The trunk.\n', '  /// The trunk.\n\n  // (widths by hand)\n');
    const out = extracted(spaced, 'concat(user_id, avc)')!;
    expect(out).toBe(spaced.replace('  /// The trunk.\n', '  let extracted = concat(user_id, avc)\n  /// The trunk.\n').replace('widen(concat(user_id, avc), n: 4)', 'widen(extracted, n: 4)'));
    // as the parser attaches docs
    const docOf = (name: string) => analyze(out, '/tmp/extract.rec').symbols.defs.find((d) => d.name === name)?.doc;
    expect([docOf('trunk'), docOf('extracted')]).toEqual(['The trunk.', undefined]);
  });

  it('in a block, inside the loop body that holds the expression, at its indentation', () => {
    expect(extracted(TEXT, 'relu(dense(h, n))')).toBe(TEXT.replace('    h = h + relu(dense(h, n))', '    let extracted = relu(dense(h, n))\n    h = h + extracted'));
  });

  it('takes a selection with spaces around it, and picks a name the file does not use', () => {
    const taken = TEXT.replace('pc group = avc', 'pc extracted = avc').replace('pc: group', 'pc: extracted');
    expect(extracted(taken, ' [8]')).toBe(taken.replace('  /// The trunk.\n', '  let extracted2 = [8]\n  /// The trunk.\n').replace('units: [8]', 'units: extracted2'));
  });

  it('offers nothing for a name, a callee, a whole value, a part of an expression, or outside a let or statement', () => {
    expect(extracted(TEXT, 'user_id', 'concat(')).toBeUndefined();
    expect(extracted(TEXT, 'poso.mlp')).toBeUndefined();
    expect(extracted(TEXT, 'relu(h)', 'return')).toBeUndefined();
    expect(extracted(TEXT, 'concat(user_id')).toBeUndefined();
    expect(extracted(TEXT, 'id(hash: 100, dim: 4)')).toBeUndefined();
    expect(extracted(TEXT, 'binary(label: clicked)')).toBeUndefined();
  });

  it('offers nothing inside a let that a parameter selector names: the layer would leave the selection', () => {
    const staged = TEXT.replace('  task click', '  let net = concat(dense(trunk, 4), dense(trunk, 8))\n  task click').replace('from: trunk', 'from: net').replace(
      /\n}\n$/,
      '\n  stage pre { }\n  stage tune { freeze: [net] }\n}\n',
    );
    expect(analyze(staged, '/tmp/extract.rec').diagnostics).toEqual([]);
    expect(extracted(staged, 'dense(trunk, 8)')).toBeUndefined();
    // the same let, named by no selector
    expect(extracted(staged.replace('freeze: [net]', 'freeze: [trunk]'), 'dense(trunk, 8)')).toContain('let extracted = dense(trunk, 8)');
  });

  it('offers nothing inside a let that a selector with a `*` may select, or beside one that may select the new let', () => {
    const globbed = (freeze: string) => TEXT.replace(/\n}\n$/, `\n  stage pre { }\n  stage tune { freeze: [${freeze}] }\n}\n`);
    expect(analyze(globbed('"tr*"'), '/tmp/extract.rec').diagnostics).toEqual([]);
    // the layer would leave `"tr*"`
    expect(extracted(globbed('"tr*"'), 'concat(user_id, avc)')).toBeUndefined();
    // `"*.widen0"` selects `trunk.widen0.…`: extracted, the call would be the instance `extracted` (`extracted.dense0.…`)
    expect(extracted(globbed('"*.widen0"'), 'widen(concat(user_id, avc), n: 4)')).toBeUndefined();
    // a selector under other names
    expect(extracted(globbed('"features.*"'), 'concat(user_id, avc)')).toContain('let extracted = concat(user_id, avc)');
  });

  it('offers nothing in a file the parser stopped reading (REC1008): a selector after the cut may name the let', () => {
    const staged = TEXT.replace('\n}\n', '\n  stage pre { }\n  stage tune { freeze: [trunk] }\n}\n');
    const cut = staged.replace('  task click', `  let deep = ${'('.repeat(70)}trunk${')'.repeat(70)}\n  task click`);
    expect(analyze(cut, '/tmp/extract.rec').diagnostics.map((d) => d.code)).toContain('REC1008');
    // `freeze: [trunk]` is after the cut: only the cut tells that `trunk` may be selected
    expect(extracted(cut, 'concat(user_id, avc)')).toBeUndefined();
    expect(extracted(TEXT.replace('  task click', `  let deep = ${'('.repeat(70)}trunk${')'.repeat(70)}\n  task click`), 'concat(user_id, avc)')).toBeUndefined();
  });
});

describe('extracting any expression of the examples and fixtures', () => {
  it('gives a spec with no new error and the same graph', () => {
    let tried = 0;
    let metaTried = 0;
    for (const file of exampleSpecs()) {
      const text = readFileSync(file, 'utf8');
      const before = analyze(text, file);
      if (!before.graph) continue;
      const doc = TextDocument.create('file:///x.rec', 'rec', 1, text);
      const metaBlocks = before.ast.items.flatMap((i) => (i.kind === 'Model' ? i.items.filter((m) => m.kind === 'MetaBlock') : []));
      forEachExpr(before.ast, (e) => {
        const [action] = extractLet(before, text, doc.uri, e.span.start.offset, e.span.end.offset, (o) => doc.positionAt(o));
        if (!action) return;
        tried++;
        if (metaBlocks.some((m) => m.span.start.offset < e.span.start.offset && e.span.end.offset < m.span.end.offset)) metaTried++;
        expectSameModel(file, text, before.graph!, action.edit!.changes![doc.uri] as TextEdit[], `${file}: ${text.slice(e.span.start.offset, e.span.end.offset)}`);
      });
    }
    expect(tried).toBeGreaterThan(150);
    expect(metaTried).toBeGreaterThan(0);
  });
});

describe('over the protocol', () => {
  let c: LspClient;
  let uri: string;
  beforeAll(async () => {
    c = await LspClient.start();
    uri = c.file('extract.rec', TEXT);
    expect((await c.open(uri, TEXT)).diagnostics).toEqual([]);
  });
  afterAll(() => c.stop());

  const actions = (only?: string[]) => {
    const range = { start: pos(TEXT, 'concat(user_id, avc)'), end: pos(TEXT, 'concat(user_id, avc)', 'concat(user_id, avc)'.length) };
    return c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], ...(only ? { only } : {}) } });
  };

  it('is offered as refactor.extract, also to a client asking for refactors only, and not to one asking for quick fixes', async () => {
    expect(c.capabilities.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'refactor.extract', 'refactor.inline'] });
    const [all, refactors, fixes] = await Promise.all([actions(), actions(['refactor']), actions(['quickfix'])]);
    expect(all.map((a) => [a.title, a.kind])).toEqual([['Extract to `let extracted`', 'refactor.extract']]);
    expect(refactors).toEqual(all);
    expect(fixes).toEqual([]);
  });

  it('offers inline at a let read once (inline-let.ts; its own tests are in inline-let.test.ts)', async () => {
    const at = pos(TEXT, 'let trunk', 4);
    const got = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], only: ['refactor.inline'] } });
    expect(got.map((a) => [a.title, a.kind])).toEqual([['Inline `let trunk`', 'refactor.inline']]);
  });
});

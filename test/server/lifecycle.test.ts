// The language server's document lifecycle (documents.ts): an analysis runs a stage per step, a
// new version drops the rest of a stale one, and completion never waits for an elaboration.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { complete } from '../../src/server/completion.js';
import { Workspace } from '../../src/server/documents.js';
import { offsetBefore } from '../../src/server/positions.js';
import { signatureHelp } from '../../src/server/signature-help.js';

const FILE = join(import.meta.dirname, '../../examples/pepnet-multidomain.rec');
const URI = pathToFileURL(FILE).href;
const TEXT = readFileSync(FILE, 'utf8');
const EDITED = TEXT.replace(/\n\s*task [^\n]*\n/, (m) => `${m}  let extra = 1\n`);

const doc = (version: number, text: string) => TextDocument.create(URI, 'rec', version, text);

describe('the document lifecycle', () => {
  it('runs one stage per step, then publishes what analyze() gives', () => {
    const ws = new Workspace();
    ws.update(doc(1, TEXT));
    expect([ws.step(URI), ws.step(URI), ws.step(URI), ws.step(URI)]).toEqual(['parsed', 'resolved', 'elaborated', 'elaborated']);
    expect(ws.analysis(URI)!.diagnostics).toEqual(analyze(TEXT, FILE).diagnostics);
  });

  it('drops the rest of a stale analysis when a new version comes', () => {
    expect(EDITED).not.toBe(TEXT);
    const ws = new Workspace();
    ws.update(doc(1, TEXT));
    expect(ws.step(URI)).toBe('parsed');
    expect(ws.step(URI)).toBe('resolved');
    ws.update(doc(2, EDITED));
    // the next step begins the new version's analysis: the old one is never elaborated
    expect(ws.step(URI)).toBe('parsed');
    expect(ws.step(URI)).toBe('resolved');
    expect(ws.step(URI)).toBe('elaborated');
    const a = ws.analysis(URI)!;
    expect(a.ast.items).toEqual(analyze(EDITED, FILE).ast.items);
    expect(a.diagnostics).toEqual(analyze(EDITED, FILE).diagnostics);
  });

  it('answers completion of a document never analysed from its resolved stage, and elaborates that same analysis after', () => {
    const ws = new Workspace();
    ws.update(doc(1, TEXT));
    const forCompletion = ws.recentAnalysis(URI)!;
    expect(forCompletion.symbols.defs.length).toBeGreaterThan(0);
    expect(forCompletion.model).toBeUndefined(); // not elaborated for it
    expect(ws.step(URI)).toBe('elaborated');
    expect(ws.analysis(URI)).toBe(forCompletion);
    expect(forCompletion.model).toBeDefined();
  });

  it('answers completion while an edit is being analysed from the last elaborated version, until the edit is parsed', () => {
    const ws = new Workspace();
    ws.update(doc(1, TEXT));
    const first = ws.analysis(URI)!;
    ws.update(doc(2, EDITED));
    expect(ws.recentAnalysis(URI)).toBe(first); // version 2 not parsed yet: nothing run for it
    expect(ws.step(URI)).toBe('parsed');
    // the parse moved the nodes after the edit in the first tree too: version 2 is resolved for it
    const second = ws.recentAnalysis(URI)!;
    expect(second).not.toBe(first);
    expect(second.ast.items).toEqual(analyze(EDITED, FILE).ast.items);
    expect(ws.step(URI)).toBe('elaborated');
    expect(ws.analysis(URI)).toBe(second);
  });
});

// Found by a probe of the server: a completion or signature help request that comes right behind
// an edit (an editor sends both in one write as the user types) was answered from the last
// elaborated tree, after the parse of the new text had moved its nodes (syntax/reparse.ts), and read
// where the cursor was in the old text: names in scope in both texts went missing, and a
// parameter's default was cut from the wrong place.
describe('completion and signature help right behind an edit', () => {
  const uri = 'file:///tmp/recc-behind/spec.rec';
  const before = `block a(x: tensor) {
  return x
}

block b(x: tensor, k: int = 4) {
  return x
}

model m {
  features {
    u: id(hash: 10, dim: 4)
    c: label
  }
  let x = concat(u, u)
  let y = concat(x, x)
  let z = concat(y, x)
  let w = b(z, k: 4)
  task t : binary(label: c) { from: w }
}
`;
  // One edit each (an edit parses the items it touched only, and moves the nodes after them):
  // `let x` made longer, or block a's body, before block b's default.
  const edits = {
    let: before.replace('concat(u, u)', 'concat(u, u, u, u, u, u, u, u, u, u)'),
    block: before.replace('return x', 'return relu(relu(x))'),
  };
  const names = (items: Array<{ label: string }>) => items.map((i) => i.label).filter((l) => /^[a-z]$/.test(l));

  /** What the server answers in `text`, from the analysis it would read. */
  const answers = (ws: Workspace, text: string) => {
    const a = ws.recentAnalysis(uri)!;
    const at = (offset: number) => ({ offset, tree: offsetBefore(a.modules[0]!.text, text, offset) });
    const inLet = at(text.indexOf('concat(y, x)') + 'concat(y, '.length);
    const inCall = at(text.indexOf('b(z, k: 4)') + 'b(z, '.length);
    return { completion: names(complete(a, text, inLet.offset, undefined, inLet.tree)), signature: signatureHelp(a, text, inCall.offset, inCall.tree)?.signatures[0]?.label };
  };
  /** The answers of a server that opened `text` as it is. */
  const fresh = (text: string) => {
    const ws = new Workspace();
    ws.update(TextDocument.create(uri, 'rec', 1, text));
    const r = answers(ws, text);
    expect(r.completion).toEqual(expect.arrayContaining(['a', 'b', 'c', 'u', 'x', 'y']));
    expect(r.signature).toBe('b(x: tensor, k: int = 4)');
    return r;
  };

  it('names what is in scope and the defaults as written, whether the edit is parsed yet or not', () => {
    for (const [kind, after] of Object.entries(edits)) {
      const reference = fresh(after);
      for (const steps of [0, 1, 2]) {
        const ws = new Workspace();
        ws.update(TextDocument.create(uri, 'rec', 1, before));
        ws.analysis(uri);
        ws.update(TextDocument.create(uri, 'rec', 2, after));
        for (let i = 0; i < steps; i++) ws.step(uri);
        expect(answers(ws, after), `${kind}, after ${steps} steps`).toEqual(reference);
      }
    }
  });

  it('the same when a third version comes before the second is analysed', () => {
    for (const [kind, after] of Object.entries(edits)) {
      const ws = new Workspace();
      ws.update(TextDocument.create(uri, 'rec', 1, before));
      ws.analysis(uri);
      // version 2 is the other edit: its parse moves nodes of version 1 that version 3 reads
      ws.update(TextDocument.create(uri, 'rec', 2, kind === 'let' ? edits.block : edits.let));
      expect(ws.step(uri)).toBe('parsed');
      ws.update(TextDocument.create(uri, 'rec', 3, after));
      expect(answers(ws, after), kind).toEqual(fresh(after));
    }
  });
});

describe('specs that use an open file', () => {
  // A spec in a temporary folder that `use`s common.rec beside it.
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'recc-users-'));
    const common = 'block widen(x: tensor, n: int = 8) {\n  return dense(x, n)\n}\n';
    const spec = TEXT.replace(/^use /m, 'use "./common.rec" as common\nuse ');
    writeFileSync(join(dir, 'common.rec'), common);
    writeFileSync(join(dir, 'user.rec'), spec);
    const uri = (name: string) => pathToFileURL(join(dir, name)).href;
    const ws = new Workspace();
    ws.update(TextDocument.create(uri('user.rec'), 'rec', 1, spec));
    expect(ws.analysis(uri('user.rec'))!.modules.some((m) => m.path === join(dir, 'common.rec'))).toBe(true);
    return { ws, common, user: uri('user.rec'), lib: uri('common.rec') };
  };

  it('are stale when the file gets another text, not when it is opened with the text they read', () => {
    const { ws, common, user, lib } = setup();
    expect(ws.update(TextDocument.create(lib, 'rec', 1, common))).toEqual([]);
    expect(ws.update(TextDocument.create(lib, 'rec', 2, common.replace('widen', 'wider')))).toEqual([user]);
    // Analysed again, the spec reads the buffer (its own text did not change).
    expect(ws.analysis(user)!.modules.find((m) => m.path.endsWith('common.rec'))!.text).toContain('wider');
    expect(ws.update(TextDocument.create(lib, 'rec', 3, common.replace('widen', 'wider')))).toEqual([]);
  });

  it('are stale when the file changes while their analysis has parsed it and not yet resolved', () => {
    const { ws, common, user, lib } = setup();
    ws.update(TextDocument.create(user, 'rec', 2, ws.document(user)!.getText() + '\n'));
    expect(ws.step(user)).toBe('parsed'); // common.rec read, the analysis not yet resolved
    expect(ws.update(TextDocument.create(lib, 'rec', 1, common.replace('widen', 'wider')))).toEqual([user]);
    expect(ws.analysis(user)!.modules.find((m) => m.path.endsWith('common.rec'))!.text).toContain('wider');
  });

  it('are stale when the file changes on disk, unless it is open in the editor; so are the specs that read a vocabulary', () => {
    const { ws, common, user, lib } = setup();
    const dir = dirname(fileURLToPath(user));
    expect(ws.changedOnDisk([join(dir, 'elsewhere.rec')])).toEqual([]);
    expect(ws.changedOnDisk([join(dir, 'common.rec')])).toEqual([user]);
    ws.analysis(user);
    ws.update(TextDocument.create(lib, 'rec', 1, common));
    expect(ws.changedOnDisk([join(dir, 'common.rec')])).toEqual([]); // its buffer is what they read
    // A vocabulary read from a file beside the spec.
    writeFileSync(join(dir, 'domains.txt'), 'A\nB\n');
    const vocab = pathToFileURL(join(dir, 'vocab.rec')).href;
    ws.update(TextDocument.create(vocab, 'rec', 1, 'model m {\n  features {\n    d: id(vocab: "./domains.txt", dim: 2)\n    y: label\n  }\n  task t : binary(label: y) { from: d }\n}\n'));
    expect(ws.analysis(vocab)!.diagnostics).toEqual([]);
    expect(ws.changedOnDisk([join(dir, 'domains.txt')])).toEqual([vocab]);
    // … and when it is edited in the editor: the spec reads the buffer.
    ws.analysis(vocab);
    expect(ws.update(TextDocument.create(pathToFileURL(join(dir, 'domains.txt')).href, 'plaintext', 1, 'A\nB\n'))).toEqual([]);
    expect(ws.update(TextDocument.create(pathToFileURL(join(dir, 'domains.txt')).href, 'plaintext', 2, 'A\nB\nC\n'))).toEqual([vocab]);
    expect(ws.analysis(vocab)!.model!.graph.features.find((f) => f.name === 'd')).toMatchObject({ source: { kind: 'vocab', values: ['A', 'B', 'C'] } });
  });

  it('are stale when a file they could not read appears, in the editor or on disk', () => {
    const { ws, user } = setup();
    const dir = dirname(fileURLToPath(user));
    const later = pathToFileURL(join(dir, 'later.rec')).href;
    const spec = pathToFileURL(join(dir, 'early.rec')).href;
    const text = TEXT.replace(/^use /m, 'use "./later.rec" as later\nuse ');
    ws.update(TextDocument.create(spec, 'rec', 1, text));
    expect(ws.analysis(spec)!.diagnostics.map((d) => d.code)).toContain('REC2009'); // no such file
    expect(ws.update(TextDocument.create(later, 'rec', 1, 'block twice(x: tensor) {\n  return x\n}\n'))).toEqual([spec]);
    expect(ws.analysis(spec)!.diagnostics.map((d) => d.code)).not.toContain('REC2009');
    expect(ws.close(later)).toEqual([spec]);
    expect(ws.analysis(spec)!.diagnostics.map((d) => d.code)).toContain('REC2009'); // it was never saved
    writeFileSync(join(dir, 'later.rec'), 'block twice(x: tensor) {\n  return x\n}\n');
    expect(ws.changedOnDisk([join(dir, 'later.rec')])).toEqual([spec]);
    expect(ws.analysis(spec)!.diagnostics.map((d) => d.code)).not.toContain('REC2009');
    // A vocabulary file that is missing, then written.
    const vocab = pathToFileURL(join(dir, 'words.rec')).href;
    ws.update(TextDocument.create(vocab, 'rec', 1, 'model m {\n  features {\n    d: id(vocab: "./words.txt", dim: 2)\n    y: label\n  }\n  task t : binary(label: y) { from: d }\n}\n'));
    expect(ws.analysis(vocab)!.diagnostics).not.toEqual([]);
    writeFileSync(join(dir, 'words.txt'), 'A\n');
    expect(ws.changedOnDisk([join(dir, 'words.txt')])).toEqual([vocab]);
    expect(ws.analysis(vocab)!.diagnostics).toEqual([]);
  });

  it('are stale when the edited file is closed, and read it from disk again', () => {
    const { ws, common, user, lib } = setup();
    ws.update(TextDocument.create(lib, 'rec', 2, common.replace('widen', 'wider')));
    expect(ws.analysis(user)!.modules.find((m) => m.path.endsWith('common.rec'))!.text).toContain('wider');
    expect(ws.close(lib)).toEqual([user]);
    expect(ws.analysis(user)!.modules.find((m) => m.path.endsWith('common.rec'))!.text).toBe(common);
    expect(ws.close(lib)).toEqual([]); // not open any more
  });
});

describe('the server’s order of work', () => {
  it('writes the answer to a completion sent behind a didOpen, and to semantic tokens behind a didChange, before it elaborates the document', async () => {
    // The server and a client in this process, over in-memory streams: one event loop, so the order
    // of the server's work is the same on every run, however busy the machine.
    const { PassThrough } = await import('node:stream');
    const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node.js');
    const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver-protocol/node');
    const { startServer } = await import('../../src/server/server.js');
    const { StagedAnalysis } = await import('../../src/semantics/analyze.js');
    const { generateSpec } = await import('../../bench/lib/generate-spec.mjs');
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    // What the server did, in order: each stage it ran and each message it wrote.
    const work: string[] = [];
    const write = fromServer.write.bind(fromServer) as (chunk: unknown, ...rest: unknown[]) => boolean;
    fromServer.write = ((chunk: unknown, ...rest: unknown[]) => {
      const s = String(chunk);
      if (s.startsWith('{')) {
        const m = JSON.parse(s) as { method?: string; id?: number };
        work.push(m.method ?? 'answer');
      }
      return write(chunk, ...rest);
    }) as typeof fromServer.write;
    const next = StagedAnalysis.prototype.next;
    StagedAnalysis.prototype.next = function (this: InstanceType<typeof StagedAnalysis>) {
      const stage = next.call(this);
      work.push(stage);
      return stage;
    };
    const server = startServer(createConnection(ProposedFeatures.all, toServer, fromServer));
    const client = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    try {
      client.listen();
      await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
      await client.sendNotification('initialized', {});
      const { text, lets } = generateSpec(200);
      const published = new Promise((resolve) => client.onNotification('textDocument/publishDiagnostics', resolve));
      work.length = 0;
      void client.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/big.rec', languageId: 'rec', version: 1, text } });
      const needle = `let v${lets - 1} = `;
      const line = text.split('\n').findIndex((l) => l.includes(needle));
      const character = text.split('\n')[line]!.indexOf(needle) + needle.length;
      const items = (await client.sendRequest('textDocument/completion', { textDocument: { uri: 'file:///tmp/big.rec' }, position: { line, character } })) as Array<{ label: string }>;
      await published;
      expect(items.map((i) => i.label)).toEqual(expect.arrayContaining([`v${lets - 2}`, 'v0']));
      expect(work).toEqual(['parsed', 'resolved', 'answer', 'elaborated', 'textDocument/publishDiagnostics']);

      // Semantic tokens, which an editor asks for after each change, likewise: from the resolved tree.
      const republished = new Promise((resolve) => client.onNotification('textDocument/publishDiagnostics', resolve));
      work.length = 0;
      void client.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///tmp/big.rec', version: 2 }, contentChanges: [{ text: text.replace('width: 16', 'width: 17') }] });
      const tokens = (await client.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri: 'file:///tmp/big.rec' } })) as { data: number[] };
      await republished;
      expect(tokens.data.length).toBeGreaterThan(0);
      expect(work).toEqual(['parsed', 'resolved', 'answer', 'elaborated', 'textDocument/publishDiagnostics']);
    } finally {
      StagedAnalysis.prototype.next = next;
      client.dispose();
      server.dispose();
    }
  });
});

// Completion over the protocol, mostly on half-typed text (what an editor sends while the user
// types): modules after `use`, a module's blocks, a call's remaining parameters, feature kinds and
// options, train settings, task kinds, keywords by context, and the names in scope.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { FEATURE_OPTIONS } from '../../src/server/feature-options.js';
import { generateSpec } from '../../bench/lib/generate-spec.mjs';
import { after, LspClient, pos, ROOT, SPEC } from './lsp-client.js';

let c: LspClient;
let uri: string;
beforeAll(async () => {
  c = await LspClient.start();
  uri = c.file('complete.rec', SPEC);
  await c.open(uri, SPEC);
});
afterAll(() => c.stop());

/** Set the buffer to `text` and complete at `position`. */
async function at(text: string, position: { line: number; character: number }) {
  await c.change(uri, text);
  return c.completion(uri, position);
}
const labels = async (text: string, position: { line: number; character: number }) => (await at(text, position)).map((i) => i.label);

// The blocks of a stdlib file, read independently of the front end: `block name(` at a line start.
const stdBlocks = (name: string) => [...readFileSync(join(ROOT, 'stdlib', `${name}.rec`), 'utf8').matchAll(/^block\s+(\w+)\s*\(/gm)].map((m) => m[1]!);

describe('completion', () => {
  it('lists the stdlib modules after `use` and a module’s blocks after `poso.`, on unparsable text', async () => {
    const files = readdirSync(join(ROOT, 'stdlib')).filter((f) => f.endsWith('.rec')).map((f) => `std.${f.slice(0, -4)}`);
    const t1 = `use std.\n${SPEC.slice('use std.poso\n'.length)}`;
    expect((await labels(t1, after(t1, 'use std.'))).sort()).toEqual(files.sort());
    const t2 = SPEC.replace('poso.mlp(user_id, pc: group, units: [8])', 'poso.');
    expect((await labels(t2, after(t2, 'poso.'))).sort()).toEqual(stdBlocks('poso').sort());
    // An unknown alias has no members (rather than every name).
    const t3 = SPEC.replace('poso.mlp(user_id, pc: group, units: [8])', 'nope.');
    expect(await labels(t3, after(t3, 'nope.'))).toEqual([]);
  });

  it('offers the parameters a call still lacks, with type, default and doc', async () => {
    const t = SPEC.replace('poso.mlp(user_id, pc: group, units: [8])', 'poso.mlp(user_id, ');
    const items = await at(t, after(t, 'poso.mlp(user_id, '));
    const params = items.filter((i) => i.label.endsWith(':')).map((i) => i.label);
    // `x` is filled by the positional `user_id`; the rest in declaration order, required first.
    const sorted = items.filter((i) => i.label.endsWith(':')).sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
    expect(sorted).toEqual(['pc:', 'units:', 'act:', 'hidden:', 'scale:']);
    expect(params).toHaveLength(5);
    const hidden = items.find((i) => i.label === 'hidden:')!;
    expect(hidden.detail).toBe('int = 32');
    expect(hidden.documentation).toBe('Hidden width of each gate network.');
    expect(items.find((i) => i.label === 'units:')!.detail).toBe('[int]');
    // Values may go there too: the names in scope follow.
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['group', 'user_id', 'concat']));
    // Named ones already given (before or after the cursor) are not offered again.
    const t2 = SPEC.replace('pc: group, units', 'pc: group, , units');
    expect((await labels(t2, after(t2, 'pc: group, '))).filter((l) => l.endsWith(':'))).toEqual(['act:', 'hidden:', 'scale:']);
  });

  it('offers feature kinds, then each kind’s options, inside `features {}`', async () => {
    const t = SPEC.replace('    clicked: label\n', '    clicked: label\n    extra: \n');
    expect(await labels(t, after(t, 'extra: '))).toEqual(['id', 'seq', 'bucketize', 'dense', 'label']);
    const t2 = SPEC.replace('id(hash: 100, dim: 4)', 'id(hash: 100, ');
    expect(await labels(t2, after(t2, 'id(hash: 100, '))).toEqual(['vocab:', 'dim:', 'column:']);
    // A new line in `features {}` starts a new name: nothing to offer.
    const t3 = SPEC.replace('    clicked: label\n', '    clicked: label\n    \n');
    expect(await labels(t3, after(t3, 'clicked: label\n    '))).toEqual([]);
  });

  it('offers train settings in `train {}` and task kinds after `task t :`', async () => {
    const t = SPEC.replace('{ from: trunk }\n', '{ from: trunk }\n  train {\n    batch: 32\n    \n  }\n');
    const got = await labels(t, after(t, 'batch: 32\n    '));
    expect(got).toEqual(expect.arrayContaining(['optimizer', 'batch', 'epochs', 'split', 'metrics']));
    expect(got).not.toContain('let');
    const t2 = SPEC.replace('task click : binary(label: clicked) { from: trunk }', 'task click : ');
    expect((await labels(t2, after(t2, 'task click : '))).sort()).toEqual(['binary', 'multiclass', 'next_item', 'regression']);
  });

  it('offers the keywords that can start a line where the cursor is', async () => {
    const top = `${SPEC}\n`;
    expect(await labels(top, { line: top.split('\n').length - 1, character: 0 })).toEqual(['use', 'block', 'model']);
    const model = await labels(SPEC, pos(SPEC, '  let trunk', 2));
    expect(model).toEqual(expect.arrayContaining(['features', 'pc', 'let', 'task', 'train']));
    expect(model).not.toContain('return');
    expect(model).not.toContain('trunk');
    const blk = `block twice(x: tensor, n: int) {\n  let y = relu(x)\n  \n  return y\n}\n${SPEC}`;
    const inBlock = await labels(blk, after(blk, 'relu(x)\n  '));
    expect(inBlock).toEqual(expect.arrayContaining(['let', 'for', 'if', 'return', 'y']));
    expect(inBlock).not.toContain('model');
  });

  it('offers exactly the names in scope: earlier bindings, not later ones nor other blocks’ locals', async () => {
    const blk = `block twice(x: tensor, n: int) {\n  let hidden_y = relu(x)\n  for u in [1, 2] {\n    hidden_y = dense(hidden_y, )\n  }\n  return hidden_y\n}\n`;
    const t = `${blk}${SPEC.replace('  let trunk', '  let early = concat()\n  let trunk')}`;
    // In the model: features, the pc, earlier lets, the file's blocks, prelude blocks, builtins.
    const inModel = await labels(t, after(t, 'concat('));
    expect(inModel).toEqual(expect.arrayContaining(['user_id', 'avc', 'clicked', 'group', 'twice', 'poso', 'mlp', 'dense', 'concat', 'true']));
    for (const hidden of ['trunk', 'early', 'hidden_y', 'x', 'n', 'u']) expect(inModel).not.toContain(hidden);
    // In the block, inside the loop: the loop variable, the let, the parameters; no model names.
    const inLoop = await labels(t, after(t, 'dense(hidden_y, '));
    expect(inLoop).toEqual(expect.arrayContaining(['u', 'hidden_y', 'x', 'n', 'units:']));
    for (const hidden of ['user_id', 'group', 'trunk']) expect(inLoop).not.toContain(hidden);
    // After the loop, its variable is gone.
    const afterLoop = await labels(t, pos(t, 'return hidden_y', 7));
    expect(afterLoop).toContain('hidden_y');
    expect(afterLoop).not.toContain('u');
  });
});

describe('completion on a document just opened', () => {
  it('is answered from the resolved tree before the analysis is published', async () => {
    // A spec whose elaboration takes a while; the request comes right behind the didOpen. (That the
    // server answers before it elaborates is checked in-process, where the order is deterministic:
    // lifecycle.test.ts.)
    const { text, lets } = generateSpec(2000);
    const big = c.file('big.rec', text);
    const mark = c.arrivals.length;
    const opened = c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: big, languageId: 'rec', version: 1, text } });
    const items = c.completion(big, after(text, `let v${lets - 1} = `));
    await opened;
    const names = (await items).map((i) => i.label);
    expect((await c.diagnostics(big, 1)).diagnostics).toEqual([]);
    // The server sent the answer before the diagnostics: it did not wait for the elaboration.
    const order = c.arrivals.slice(mark).filter((a) => 'response' in a || (a.method === 'textDocument/publishDiagnostics' && a.uri === big));
    expect(order.map((a) => ('response' in a ? 'completion' : 'diagnostics'))).toEqual(['completion', 'diagnostics']);
    expect(names).toEqual(expect.arrayContaining([`v${lets - 2}`, 'v0', 'group']));
  });
});

describe('completion sent with the edit, before the edit is analysed', () => {
  it('answers from the last analysis with the cursor moved back over the edit: the names in scope where the cursor is now', async () => {
    const text = `block widen(x: tensor) {
  let inner_name = dense(x, 4)
  return inner_name
}

model m {
  features {
    user_id: id(hash: 100, dim: 4)
    clicked: label
  }
  let model_name = widen(user_id)
  let other = model_name
  task click : binary(label: clicked) { from: other }
}
`;
    const uri = c.file('stale.rec', text);
    await c.open(uri, text);
    // An editor pastes a long comment above the block and, in the same write, asks for completion
    // in the block: the new offset, read in the last analysis's tree, would be in the model.
    const comment = `// ${'pasted '.repeat(30)}\n`;
    const now = comment + text.replace('  return inner_name', '  let y = \n  return inner_name');
    expect(text.indexOf('let model_name') < now.indexOf('let y = ') + 'let y = '.length).toBe(true);
    const changed = c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: now }] });
    const items = c.completion(uri, after(now, 'let y = '));
    await changed;
    const names = (await items).map((i) => i.label);
    expect(names).toEqual(expect.arrayContaining(['x', 'inner_name']));
    expect(names).not.toContain('model_name');
    expect(names).not.toContain('user_id');
    await c.diagnostics(uri, 2);
    // and on that analysis, after the edit (the cursor at the same place)
    const settled = await c.labels(uri, after(now, 'let y = '));
    expect(settled).toEqual(expect.arrayContaining(['x', 'inner_name']));
    expect(settled).not.toContain('model_name');
  });
});

describe('the feature option table the server completes from', () => {
  // The checker lists a kind's options when it meets an unknown one; the table must say the same.
  const probes: Record<keyof typeof FEATURE_OPTIONS, string> = {
    id: 'id(zzz: 1, hash: 10, dim: 2)',
    seq: 'seq(id(hash: 10, dim: 2), zzz: 1, max_len: 3)',
    bucketize: 'bucketize(zzz: 1, boundaries: [1], dim: 2)',
    dense: 'dense(zzz: 1, size: 3)',
    label: 'label(zzz: 1)',
  };
  for (const [kind, call] of Object.entries(probes)) {
    it(`matches the checker for \`${kind}\``, () => {
      const a = analyze(`model m {\n  features {\n    x: ${call}\n  }\n}\n`, '/tmp/options.rec');
      const d = a.diagnostics.find((x) => x.code === 'REC3003');
      const listed = [...(d?.hint ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]);
      expect(listed).toEqual(FEATURE_OPTIONS[kind as keyof typeof FEATURE_OPTIONS].map((o) => o.name));
    });
  }
});

// Folding ranges, selection ranges and semantic tokens over the protocol. What each should give is
// written by hand from the spec below (its lines, its brackets, what each name is declared as),
// and the properties every answer must have (ranges inside the text, nested selections, tokens on
// one line each and in order) are checked on every example too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldingRange, Position, SelectionRange, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-protocol/node';
import { holdsRange, LspClient, pos, ROOT } from './lsp-client.js';

const TEXT = `use std.poso
use std.pepnet as pep

/// Widen a tensor.
block widen(x: tensor, n: int = 8) {
  let y = dense(x, n)
  for i in [1, 2] {
    y = y + dense(x, n)
  }
  return relu(y)
}

// two lines
// of comments
model m {
  features {
    user_id: id(hash: 100, dim: 4)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  let wide = widen(user_id, n: 12)// after code: not a fold
  // alone on its line
  let trunk = poso.mlp(
    wide,
    pc: group,
    units: [16, 5],
  )
  let gated = trunk * pep.gate_nu(group, 5)
  task click : binary(label: clicked) { from: gated }
  task watch : regression(
    label: clicked,
  ) {
    from: gated
  }
  /* a block
     comment */
  train { epochs: 2 }
}
`;

let c: LspClient;
let uri: string;
beforeAll(async () => {
  c = await LspClient.start();
  uri = c.file('structure.rec', TEXT);
  expect((await c.open(uri, TEXT)).diagnostics.filter((d) => d.severity === 1)).toEqual([]);
});
afterAll(() => c.stop());

const lines = TEXT.split('\n');
/** 0-based line of the first line holding `needle`. */
const lineOf = (needle: string) => {
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line holds ${needle}`);
  return i;
};

const folding = (u = uri) => c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: u } });
const selection = (positions: Position[], u = uri) => c.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: u }, positions });
const tokens = (u = uri) => c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: u } });

/** The text of a range of `text`. */
function textOf(text: string, r: { start: Position; end: Position }): string {
  const ls = text.split('\n');
  if (r.start.line === r.end.line) return ls[r.start.line]!.slice(r.start.character, r.end.character);
  return [ls[r.start.line]!.slice(r.start.character), ...ls.slice(r.start.line + 1, r.end.line), ls[r.end.line]!.slice(0, r.end.character)].join('\n');
}

/** The chain of a selection range, innermost first, as texts. */
function chain(text: string, s: SelectionRange | undefined): string[] {
  const out: string[] = [];
  for (let x = s; x; x = x.parent) out.push(textOf(text, x.range));
  return out;
}

/** Semantic tokens decoded (the protocol's relative encoding) into line, text, type and modifiers. */
function decode(text: string, t: SemanticTokens, legend: SemanticTokensLegend): [number, string, string, string][] {
  const ls = text.split('\n');
  const out: [number, string, string, string][] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < t.data.length; i += 5) {
    const [dl, dc, len, type, mods] = t.data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    ch = dl === 0 ? ch + dc : dc;
    const names = legend.tokenModifiers.filter((_, k) => mods & (1 << k));
    out.push([line + 1, ls[line]!.slice(ch, ch + len), legend.tokenTypes[type]!, names.join(' ')]);
  }
  return out;
}

describe('folding ranges', () => {
  it('are advertised', () => {
    expect(c.capabilities.foldingRangeProvider).toBe(true);
    expect(c.capabilities.selectionRangeProvider).toBe(true);
    expect(c.capabilities.semanticTokensProvider).toMatchObject({ full: true });
  });

  it('fold each multi-line declaration, section, statement, call and comment run, keeping the closing bracket in sight', async () => {
    const got = (await folding()).map((r) => [r.startLine, r.endLine, r.kind ?? '']);
    expect(got).toEqual([
      [lineOf('use std.poso'), lineOf('use std.pepnet'), 'imports'],
      [lineOf('block widen'), lineOf('return relu'), ''],
      [lineOf('for i in'), lineOf('y = y +'), ''],
      [lineOf('// two lines'), lineOf('// of comments'), 'comment'],
      [lineOf('model m {'), lineOf('train {'), ''],
      [lineOf('features {'), lineOf('clicked: label'), ''],
      [lineOf('let trunk'), lineOf('units: [16, 5]'), ''],
      // the task, not its head, which starts on the same line
      [lineOf('task watch'), lineOf('    from: gated'), ''],
      [lineOf('/* a block'), lineOf('comment */'), 'comment'],
    ]);
  });
});

describe('selection ranges', () => {
  it('grow from the name at the cursor through each enclosing node to the file', async () => {
    const [inArg, inList, inLoop] = await selection([pos(TEXT, 'user_id, n: 12', 2), pos(TEXT, '16, 5', 1), pos(TEXT, 'y + dense')]);
    const model = TEXT.slice(TEXT.indexOf('model m {'), TEXT.lastIndexOf('}') + 1);
    expect(chain(TEXT, inArg)).toEqual(['user_id', 'widen(user_id, n: 12)', 'let wide = widen(user_id, n: 12)', model, TEXT]);
    expect(chain(TEXT, inList)).toEqual(['16', '[16, 5]', 'units: [16, 5]', 'poso.mlp(\n    wide,\n    pc: group,\n    units: [16, 5],\n  )', TEXT.slice(TEXT.indexOf('let trunk'), TEXT.indexOf('  let gated') - 1), model, TEXT]);
    const block = TEXT.slice(TEXT.indexOf('block widen'), TEXT.indexOf('\n}\n') + 2);
    // where a comment touches the code before it, the code's chain
    const [touching] = await selection([pos(TEXT, '// after code')]);
    expect(chain(TEXT, touching)).toEqual(['widen(user_id, n: 12)', 'let wide = widen(user_id, n: 12)', model, TEXT]);
    expect(chain(TEXT, inLoop)).toEqual(['y', 'y + dense(x, n)', 'y = y + dense(x, n)', 'for i in [1, 2] {\n    y = y + dense(x, n)\n  }', block, TEXT]);
  });

  it('answer one range per position, each holding its position', async () => {
    const positions = lines.flatMap((l, line) => [0, Math.floor(l.length / 2), l.length].map((character) => ({ line, character })));
    const got = await selection(positions);
    expect(got).toHaveLength(positions.length);
    got.forEach((s, i) => expectNested(s, positions[i]!));
  });
});

/** Each range of the chain holds the position and is held by the next, the outermost one at most the text. */
function expectNested(s: SelectionRange, at: Position): void {
  expect(holdsRange(s.range, { start: at, end: at }), `${JSON.stringify(s.range)} holds ${JSON.stringify(at)}`).toBe(true);
  for (let x = s; x.parent; x = x.parent) expect(holdsRange(x.parent.range, x.range) && !holdsRange(x.range, x.parent.range)).toBe(true);
}

describe('semantic tokens', () => {
  it('name what each name is: declarations, uses, library blocks and named arguments', async () => {
    const legend = c.capabilities.semanticTokensProvider as { legend: SemanticTokensLegend };
    const got = decode(TEXT, await tokens(), legend.legend);
    const l = (needle: string) => lineOf(needle) + 1;
    expect(got).toEqual([
      [1, 'poso', 'namespace', 'declaration'],
      [2, 'pep', 'namespace', 'declaration'],
      [l('block widen'), 'widen', 'function', 'declaration'],
      [l('block widen'), 'x', 'parameter', 'declaration'],
      [l('block widen'), 'n', 'parameter', 'declaration'],
      [l('let y ='), 'y', 'variable', 'declaration'],
      [l('let y ='), 'dense', 'function', 'defaultLibrary'],
      [l('let y ='), 'x', 'parameter', ''],
      [l('let y ='), 'n', 'parameter', ''],
      [l('for i in'), 'i', 'variable', 'declaration'],
      [l('y = y +'), 'y', 'variable', ''],
      [l('y = y +'), 'y', 'variable', ''],
      [l('y = y +'), 'dense', 'function', 'defaultLibrary'],
      [l('y = y +'), 'x', 'parameter', ''],
      [l('y = y +'), 'n', 'parameter', ''],
      [l('return relu'), 'relu', 'function', 'defaultLibrary'],
      [l('return relu'), 'y', 'variable', ''],
      [l('model m'), 'm', 'class', 'declaration'],
      [l('user_id: id'), 'user_id', 'property', 'declaration readonly'],
      [l('user_id: id'), 'hash', 'parameter', ''],
      [l('user_id: id'), 'dim', 'parameter', ''],
      [l('avc: bucketize'), 'avc', 'property', 'declaration readonly'],
      [l('avc: bucketize'), 'boundaries', 'parameter', ''],
      [l('avc: bucketize'), 'dim', 'parameter', ''],
      [l('clicked: label'), 'clicked', 'property', 'declaration readonly'],
      [l('pc group'), 'group', 'variable', 'declaration readonly'],
      [l('pc group'), 'avc', 'property', 'readonly'],
      [l('let wide'), 'wide', 'variable', 'declaration'],
      [l('let wide'), 'widen', 'function', ''],
      [l('let wide'), 'user_id', 'property', 'readonly'],
      [l('let wide'), 'n', 'parameter', ''],
      [l('let trunk'), 'trunk', 'variable', 'declaration'],
      [l('let trunk'), 'poso', 'namespace', ''],
      [l('let trunk'), 'mlp', 'function', 'defaultLibrary'],
      [l('    wide,'), 'wide', 'variable', ''],
      [l('pc: group'), 'pc', 'parameter', ''],
      [l('pc: group'), 'group', 'variable', 'readonly'],
      [l('units: [16'), 'units', 'parameter', ''],
      [l('let gated'), 'gated', 'variable', 'declaration'],
      [l('let gated'), 'trunk', 'variable', ''],
      [l('let gated'), 'pep', 'namespace', ''],
      [l('let gated'), 'gate_nu', 'function', 'defaultLibrary'],
      [l('let gated'), 'group', 'variable', 'readonly'],
      [l('task click'), 'click', 'event', 'declaration'],
      [l('task click'), 'label', 'parameter', ''],
      [l('task click'), 'clicked', 'property', 'readonly'],
      [l('task click'), 'gated', 'variable', ''],
      [l('task watch'), 'watch', 'event', 'declaration'],
      [l('label: clicked,'), 'label', 'parameter', ''],
      [l('label: clicked,'), 'clicked', 'property', 'readonly'],
      [l('    from: gated'), 'gated', 'variable', ''],
    ]);
  });

  it('follow the text through edits', async () => {
    const edited = TEXT.replace('  let trunk', '  let extra = wide\n  let trunk');
    await c.change(uri, edited);
    try {
      const legend = (c.capabilities.semanticTokensProvider as { legend: SemanticTokensLegend }).legend;
      const got = decode(edited, await tokens(), legend);
      const at = edited.split('\n').findIndex((x) => x.includes('let extra')) + 1;
      expect(got.filter(([line]) => line === at)).toEqual([
        [at, 'extra', 'variable', 'declaration'],
        [at, 'wide', 'variable', ''],
      ]);
      // the lines after the edit moved by one
      expect(got.find(([, t, , m]) => t === 'click' && m === 'declaration')![0]).toBe(lineOf('task click') + 2);
    } finally {
      await c.change(uri, TEXT);
    }
  });
});

describe('on every example', () => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec'));

  it('folding ranges lie in the text, each from a line to a later one; tokens are in order and within one line', async () => {
    for (const f of examples) {
      const text = readFileSync(join(ROOT, 'examples', f), 'utf8');
      const u = c.file(f, text);
      await c.open(u, text);
      const ls = text.split('\n');
      for (const r of await folding(u)) expect(r.startLine < r.endLine && r.endLine < ls.length, `${f}: ${JSON.stringify(r)}`).toBe(true);
      const t = await tokens(u);
      let [line, ch, end] = [0, 0, 0];
      for (let i = 0; i < t.data.length; i += 5) {
        const [dl, dc, len] = t.data.slice(i, i + 3) as [number, number, number];
        if (dl > 0) end = 0;
        line += dl;
        ch = dl === 0 ? ch + dc : dc;
        // after the token before it on its line, and a name of the text
        expect(ch >= end && len > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(ls[line]!.slice(ch, ch + len)), `${f}:${line + 1}:${ch + 1}`).toBe(true);
        end = ch + len;
      }
      const positions = ls.flatMap((l, i) => [{ line: i, character: 0 }, { line: i, character: l.length >> 1 }]);
      (await selection(positions, u)).forEach((s, i) => expectNested(s, positions[i]!));
      await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
    }
    expect(c.logged).toEqual([]);
  });
});

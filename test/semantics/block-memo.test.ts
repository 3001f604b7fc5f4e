// Replaying memoised block calls (src/semantics/block-memo.ts) must give the graph, the values
// and the diagnostics that expanding every call gives: node for node, with spans and traces.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';
import { makeTemplate } from '../../src/semantics/block-memo.js';
import { describe as describeValue, ERROR, type Value } from '../../src/semantics/values.js';
import { generateSpec } from '../../bench/lib/generate-spec.mjs';

const ROOT = join(import.meta.dirname, '../..');
const FILE = '/virtual/memo.rec';

/** Everything an analysis gives that elaboration decides, as comparable text. */
function outcome(text: string, memoise: boolean) {
  const a = analyze(text, FILE, { memoise });
  const g = a.model?.graph;
  const values = a.model ? [...a.ast.items.flatMap((i) => (i.kind === 'Model' ? i.items : []))].flatMap((i) => ('name' in i && i.kind !== 'Task' ? [i.name.name] : [])).map((n) => { const b = a.model!.scope.lookup(n); return b ? `${n}: ${describeValue(b.value)} ${JSON.stringify(b.value)}` : n; }) : [];
  return { diagnostics: JSON.stringify(a.diagnostics), graph: JSON.stringify(g), values, replays: a.model?.elaborator.replays ?? 0 };
}

const header = (body: string) => `use std.poso\nuse std.multitask\nmodel m {\n  features {\n    u: id(hash: 10, dim: 4)\n    p: bucketize(boundaries: [1, 2], dim: 3)\n    hist: seq(id(hash: 50, dim: 6), max_len: 5)\n    clicked: label\n  }\n  pc g = p\n${body}\n}\n`;

const SPECS: Record<string, string> = {
  'the same calls many times': generateSpec(300).text,
  'a changed width in the chain': generateSpec(300).text.replace('let v20 = unit20(v19, group, width: 16)', 'let v20 = unit20(v19, group, width: 17)'),
  'an unknown block in the chain': generateSpec(300).text.replace('let v20 = unit20(', 'let v20 = unitx('),
  // The second `let t` makes the same parameters again: no replay, the duplicate is reported.
  'a let defined twice': header('  let t = poso.gate(g, 4)\n  let t = poso.gate(g, 4)\n  task c : binary(label: clicked) { from: t }'),
  // A block that recurses only for some arguments: its template for 0 must not be replayed
  // under a call of `down` (the recursion is reported).
  'recursion behind a recorded call': `block up(x: tensor, n: int) {\n  return down(x, n)\n}\nblock down(x: tensor, n: int) {\n  if n > 0 {\n    return up(x, n - 1)\n  }\n  return dense(x, 2)\n}\n${header('  let a = up(u, 0)\n  let b = up(u, 0)\n  let c = down(u, 1)\n  task t : binary(label: clicked) { from: concat(a, b) }')}`,
  // Calls inside a let share its counters (`h.dense1` after `h.dense0`); masks follow sequences.
  'shared counters and masks': header('  let h = dense(dense(u, 4), 4)\n  let k = dense(dense(u, 4), 4)\n  let s = mean(dense(hist, 4))\n  let s2 = mean(dense(hist, 4))\n  let m = multitask.mmoe(concat(h, s), experts: 2, units: [4], tasks: 2)\n  task c : binary(label: clicked) { from: concat(k, s2) }'),
  'an error inside a block, twice': header('  let a = poso.mlp(u, pc: hist, units: [4])\n  let b = poso.mlp(u, pc: hist, units: [4])\n  task c : binary(label: clicked) { from: u }'),
};
for (const f of readdirSync(join(ROOT, 'examples')).filter((x) => x.endsWith('.rec'))) SPECS[`examples/${f}`] = readFileSync(join(ROOT, 'examples', f), 'utf8');
for (const f of readdirSync(join(ROOT, 'test/fixtures/specs')).filter((x) => x.endsWith('.rec'))) SPECS[`fixtures/${f}`] = readFileSync(join(ROOT, 'test/fixtures/specs', f), 'utf8');


describe('memoised block calls', () => {
  for (const [name, text] of Object.entries(SPECS)) {
    it(`change nothing: ${name}`, () => {
      const expanded = outcome(text, false);
      const replayed = outcome(text, true);
      expect(expanded.replays).toBe(0);
      expect(replayed.diagnostics).toBe(expanded.diagnostics);
      expect(replayed.values).toEqual(expanded.values);
      expect(replayed.graph).toBe(expanded.graph);
    });
  }

  it('replay most calls of a large spec', () => {
    const { text, lets } = generateSpec(2000);
    const r = outcome(text, true);
    expect(JSON.parse(r.diagnostics)).toEqual([]);
    // Each of the 100 blocks is expanded once; every other `let` is a replay.
    expect(r.replays).toBeGreaterThan(lets - 110);
  });

  it('expand again when a recorded call would recurse under the caller', () => {
    const r = outcome(SPECS['recursion behind a recorded call']!, true);
    expect(JSON.parse(r.diagnostics).map((d: { code: string }) => d.code)).toContain('REC3010');
  });

  // No call in a spec reaches this today: a feature or an error among the arguments leaves the
  // call without a key, and a call that reported is not recorded. The rule stands on its own: a
  // template stands for tensors and compile-time values, never for a feature or an error.
  it('record no call whose result holds a feature or an error, however deep', () => {
    const span = { file: FILE, start: { offset: 0, line: 1, column: 1 }, end: { offset: 1, line: 1, column: 2 } };
    const call = (result: Value) => makeTemplate([], { key: { key: 'k', slots: [] }, path: 'p', site: span, callSpan: span, trace: 0, firstNode: 0, result, entered: new Set(), depth: 0 });
    const feature: Value = { kind: 'feature', spec: { name: 'u' } as never };
    expect(call({ kind: 'list', items: [{ kind: 'int', value: 1 }] })).toBeDefined();
    expect(call({ kind: 'list', items: [{ kind: 'int', value: 1 }, ERROR] })).toBeUndefined();
    expect(call({ kind: 'record', fields: new Map([['a', { kind: 'list', items: [feature] }]]) })).toBeUndefined();
    expect(call(feature)).toBeUndefined();
  });
});

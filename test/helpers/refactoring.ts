// For the refactoring sweeps (extract and inline `let`): a refactored spec must check with no
// error and compute what the spec computed before. A graph is compared as what it computes: each
// node's operation, dtype and shape, and each parameter's shape, sorted. Names and ids are left
// out: a layer's parameters are named after the `let` it is in, and a refactoring moves layers
// between `let`s.
import { expect } from 'vitest';
import type { TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { IRGraph } from '../../src/ir/types.js';
import { analyze } from '../../src/semantics/analyze.js';

export function computedGraph(g: IRGraph): { nodes: string[]; params: string[] } {
  return { nodes: g.nodes.map((n) => `${n.op}:${n.dtype}:${JSON.stringify(n.shape)}`).sort(), params: g.params.map((p) => JSON.stringify(p.shape)).sort() };
}

/** The spec `file` (`text`, which built `before`) with `edits` applied checks with no error and computes the same; `where` names the case. */
export function expectSameModel(file: string, text: string, before: IRGraph, edits: TextEdit[], where: string): void {
  const edited = TextDocument.applyEdits(TextDocument.create('file:///x.rec', 'rec', 1, text), edits);
  const after = analyze(edited, file);
  expect(after.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), where).toEqual([]);
  expect(computedGraph(after.graph!), where).toEqual(computedGraph(before));
}

// For the refactoring sweeps (extract and inline `let`): a refactored spec must check with no
// error and compute what the spec computed before. A graph is compared as what it computes: each
// node's operation, dtype and shape, each parameter's shape, and what each stage of the training
// plan trains and keeps frozen, by shape, sorted. Names and ids are left
// out: a layer's parameters are named after the `let` it is in, and a refactoring moves layers
// between `let`s.
import { expect } from 'vitest';
import type { TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { IRGraph } from '../../src/ir/types.js';
import { analyze } from '../../src/semantics/analyze.js';

export function computedGraph(g: IRGraph): { nodes: string[]; params: string[]; stages: string[] } {
  const shape = new Map(g.params.map((p) => [p.name, JSON.stringify(p.shape)]));
  // What each stage trains and keeps frozen, by shape: a layer moved out of a `let` that a
  // selector names (`freeze: [net]`) would keep its shape and change stage.
  const stages = g.plan.stages.map((s) => `${s.name} trains ${s.trainable.map((n) => shape.get(n)).sort().join(' ')}; keeps ${s.frozen.map((n) => shape.get(n)).sort().join(' ')}`);
  return { nodes: g.nodes.map((n) => `${n.op}:${n.dtype}:${JSON.stringify(n.shape)}`).sort(), params: g.params.map((p) => JSON.stringify(p.shape)).sort(), stages };
}

/** The spec `file` (`text`, which built `before`) with `edits` applied checks with no error and computes the same; `where` names the case. */
export function expectSameModel(file: string, text: string, before: IRGraph, edits: TextEdit[], where: string): void {
  const edited = TextDocument.applyEdits(TextDocument.create('file:///x.rec', 'rec', 1, text), edits);
  const after = analyze(edited, file);
  expect(after.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), where).toEqual([]);
  expect(computedGraph(after.graph!), where).toEqual(computedGraph(before));
}

// verify() is the IR's contract check, run after elaboration and after every pass. Each test
// breaks one invariant of a real graph (a copy of an example's) and checks that verify names
// it, as a message rather than an exception; the graph as compiled verifies clean.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IRGraph } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { analyzeFile } from '../../src/semantics/analyze.js';

const SPEC = join(import.meta.dirname, '../../examples/pepnet-multidomain.rec');
let graph: IRGraph;

beforeAll(() => {
  graph = analyzeFile(SPEC).graph!;
});

/** A deep copy of the graph with one thing changed. */
function broken(change: (g: IRGraph) => void): IRGraph {
  const g = structuredClone(graph);
  change(g);
  return g;
}

/** The first node that takes two inputs (an add, a matmul), for the tests that rewire one. */
const binary = (g: IRGraph) => g.nodes.find((n) => n.inputs.length === 2 && n.op !== 'param')!;

describe('verify', () => {
  it('passes the graph as compiled', () => {
    expect(verify(graph)).toEqual([]);
  });

  it('reports a node whose id is not its index', () => {
    const g = broken((g) => (g.nodes[5]!.id = 6));
    expect(verify(g)).toContain(`node 5 (${g.nodes[5]!.op}): id 6 is not its index`);
  });

  it('reports an input that is a later node, or no node at all, without throwing', () => {
    const later = broken((g) => (binary(g).inputs[1] = binary(g).id + 1));
    const n = binary(later);
    expect(verify(later)).toContain(`node ${n.id} (${n.op}): input ${n.id + 1} is not an earlier node`);
    const missing = broken((g) => (binary(g).inputs[0] = 10 ** 6));
    expect(verify(missing)).toContain(`node ${n.id} (${n.op}): input 1000000 is not an earlier node`);
    expect(verify(broken((g) => (binary(g).inputs[0] = -1)))).toContain(`node ${n.id} (${n.op}): input -1 is not an earlier node`);
  });

  it('reports a batch dimension off axis 0, and a dimension that is not a positive integer', () => {
    const at = graph.nodes.findIndex((n) => n.shape.length === 2 && n.shape[0] === 'batch');
    const op = graph.nodes[at]!.op;
    expect(verify(broken((g) => (g.nodes[at]!.shape = [4, 'batch'])))).toContain(`node ${at} (${op}): batch at axis 1`);
    expect(verify(broken((g) => (g.nodes[at]!.shape = ['batch', 0])))).toContain(`node ${at} (${op}): dimension 0`);
    expect(verify(broken((g) => (g.nodes[at]!.shape = ['batch', 1.5])))).toContain(`node ${at} (${op}): dimension 1.5`);
  });

  it('reports a stored shape or dtype that its op’s shape rule does not give', () => {
    const n = graph.nodes.find((n) => n.op === 'matmul')!;
    const wide = [...n.shape.slice(0, -1), (n.shape.at(-1) as number) + 1];
    expect(verify(broken((g) => (g.nodes[n.id]!.shape = wide)))).toContain(`node ${n.id} (matmul): stored [${wide}] float32 but the rule gives [${n.shape}] float32`);
    expect(verify(broken((g) => (g.nodes[n.id]!.dtype = 'int32')))).toContain(`node ${n.id} (matmul): stored [${n.shape}] int32 but the rule gives [${n.shape}] float32`);
  });

  it('reports an unknown op', () => {
    expect(verify(broken((g) => (g.nodes[3]!.op = 'frobnicate')))).toContain('node 3 (frobnicate): unknown op');
  });

  it('reports parameters declared twice, without a node, or with a node but no declaration', () => {
    const p = graph.params[0]!;
    expect(verify(broken((g) => g.params.push({ ...g.params[0]! })))).toContain(`param ${p.name} declared twice`);
    expect(verify(broken((g) => g.params.push({ ...g.params[0]!, name: 'ghost.kernel' })))).toContain('param ghost.kernel has no node');
    const node = graph.nodes.find((n) => n.op === 'param' && n.attrs.name === p.name)!;
    expect(verify(broken((g) => g.params.splice(0, 1)))).toContain(`node ${node.id} (param): param ${p.name} is not declared`);
  });

  it('reports an entry that needs an input it does not provide', () => {
    const [feature, id] = Object.entries(graph.entries.serve!.inputs)[0]!;
    expect(verify(broken((g) => delete g.entries.serve!.inputs[feature]))).toContain(`entry serve: needs input ${feature} (node ${id}) but does not provide it`);
  });

  it('reports a stage whose optimizers miss a trainable parameter', () => {
    const stage = graph.plan.stages[0]!;
    const g = broken((g) => g.plan.stages[0]!.optimizers[0]!.params.pop());
    expect(verify(g)).toContain(`stage ${stage.name}: the optimizers do not cover its trainable parameters once each`);
  });
});

// Small IR graphs written by hand for the gradient tests: feature inputs, parameters and op
// nodes through the elaborator's GraphBuilder, so each node's shape comes from its op's rule.
import { GraphBuilder, type Site } from '../../src/ir/builder.js';
import type { Attrs, DType, IRGraph, Shape } from '../../src/ir/types.js';
import type { OpExample, ShapeIn } from '../../src/ops/op.js';

const SPAN = { file: 'test.rec', start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
const SITE: Site = { span: SPAN, trace: [], scope: '' };

export class SmallGraph {
  private readonly b = new GraphBuilder();

  input(feature: string, dtype: DType, shape: Shape): number {
    return this.b.input(feature, dtype, shape, SITE).id;
  }

  param(name: string, shape: number[]): number {
    const r = this.b.param(name, shape, { kind: 'zeros' }, 'dense', true, SITE);
    if ('duplicate' in r) throw new Error(`param ${name} twice`);
    return r.node.id;
  }

  add(op: string, inputs: number[], attrs: Attrs = {}): number {
    const r = this.b.add(op, inputs, attrs, SITE);
    if ('error' in r) throw new Error(`${op}: ${r.error}`);
    return r.node.id;
  }

  /** Σ of every element of x: a scalar objective. */
  sum(x: number): number {
    const rank = this.b.nodes[x]!.shape.length;
    return this.add('sum_to', [x], { shape: [], axes: Array.from({ length: rank }, (_, i) => i) });
  }

  graph(): IRGraph {
    return {
      model: 'test',
      file: SPAN.file,
      features: [],
      inputs: Object.fromEntries(this.b.inputs.map((n) => [String(n.attrs.feature), n.id])),
      nodes: this.b.nodes,
      params: this.b.params,
      tasks: [],
      train: {} as IRGraph['train'],
      pcs: [],
      instances: [],
    };
  }
}

/** Batched and int inputs of an op example are feature inputs; unbatched floats (weights) are parameters. */
export const isGraphInput = (s: ShapeIn) => s.shape[0] === 'batch' || s.dtype === 'int32';

/** The name of an example's input i in an op graph: `in<i>` (a feature input) or `p<i>` (a parameter). */
export const exampleInputName = (e: OpExample, i: number) => (isGraphInput(e.inputs[i]!) ? `in${i}` : `p${i}`);

/** One node of `op` on an example's inputs. */
export function opGraph(op: string, e: OpExample): { s: SmallGraph; y: number } {
  const s = new SmallGraph();
  const ids = e.inputs.map((inp, i) => (isGraphInput(inp) ? s.input(exampleInputName(e, i), inp.dtype, inp.shape) : s.param(exampleInputName(e, i), inp.shape as number[])));
  return { s, y: s.add(op, ids, e.attrs) };
}

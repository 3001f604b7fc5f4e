// A trained weight, declared in the IR's parameter list and named by its path.
import type { OpDef } from './op.js';

export const param: OpDef = {
  name: 'param',
  doc: 'A parameter (weight) of the model.',
  infer: (_ins, attrs) => ({ shape: attrs.shape as number[], dtype: 'float32' }),
  flops: () => 0,
  tfjs: (_tf, _ins, attrs, _node, ctx) => ctx.param(String(attrs.name)),
  onnx: (_tape, _ins, attrs, _node, ctx) => ctx.param(String(attrs.name)),
  examples: [],
};

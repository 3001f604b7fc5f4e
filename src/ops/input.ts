// A feature as the graph receives it (ids after preprocessing, or a dense vector).
import type { DType, Shape } from '../ir/types.js';
import type { OpDef } from './op.js';

export const input: OpDef = {
  name: 'input',
  doc: 'A model input: one feature (int32 ids or a float32 vector).',
  infer: (_ins, attrs) => ({
    shape: (attrs.shape as number[]).map((d, i) => (d === -1 && i === 0 ? 'batch' : d)) as Shape,
    dtype: attrs.dtype as DType,
  }),
  flops: () => 0,
  tfjs: (_tf, _ins, attrs, _node, ctx) => ctx.input(String(attrs.feature)),
  onnx: (_tape, _ins, attrs, _node, ctx) => ctx.input(String(attrs.feature)),
  examples: [],
};

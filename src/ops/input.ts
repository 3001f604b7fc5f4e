// A feature as the graph receives it (ids after preprocessing, or a dense vector).
import type { Shape } from '../ir/types.js';
import type { OpDef } from './op.js';
import { intsAttr } from './shapes.js';

export const input: OpDef = {
  name: 'input',
  doc: 'A model input: one feature (int32 ids or a float32 vector).',
  infer(_ins, attrs) {
    const shape = intsAttr(attrs, 'shape');
    if (typeof attrs.feature !== 'string' || (attrs.dtype !== 'int32' && attrs.dtype !== 'float32')) {
      return { error: 'input needs a feature name and a dtype (int32 or float32)', code: 'REC4002' };
    }
    if (!shape || shape.some((d, i) => (i === 0 ? d !== -1 && d <= 0 : d <= 0))) return { error: `input \`${attrs.feature}\`: bad shape [${String(attrs.shape)}]`, code: 'REC4003' };
    return { shape: shape.map((d, i) => (d === -1 && i === 0 ? 'batch' : d)) as Shape, dtype: attrs.dtype };
  },
  flops: () => 0,
  tfjs: (_tf, _ins, attrs, _node, ctx) => ctx.input(String(attrs.feature)),
  onnx: (_tape, _ins, attrs, _node, ctx) => ctx.input(String(attrs.feature)),
  // a leaf: nothing to pass back to
  vjp: () => [],
  // A graph leaf: exercised by every model-level parity test (test/lower/model-parity.test.ts).
  examples: [],
};

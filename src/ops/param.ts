// A trained weight, declared in the IR's parameter list and named by its path.
import type { OpDef } from './op.js';
import { intsAttr } from './shapes.js';

export const param: OpDef = {
  name: 'param',
  doc: 'A parameter (weight) of the model.',
  infer(_ins, attrs) {
    const shape = intsAttr(attrs, 'shape');
    if (typeof attrs.name !== 'string' || !shape || shape.some((d) => d <= 0)) return { error: `parameter ${String(attrs.name)}: bad shape [${String(attrs.shape)}]`, code: 'REC4003' };
    return { shape, dtype: 'float32' };
  },
  flops: () => 0,
  tfjs: (_tf, _ins, attrs, _node, ctx) => ctx.param(String(attrs.name)),
  onnx: (_tape, _ins, attrs, _node, ctx) => ctx.param(String(attrs.name)),
  // a leaf: nothing to pass back to
  vjp: () => [],
  // A graph leaf: exercised by every model-level parity test (test/lower/model-parity.test.ts).
  examples: [],
};

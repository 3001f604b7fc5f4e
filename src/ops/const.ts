// A float32 constant (scalars from `2.0 * x`, masks' biases).
import type { OpDef } from './op.js';
import { intsAttr, numbersAttr } from './shapes.js';

export const constant: OpDef = {
  name: 'const',
  doc: 'A float32 constant tensor.',
  infer(_ins, attrs) {
    const shape = intsAttr(attrs, 'shape');
    const value = numbersAttr(attrs, 'value');
    if (!shape || !value || shape.some((d) => d <= 0)) return { error: 'a constant needs finite values and a shape of positive sizes', code: 'REC3008' };
    const n = shape.reduce((a, b) => a * b, 1);
    if (value.length !== n) return { error: `a constant of shape [${shape.join(', ')}] needs ${n} values, found ${value.length}`, code: 'REC3008' };
    return { shape, dtype: 'float32' };
  },
  flops: () => 0,
  tfjs: (tf, _ins, attrs) => tf.tensor(attrs.value as number[], attrs.shape as number[], 'float32'),
  onnx: (tape, _ins, attrs) => tape.constFloat(attrs.value as number[], attrs.shape as number[]),
  // a leaf: nothing to pass back to
  vjp: () => [],
  examples: [
    { inputs: [], attrs: { value: [0.5, -2, 3], shape: [3] } },
    { inputs: [], attrs: { value: [2], shape: [] }, note: 'a scalar' },
  ],
};

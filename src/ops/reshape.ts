// A new shape for the non-batch axes; attrs.shape starts with -1 for the batch axis.
import { showShape, type OpDef } from './op.js';
import { elements, intsAttr } from './shapes.js';

export const reshape: OpDef = {
  name: 'reshape',
  doc: 'Reshape the non-batch axes.',
  infer([x], attrs) {
    const target = intsAttr(attrs, 'shape');
    if (!x || !target) return { error: 'reshape takes one tensor and a target shape', code: 'REC4002' };
    if (x.shape[0] !== 'batch' || target[0] !== -1) return { error: `reshape keeps the batch axis first: cannot reshape ${showShape(x.shape)} to [${target.join(', ')}]`, code: 'REC4002' };
    const rest = target.slice(1);
    if (rest.some((d) => d <= 0)) return { error: `reshape to [batch, ${rest.join(', ')}]: dimensions must be positive`, code: 'REC4003' };
    const n = rest.reduce((a, b) => a * b, 1);
    if (n !== elements(x.shape)) return { error: `cannot reshape ${showShape(x.shape)} (${elements(x.shape)} values per sample) to [batch, ${rest.join(', ')}] (${n})`, code: 'REC4001' };
    return { shape: ['batch', ...rest], dtype: x.dtype };
  },
  flops: () => 0,
  tfjs: (tf, [x], attrs) => tf.reshape(x!, [x!.shape[0]!, ...(attrs.shape as number[]).slice(1)]),
  // 0 copies the batch size from the input.
  onnx: (tape, [x], attrs) => tape.op('Reshape', [x!, tape.constInt64([0, ...(attrs.shape as number[]).slice(1)], [(attrs.shape as number[]).length])]),
  vjp: (g, [x], _y, dy) => [g.add('reshape', [dy], { shape: [-1, ...g.shape(x!).slice(1)] as number[] })],
  examples: [
    { inputs: [{ shape: ['batch', 12], dtype: 'float32' }], attrs: { shape: [-1, 3, 4] } },
    { inputs: [{ shape: ['batch', 2, 6], dtype: 'float32' }], attrs: { shape: [-1, 2, 3, 2] } },
  ],
};

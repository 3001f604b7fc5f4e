// [batch, d1, d2, …] → [batch, d1·d2·…].
import type { OpDef } from './op.js';
import { elements } from './shapes.js';

export const flatten: OpDef = {
  name: 'flatten',
  doc: 'Flatten all non-batch axes into one.',
  infer: ([x]) => (x && x.shape[0] === 'batch' ? { shape: ['batch', elements(x.shape)], dtype: x.dtype } : { error: 'flatten needs a batched tensor', code: 'REC4002' }),
  flops: () => 0,
  tfjs: (tf, [x]) => tf.reshape(x!, [x!.shape[0]!, -1]),
  onnx: (tape, [x]) => tape.op('Flatten', [x!], { axis: 1 }),
  vjp: (g, [x], _y, dy) => [g.add('reshape', [dy], { shape: [-1, ...g.shape(x!).slice(1)] as number[] })],
  examples: [{ inputs: [{ shape: ['batch', 2, 3, 4], dtype: 'float32' }], attrs: {} }],
};

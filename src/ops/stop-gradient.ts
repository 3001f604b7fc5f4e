// Identity forward, zero gradient (PEPNet's ∅ on the EPNet output). TensorFlow.js has no
// stopGradient: a customGrad whose gradient is zeros (runtime-notes.md).
import type { OpDef } from './op.js';

export const stopGradient: OpDef = {
  name: 'stop_gradient',
  doc: 'x forward; no gradient flows back.',
  infer: ([x]) => (x ? { shape: x.shape, dtype: x.dtype } : { error: 'stop_gradient takes one tensor', code: 'REC4002' }),
  flops: () => 0,
  tfjs: (tf, [x]) => tf.customGrad((v) => ({ value: (v as typeof x)!.clone(), gradFunc: (dy) => tf.zerosLike(dy as typeof x) }))(x!),
  onnx: (tape, [x]) => tape.op('Identity', [x!]),
  examples: [{ inputs: [{ shape: ['batch', 5], dtype: 'float32' }], attrs: {} }],
};

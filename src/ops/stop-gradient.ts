// Identity forward, zero gradient (PEPNet's ∅ on the EPNet output). TensorFlow.js has no
// stopGradient: a customGrad whose gradient is zeros, which stays zero under nested
// (higher-order) tf.grad (runtime-notes.md).
import type { OpDef, Tensor, TF } from './op.js';

/** Identity forward, zero gradient, on TensorFlow.js. */
export function stopGradientTf<T extends Tensor>(tf: TF, x: T): T {
  const f = tf.customGrad((v) => ({ value: (v as Tensor).clone(), gradFunc: (dy) => tf.zerosLike(dy as Tensor) }));
  return f(x) as T;
}

export const stopGradient: OpDef = {
  name: 'stop_gradient',
  doc: 'x forward; no gradient flows back.',
  infer: ([x]) => (x ? { shape: x.shape, dtype: x.dtype } : { error: 'stop_gradient takes one tensor', code: 'REC4002' }),
  flops: () => 0,
  tfjs: (tf, [x]) => stopGradientTf(tf, x!),
  onnx: (tape, [x]) => tape.op('Identity', [x!]),
  vjp: () => [undefined],
  constantInputs: { 0: 'stop_gradient passes no gradient back: that is what it is for' },
  examples: [{ inputs: [{ shape: ['batch', 5], dtype: 'float32' }], attrs: {} }],
};

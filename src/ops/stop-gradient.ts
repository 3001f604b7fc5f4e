// Identity forward, zero gradient (PEPNet's ∅ on the EPNet output). TensorFlow.js has no
// stopGradient: the shared helper is a customGrad whose gradient is zeros (runtime-notes.md).
import { stopGradient as stopGradientTf } from '../lower/tfjs/stop-gradient.js';
import type { OpDef } from './op.js';

export const stopGradient: OpDef = {
  name: 'stop_gradient',
  doc: 'x forward; no gradient flows back.',
  infer: ([x]) => (x ? { shape: x.shape, dtype: x.dtype } : { error: 'stop_gradient takes one tensor', code: 'REC4002' }),
  flops: () => 0,
  tfjs: (tf, [x]) => stopGradientTf(tf, x!),
  onnx: (tape, [x]) => tape.op('Identity', [x!]),
  examples: [{ inputs: [{ shape: ['batch', 5], dtype: 'float32' }], attrs: {} }],
};

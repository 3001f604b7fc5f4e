// Layer normalisation over the last axis with given scale and shift.
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

export const layerNorm: OpDef = {
  name: 'layer_norm',
  doc: '(x - mean) / sqrt(var + epsilon) * gamma + beta over the last axis.',
  infer([x, g, b], attrs) {
    if (!x || !g || !b) return { error: 'layer_norm takes x, gamma and beta', code: 'REC4002' };
    const eps = attrs.epsilon ?? 1e-5;
    if (typeof eps !== 'number' || !(eps > 0)) return { error: `layer_norm: epsilon must be a positive number, found ${String(attrs.epsilon)}`, code: 'REC3008' };
    const d = x.shape[x.shape.length - 1];
    if (g.shape.length !== 1 || b.shape.length !== 1 || g.shape[0] !== d || b.shape[0] !== d) {
      return { error: `layer_norm: gamma ${showShape(g.shape)} and beta ${showShape(b.shape)} must be [${d}] for ${showShape(x.shape)}`, code: 'REC4001' };
    }
    return { shape: x.shape, dtype: 'float32' };
  },
  // mean, centre, square, variance, normalise, scale, shift: about 8 per element
  flops: ([x]) => 8 * elements(x!),
  tfjs(tf, [x, g, b], attrs) {
    const { mean, variance } = tf.moments(x!, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x!, mean), tf.sqrt(tf.add(variance, Number(attrs.epsilon ?? 1e-5)))), g!), b!);
  },
  onnx: (tape, [x, g, b], attrs) => tape.op('LayerNormalization', [x!, g!, b!], { axis: -1, epsilon: { float: Number(attrs.epsilon ?? 1e-5) } }),
  examples: [
    { inputs: [{ shape: ['batch', 6], dtype: 'float32' }, { shape: [6], dtype: 'float32' }, { shape: [6], dtype: 'float32' }], attrs: { epsilon: 1e-5 } },
    { inputs: [{ shape: ['batch', 3, 4], dtype: 'float32' }, { shape: [4], dtype: 'float32' }, { shape: [4], dtype: 'float32' }], attrs: { epsilon: 1e-3 } },
    { inputs: [{ shape: ['batch', 5, 8], dtype: 'float32' }, { shape: [8], dtype: 'float32' }, { shape: [8], dtype: 'float32' }], attrs: { epsilon: 1e-8 }, note: "NextItNet's: over the channels of a sequence, ε = 1e-8" },
  ],
};

// Layer normalisation over the last axis with given scale and shift.
import { showShape, type OpDef } from './op.js';
import { keepAxis, scalar, scale, sumTo } from './grad-helpers.js';
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
  // x̂ = (x − μ) r with r = 1/√(σ² + ε), recomputed in IR ops (so a second derivative sees how it
  // depends on x); then ∂γ = Σ dy x̂, ∂β = Σ dy, and with d = dy γ:
  // ∂x = r (d − mean(d) − x̂ mean(d x̂)), means over the last axis.
  vjp(b, [x, gamma], _y, dy, attrs) {
    const shape = b.shape(x!);
    const n = shape[shape.length - 1] as number;
    const row = keepAxis(shape, shape.length - 1);
    const mean = (v: number) => scale(b, sumTo(b, v, row), 1 / n);
    const xc = b.add('sub', [x!, mean(x!)]);
    const variance = mean(b.add('mul', [xc, xc]));
    const r = b.add('div', [scalar(b, 1), b.add('sqrt', [b.add('add', [variance, scalar(b, Number(attrs.epsilon ?? 1e-5))])])]);
    const xhat = b.add('mul', [xc, r]);
    const d = b.add('mul', [dy, gamma!]);
    const dx = b.add('mul', [r, b.add('sub', [b.add('sub', [d, mean(d)]), b.add('mul', [xhat, mean(b.add('mul', [d, xhat]))])])]);
    const param = b.shape(gamma!);
    return [dx, sumTo(b, b.add('mul', [dy, xhat]), param), sumTo(b, dy, param)];
  },
  examples: [
    { inputs: [{ shape: ['batch', 6], dtype: 'float32' }, { shape: [6], dtype: 'float32' }, { shape: [6], dtype: 'float32' }], attrs: { epsilon: 1e-5 } },
    { inputs: [{ shape: ['batch', 3, 4], dtype: 'float32' }, { shape: [4], dtype: 'float32' }, { shape: [4], dtype: 'float32' }], attrs: { epsilon: 1e-3 } },
    { inputs: [{ shape: ['batch', 5, 8], dtype: 'float32' }, { shape: [8], dtype: 'float32' }, { shape: [8], dtype: 'float32' }], attrs: { epsilon: 1e-8 }, note: "NextItNet's: over the channels of a sequence, ε = 1e-8" },
  ],
};

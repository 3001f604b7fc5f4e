// GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). PeterRec's model patch uses it
// (the official code's ops.py `gelu`, BERT's approximation; not the erf form). ONNX opset 17
// has no Gelu (it comes in opset 20), so both forms compose it from the same arithmetic.
import { scalar, scale } from './grad-helpers.js';
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

export const gelu: OpDef = {
  name: 'gelu',
  doc: 'gelu(x): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), element-wise (the tanh form).',
  surface: { name: 'gelu', inputs: ['x'], doc: 'gelu(x): the Gaussian error linear unit, tanh form 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), element-wise.' },
  infer: ([x]) => (x && x.dtype === 'float32' ? { shape: x.shape, dtype: 'float32' } : { error: `gelu expects one float tensor${x ? `, found ${x.dtype} ${showShape(x.shape)}` : ''}`, code: 'REC4002' }),
  // x³ (2), ·A, +x, ·C, tanh, +1, ·x, ·0.5
  flops: (_ins, out) => 9 * elements(out),
  // x³ as x·x·x (the official code writes tf.pow(x, 3)): products only, whose gradients are
  // products again, where pow's gradient brings in a log of the base for the exponent's gradient.
  tfjs(tf, [x]) {
    const cube = tf.mul(x!, tf.mul(x!, x!));
    const cdf = tf.mul(0.5, tf.add(1, tf.tanh(tf.mul(C, tf.add(x!, tf.mul(A, cube))))));
    return tf.mul(x!, cdf);
  },
  onnx(tape, [x]) {
    const k = (v: number) => tape.constFloat([v], []);
    const cube = tape.op('Mul', [x!, tape.op('Mul', [x!, x!])]);
    const inner = tape.op('Mul', [k(C), tape.op('Add', [x!, tape.op('Mul', [k(A), cube])])]);
    const cdf = tape.op('Mul', [k(0.5), tape.op('Add', [k(1), tape.op('Tanh', [inner])])]);
    return tape.op('Mul', [x!, cdf]);
  },
  // With u = C·(x + A·x³), t = tanh(u) and Φ = 0.5·(1 + t):
  // ∂y/∂x = Φ + x · 0.5·(1 − t²) · C·(1 + 3A·x²), recomputed from x in IR ops (second order).
  vjp(b, [x], _y, dy) {
    const x2 = b.add('mul', [x!, x!]);
    const u = scale(b, b.add('add', [x!, scale(b, b.add('mul', [x!, x2]), A)]), C);
    const t = b.add('tanh', [u]);
    const cdf = scale(b, b.add('add', [scalar(b, 1), t]), 0.5);
    const du = scale(b, b.add('add', [scalar(b, 1), scale(b, x2, 3 * A)]), C);
    const dt = b.add('sub', [scalar(b, 1), b.add('mul', [t, t])]);
    const slope = b.add('add', [cdf, b.add('mul', [x!, scale(b, b.add('mul', [dt, du]), 0.5)])]);
    return [b.add('mul', [dy, slope])];
  },
  examples: [
    { inputs: [{ shape: ['batch', 7], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: ['batch', 3, 5], dtype: 'float32' }], attrs: {} },
  ],
};

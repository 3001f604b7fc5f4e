import { binaryOp } from './elementwise.js';
import { scale, sumTo } from './grad-helpers.js';

// y = a / b: ∂/∂a = dy / b, ∂/∂b = −dy · a / b² = −(dy / b) · y.
export const div = binaryOp('div', '/', 'a / b (element-wise) with broadcasting.', (tf, a, b) => tf.div(a, b), 'Div', (g, [a, b], y, dy) => {
  const q = g.add('div', [dy, b!]);
  return [sumTo(g, q, g.shape(a!)), scale(g, sumTo(g, g.add('mul', [q, y]), g.shape(b!)), -1)];
});

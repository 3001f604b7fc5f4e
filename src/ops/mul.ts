import { binaryOp } from './elementwise.js';
import { sumTo } from './grad-helpers.js';

export const mul = binaryOp('mul', '*', 'a * b (element-wise) with broadcasting.', (tf, a, b) => tf.mul(a, b), 'Mul', (g, [a, b], _y, dy) => [
  sumTo(g, g.add('mul', [dy, b!]), g.shape(a!)),
  sumTo(g, g.add('mul', [dy, a!]), g.shape(b!)),
]);

import { binaryOp } from './elementwise.js';
import { scale, sumTo } from './grad-helpers.js';

export const sub = binaryOp('sub', '-', 'a - b with broadcasting.', (tf, a, b) => tf.sub(a, b), 'Sub', (g, [a, b], _y, dy) => [
  sumTo(g, dy, g.shape(a!)),
  scale(g, sumTo(g, dy, g.shape(b!)), -1),
]);

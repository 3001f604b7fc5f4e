import { binaryOp } from './elementwise.js';
import { sumTo } from './grad-helpers.js';

export const add = binaryOp('add', '+', 'a + b with broadcasting.', (tf, a, b) => tf.add(a, b), 'Add', (g, [a, b], _y, dy) => [sumTo(g, dy, g.shape(a!)), sumTo(g, dy, g.shape(b!))]);

import { binaryOp } from './elementwise.js';

export const add = binaryOp('add', '+', 'a + b with broadcasting.', (tf, a, b) => tf.add(a, b), 'Add');

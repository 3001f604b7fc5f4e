import { binaryOp } from './elementwise.js';

export const sub = binaryOp('sub', '-', 'a - b with broadcasting.', (tf, a, b) => tf.sub(a, b), 'Sub');

import { binaryOp } from './elementwise.js';

export const mul = binaryOp('mul', '*', 'a * b (element-wise) with broadcasting.', (tf, a, b) => tf.mul(a, b), 'Mul');

import { binaryOp } from './elementwise.js';

export const div = binaryOp('div', '/', 'a / b (element-wise) with broadcasting.', (tf, a, b) => tf.div(a, b), 'Div');

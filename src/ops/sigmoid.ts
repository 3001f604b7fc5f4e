import { unaryOp } from './elementwise.js';

export const sigmoid = unaryOp('sigmoid', 'sigmoid(x): 1 / (1 + e^-x), element-wise.', (tf, x) => tf.sigmoid(x), 'Sigmoid');

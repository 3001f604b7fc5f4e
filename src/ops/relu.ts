import { unaryOp } from './elementwise.js';

export const relu = unaryOp('relu', 'relu(x): max(x, 0), element-wise.', (tf, x) => tf.relu(x), 'Relu');

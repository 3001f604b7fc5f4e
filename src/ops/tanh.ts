import { unaryOp } from './elementwise.js';

export const tanh = unaryOp('tanh', 'tanh(x): the hyperbolic tangent, element-wise.', (tf, x) => tf.tanh(x), 'Tanh');

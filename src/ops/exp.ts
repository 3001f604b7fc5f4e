import { unaryOp } from './elementwise.js';

export const exp = unaryOp('exp', 'exp(x): e^x, element-wise.', (tf, x) => tf.exp(x), 'Exp', (g, _x, y, dy) => [g.add('mul', [dy, y])]);

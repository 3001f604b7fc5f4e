import { unaryOp } from './elementwise.js';
import { scalar } from './grad-helpers.js';

// dy · (1 − y²)
export const tanh = unaryOp('tanh', 'tanh(x): the hyperbolic tangent, element-wise.', (tf, x) => tf.tanh(x), 'Tanh', (g, _x, y, dy) => [
  g.add('mul', [dy, g.add('sub', [scalar(g, 1), g.add('mul', [y, y])])]),
]);

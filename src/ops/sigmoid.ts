import { unaryOp } from './elementwise.js';
import { scalar } from './grad-helpers.js';

// dy · y (1 − y), from the output node y, which stays differentiable (it is a node of the graph).
export const sigmoid = unaryOp('sigmoid', 'sigmoid(x): 1 / (1 + e^-x), element-wise.', (tf, x) => tf.sigmoid(x), 'Sigmoid', (g, _x, y, dy) => [
  g.add('mul', [dy, g.add('mul', [y, g.add('sub', [scalar(g, 1), y])])]),
]);

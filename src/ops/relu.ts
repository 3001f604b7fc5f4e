import { unaryOp } from './elementwise.js';
import { scalar } from './grad-helpers.js';

// The gradient is dy where x > 0 (0 at x = 0, as TensorFlow.js and PyTorch take it).
export const relu = unaryOp('relu', 'relu(x): max(x, 0), element-wise.', (tf, x) => tf.relu(x), 'Relu', (g, [x], _y, dy) => [
  g.add('mul', [dy, g.add('compare', [x!, scalar(g, 0)], { mode: 'gt' })]),
]);

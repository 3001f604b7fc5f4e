// The square root (layer_norm's gradient divides by the standard deviation).
import { unaryOp } from './elementwise.js';
import { scale } from './grad-helpers.js';
import type { OpDef } from './op.js';

const positive = { min: 0.05, max: 3 };

export const sqrt = {
  // dy / (2 √x)
  ...unaryOp('sqrt', 'sqrt(x): the square root, element-wise.', (tf, x) => tf.sqrt(x), 'Sqrt', (g, _x, y, dy) => [g.add('div', [scale(g, dy, 0.5), y])]),
  // not a language builtin (yet): the gradient needs it, users have not asked for it
  surface: undefined,
  examples: [
    { inputs: [{ shape: ['batch', 7], dtype: 'float32' }], attrs: {}, ranges: [positive] },
    { inputs: [{ shape: ['batch', 3, 5], dtype: 'float32' }], attrs: {}, ranges: [positive] },
  ],
} satisfies OpDef;

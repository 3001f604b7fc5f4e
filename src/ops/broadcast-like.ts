// x broadcast to the shape of `like` (whose batch size is known only when the graph runs): the
// gradient of a sum (sum_to, reduce). Only like's shape is read, so no gradient flows to it.
import { showShape, type OpDef } from './op.js';
import { sumTo } from './grad-helpers.js';
import { broadcast } from './shapes.js';

export const broadcastLike: OpDef = {
  name: 'broadcast_like',
  doc: 'x broadcast to the shape of a second tensor.',
  infer([x, like]) {
    if (!x || !like) return { error: 'broadcast_like takes a tensor and one whose shape it takes', code: 'REC4002' };
    const b = broadcast(x.shape, like.shape);
    if (!b || b.join() !== like.shape.join()) return { error: `broadcast_like: ${showShape(x.shape)} does not broadcast to ${showShape(like.shape)}`, code: 'REC4001' };
    return { shape: like.shape, dtype: x.dtype };
  },
  flops: () => 0,
  tfjs: (tf, [x, like]) => tf.broadcastTo(x!, like!.shape),
  onnx: (tape, [x, like]) => tape.op('Expand', [x!, tape.op('Shape', [like!])]),
  vjp: (b, [x], _y, dy) => [sumTo(b, dy, b.shape(x!)), undefined],
  examples: [
    { inputs: [{ shape: ['batch', 1, 3], dtype: 'float32' }, { shape: ['batch', 4, 3], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: [3], dtype: 'float32' }, { shape: ['batch', 3], dtype: 'float32' }], attrs: {}, note: 'a weight to every row' },
    { inputs: [{ shape: [], dtype: 'float32' }, { shape: ['batch', 2, 3], dtype: 'float32' }], attrs: {}, note: 'a scalar' },
  ],
};

// The objective of a per-sample loss: the mean of all its elements, the batch axis included → a
// scalar []. The TensorFlow.js form is tf.mean, as train/losses.ts takes it, so that
// batch_mean(bce_logits(z, y)) is the same float as today's loss.
import { scalar, sumTo } from './grad-helpers.js';
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

export const batchMean: OpDef = {
  name: 'batch_mean',
  doc: 'batch_mean(x): the mean of all elements, batch included → a scalar.',
  infer: ([x]) => (x && x.dtype === 'float32' ? { shape: [], dtype: 'float32' } : { error: `batch_mean takes one float tensor${x ? `, found ${x.dtype} ${showShape(x.shape)}` : ''}`, code: 'REC4002' }),
  flops: ([x]) => elements(x!),
  tfjs: (tf, [x]) => tf.mean(x!),
  // ReduceMean without axes reduces every axis.
  onnx: (tape, [x]) => tape.op('ReduceMean', [x!], { keepdims: 0 }),
  // dy / n at every element, n = the number of elements (the batch size is known when the graph
  // runs, so n is counted: Σ of ones like x)
  vjp(b, [x], _y, dy) {
    const n = sumTo(b, b.add('broadcast_like', [scalar(b, 1), x!]), []);
    return [b.add('broadcast_like', [b.add('div', [dy, n]), x!])];
  },
  examples: [
    { inputs: [{ shape: ['batch'], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: ['batch', 4, 2], dtype: 'float32' }], attrs: {} },
  ],
};

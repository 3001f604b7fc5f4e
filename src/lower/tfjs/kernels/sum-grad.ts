// The gradient of Sum with its ones made by the backend. Stock tfjs multiplies the reshaped dy by
// tf.ones(x.shape), an array filled in JavaScript and uploaded at every call: for the 8 pooled
// bags of the POSO reference model, 8 × 49 152 values per step. tf.onesLike is one OnesLike kernel
// on the backend's own memory. (A broadcast through Tile would skip the multiplication, but wasm
// runs Tile in JavaScript element by element: it made a training step 20 % slower.)
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

export function sumGrad(stock: GradConfig): GradConfig {
  return {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x] = saved as [Tensor];
      if (x.dtype !== 'float32') return stock.gradFunc(dy, saved, attrs);
      const { axis } = attrs as unknown as { axis: number | number[] | null };
      // null: every axis (tf.sum(x))
      const axes = tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape);
      const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      return { x: () => tf.mul(tf.reshape(dy as Tensor, kept), tf.onesLike(x)) };
    },
  };
}

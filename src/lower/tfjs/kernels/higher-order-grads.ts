// Gradients that nest. Stock tfjs differentiates Sigmoid, Tanh, Exp and Softmax from their saved
// OUTPUT; the engine links that saved copy to the output on the tape before the op's own node,
// so a nested tf.grad never sees how the output depends on the input and silently drops the
// second-order terms (runtime-notes.md: a MAML step off by 2e-2). These save the INPUT and
// recompute the output inside the gradient, where the outer tape records it.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

const one = (dy: Tensor | Tensor[]): Tensor => dy as Tensor;

export const sigmoidGrad: GradConfig = {
  kernelName: 'Sigmoid',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    return {
      x: () => {
        const y = tf.sigmoid(x);
        return tf.mul(one(dy), tf.mul(y, tf.sub(1, y)));
      },
    };
  },
};

export const tanhGrad: GradConfig = {
  kernelName: 'Tanh',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    return { x: () => tf.mul(one(dy), tf.sub(1, tf.square(tf.tanh(x)))) };
  },
};

export const expGrad: GradConfig = {
  kernelName: 'Exp',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    return { x: () => tf.mul(one(dy), tf.exp(x)) };
  },
};

export const softmaxGrad: GradConfig = {
  kernelName: 'Softmax',
  inputsToSave: ['logits'],
  gradFunc: (dy, saved, attrs: NamedAttrMap) => {
    const [logits] = saved as [Tensor];
    const { dim } = attrs as unknown as { dim: number };
    return {
      logits: () => {
        const y = tf.softmax(logits, dim);
        const dyTimesY = tf.mul(one(dy), y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
      },
    };
  },
};

/** The LogSoftmax kernel (run by tfjs-converter graphs; tf.logSoftmax itself is a customGrad: see src/ops/log-softmax.ts). */
export const logSoftmaxGrad: GradConfig = {
  kernelName: 'LogSoftmax',
  inputsToSave: ['logits'],
  gradFunc: (dy, saved, attrs: NamedAttrMap) => {
    const [logits] = saved as [Tensor];
    const { axis } = attrs as unknown as { axis: number };
    return { logits: () => tf.sub(one(dy), tf.mul(tf.sum(one(dy), axis, true), tf.softmax(logits, axis))) };
  },
};

export const higherOrderGrads: GradConfig[] = [sigmoidGrad, tanhGrad, expGrad, softmaxGrad, logSoftmaxGrad];

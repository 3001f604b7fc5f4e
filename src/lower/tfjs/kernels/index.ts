// The kernels and gradients the project supplies (tested against the cpu backend's values).
import * as tf from '@tensorflow/tfjs-core';
import { fastGatherKernel } from './gather.js';
import { matMulGrad } from './matmul-grad.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

const done = new Set<string>();

export function registerProjectKernels(backend: string): void {
  if (done.has(backend)) return;
  done.add(backend);
  if (backend === 'wasm') {
    const stock = tf.getKernel('GatherV2', 'wasm');
    if (stock) {
      tf.unregisterKernel('GatherV2', 'wasm');
      tf.registerKernel(fastGatherKernel(stock.kernelFunc));
    }
  }
  if (backend === 'wasm' || backend === 'cpu') {
    if (tf.getKernel('UnsortedSegmentSum', backend)) tf.unregisterKernel('UnsortedSegmentSum', backend);
    tf.registerKernel(unsortedSegmentSumKernel(backend));
  }
  if (!done.has('*grad')) {
    done.add('*grad');
    // Replacing a stock gradient is intended here; keep tfjs from warning about it.
    const warn = console.warn;
    console.warn = () => {};
    try {
      tf.registerGradient(matMulGrad);
    } finally {
      console.warn = warn;
    }
  }
}

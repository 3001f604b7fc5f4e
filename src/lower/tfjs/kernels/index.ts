// The kernels and gradients the project supplies (tested against the cpu backend's values).
import * as tf from '@tensorflow/tfjs-core';
import { COMPARISONS, zeroGrad } from './comparison-grads.js';
import { fastGatherKernel } from './gather.js';
import { gatherGrad } from './gather-grad.js';
import { higherOrderGrads } from './higher-order-grads.js';
import { zeroCopyIdentityKernel } from './identity.js';
import { matMulGrad } from './matmul-grad.js';
import { viewSliceKernel, viewSplitKernel, viewUnpackKernel } from './slice.js';
import { sumKernel } from './sum.js';
import { sumGrad } from './sum-grad.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

const done = new Set<string>();
let gradsDone = false;

/** Gradients are global (not per backend): register them once, replacing the stock ones. */
export function registerProjectGradients(): void {
  if (gradsDone) return;
  gradsDone = true;
  // Replacing a stock gradient is intended here; keep tfjs from warning about it.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(matMulGrad);
    const stockGather = tf.getGradient('GatherV2');
    if (stockGather) tf.registerGradient(gatherGrad(stockGather));
    const stockSum = tf.getGradient('Sum');
    if (stockSum) tf.registerGradient(sumGrad(stockSum));
    for (const g of higherOrderGrads) tf.registerGradient(g);
    for (const name of COMPARISONS) if (!tf.getGradient(name)) tf.registerGradient(zeroGrad(name));
  } finally {
    console.warn = warn;
  }
}

/** Kernels are per backend: register them once for each backend that is initialised. */
export function registerProjectKernels(backend: string): void {
  if (!done.has(backend)) {
    done.add(backend);
    if (backend === 'wasm') {
      // Each replaces a stock kernel and falls back to it outside the cases it handles.
      const replace = (name: string, make: (stock: tf.KernelFunc) => tf.KernelConfig) => {
        const stock = tf.getKernel(name, 'wasm');
        if (!stock) return;
        tf.unregisterKernel(name, 'wasm');
        tf.registerKernel(make(stock.kernelFunc));
      };
      replace('GatherV2', fastGatherKernel);
      replace('Identity', zeroCopyIdentityKernel);
      replace('Slice', viewSliceKernel);
      replace('Unpack', viewUnpackKernel);
      replace('SplitV', viewSplitKernel);
      const matMul = tf.getKernel('BatchMatMul', 'wasm');
      if (matMul) replace('Sum', (stock) => sumKernel(stock, matMul.kernelFunc));
    }
    if (backend === 'wasm' || backend === 'cpu') {
      if (tf.getKernel('UnsortedSegmentSum', backend)) tf.unregisterKernel('UnsortedSegmentSum', backend);
      tf.registerKernel(unsortedSegmentSumKernel(backend));
    }
  }
  registerProjectGradients();
}

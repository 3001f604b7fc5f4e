// A zero-copy Identity for the wasm backend. The engine clones every tensor it saves for the
// backward pass (`saveTensorsForBackwardMode` → Identity), and stock wasm Identity copies the
// buffer: one training step of the POSO reference model spent ~13 ms copying (a 640 KB clone of
// each embedding table per lookup). Tensors are immutable to the engine, so sharing the buffer
// with a reference count is safe; the cpu backend's Identity and wasm's own Reshape do the same.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

export function zeroCopyIdentityKernel(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      // strings live outside the heap: the stock kernel handles them
      if (x.dtype === 'string') return stock(args);
      (args.backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
  };
}

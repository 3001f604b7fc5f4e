// A row-copy Gather for the wasm backend. Stock wasm GatherV2 takes ~300 ms for a [1024, 30]
// lookup into a [50 001, 16] table (the history features of the POSO example); copying rows on
// the wasm heap takes a few ms. Only the embedding case (axis 0, no batch dims) is handled here;
// anything else goes to the stock kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

export function fastGatherKernel(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'GatherV2',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if (axis !== 0 || batchDims !== 0 || x.dtype !== 'float32' || x.shape.length !== 2) return stock(args);
      const b = backend as unknown as WasmBackend;
      const rows = x.shape[0]!;
      const width = x.shape[1]!;
      const ids = b.readSync(indices.dataId);
      // Allocate first: growing the heap detaches earlier views of it.
      const out = b.makeOutput([...indices.shape, width], 'float32');
      const table = b.typedArrayFromHeap(x) as Float32Array;
      const dst = b.typedArrayFromHeap(out) as Float32Array;
      // An element loop: for embedding widths (8–64) a subarray per row costs more than the copy.
      for (let i = 0; i < ids.length; i++) {
        const r = ids[i]!;
        const to = i * width;
        if (r < 0 || r >= rows) {
          // out of range: zeros (TensorFlow's CPU kernel errors; ids here are always in range);
          // written explicitly, the heap is not cleared on allocation
          dst.fill(0, to, to + width);
          continue;
        }
        const from = r * width;
        for (let j = 0; j < width; j++) dst[to + j] = table[from + j]!;
      }
      return out;
    },
  };
}

// UnsortedSegmentSum: the gradient of Gather, so of every embedding lookup. The wasm backend has
// no kernel for it, and the cpu one is O(segments × N × D) (4.7 s for a 1000-row table). Here it
// is O(N × D): on wasm the backend's own ScatterNd (which adds duplicate indices) with the ids
// read as [N, 1], run on the wasm heap; elsewhere a single pass over the rows in JavaScript.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface Backend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo?(shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo;
  makeOutput?(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap?(t: TensorInfo): Float32Array | Int32Array;
}

/** Σ of the rows of x (rowSize values each) by segment id; out-of-range ids are dropped (TensorFlow's rule). */
export function segmentSum(x: ArrayLike<number>, ids: ArrayLike<number>, rowSize: number, segments: number): Float32Array {
  const out = new Float32Array(segments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= segments) continue;
    const o = s * rowSize;
    const r = i * rowSize;
    for (let j = 0; j < rowSize; j++) out[o + j]! += x[r + j]!;
  }
  return out;
}

function inRange(ids: ArrayLike<number>, segments: number): boolean {
  for (let i = 0; i < ids.length; i++) if (!(ids[i]! >= 0 && ids[i]! < segments)) return false;
  return true;
}

export function unsortedSegmentSumKernel(backendName: string): KernelConfig {
  const scatterNd: KernelFunc | undefined = backendName === 'wasm' ? tf.getKernel('ScatterNd', 'wasm')?.kernelFunc : undefined;
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const numSegments = Number((attrs as { numSegments: number }).numSegments);
      const b = backend as unknown as Backend;
      const rest = x.shape.slice(segmentIds.shape.length);
      const rowSize = rest.reduce((a, c) => a * c, 1);
      const shape = [numSegments, ...rest];
      const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
      const ids = b.readSync(segmentIds.dataId);
      if (scatterNd && inRange(ids, numSegments)) {
        // Same buffers, other shapes: ScatterNd reads only the shapes and the data ids.
        const n = ids.length;
        const indices: TensorInfo = { dataId: segmentIds.dataId, shape: [n, 1], dtype: 'int32' };
        const updates: TensorInfo = { dataId: x.dataId, shape: [n, ...rest], dtype: x.dtype };
        return scatterNd({ inputs: { indices, updates }, attrs: { shape } as never, backend });
      }
      const sums = segmentSum(b.readSync(x.dataId), ids, rowSize, numSegments);
      // Keep the input's dtype, as the stock kernels do (int32 sums are exact in float32 below 2^24).
      const values = dtype === 'int32' ? Int32Array.from(sums) : sums;
      if (b.makeOutput && b.typedArrayFromHeap) {
        const out = b.makeOutput(shape, dtype);
        b.typedArrayFromHeap(out).set(values);
        return out;
      }
      return b.makeTensorInfo!(shape, dtype, values);
    },
  };
}

// Direct access to a float32 tensor's storage, for the optimizer's update loops. On the wasm
// backend a tensor is a range of the WebAssembly heap and on the cpu backend a Float32Array:
// both can be read (gradients) and written (embedding rows) in place, with no copy. Other
// backends (tfjs-node, webgl) get a copy, and writes go back through `assign`.
//
// Writing in place is only sound for a tensor nothing else has cached: the wasm backend's matmul
// caches the packed weights of its right operand by buffer, so a dense kernel updated in place
// would be multiplied with its old values. Only embedding tables used by lookups alone (see
// sparse-tables.ts) are written in place; every other parameter gets a new buffer each step.
import type * as tfc from '@tensorflow/tfjs-core';

type TF = typeof tfc;

interface WasmLike {
  typedArrayFromHeap(t: { shape: number[]; dtype: string; dataId: object }): Float32Array | Int32Array;
}
interface CpuLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * The tensor's own storage when the backend exposes it (wasm, cpu), else undefined. On wasm the
 * view is detached by anything that grows the heap (allocating a tensor): take it right before
 * use and allocate nothing while holding it.
 */
export function storageOf(tf: TF, t: tfc.Tensor): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const name = tf.getBackend();
  const backend = tf.backend() as unknown;
  if (name === 'wasm') {
    const view = (backend as WasmLike).typedArrayFromHeap({ shape: t.shape, dtype: t.dtype, dataId: t.dataId });
    return view instanceof Float32Array ? view : undefined;
  }
  if (name === 'cpu') {
    const values = (backend as CpuLike).data.get(t.dataId)?.values;
    return values instanceof Float32Array && values.length === t.size ? values : undefined;
  }
  return undefined;
}

/** The tensor's values: its storage when exposed (do not write to it), else a copy. */
export function valuesOf(tf: TF, t: tfc.Tensor): Float32Array {
  return storageOf(tf, t) ?? (t.dataSync() as Float32Array);
}

// Slice, Unpack (unstack) and SplitV for the wasm backend, reading the input in place.
// The stock wasm kernels copy the WHOLE input out of the wasm heap (readSync) once per output,
// so unstacking a [batch, L, d] tensor into its L steps copies it L times: for the GRU of CMML's
// sequential encoder (L = 32) that was a quarter of a training step. These read a view of the
// heap and copy only the elements each output needs. Strings and other dtypes go to the stock
// kernels.
import { backend_util, slice_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

const handled = (x: TensorInfo) => x.dtype === 'float32' || x.dtype === 'int32';
const prod = (dims: readonly number[]) => dims.reduce((p, q) => p * q, 1);

/**
 * Copy `outer` blocks of `len` elements: block o from src at `from + o·srcStride` to dst at
 * `to + o·dstStride`. An element loop for short blocks (cheaper than a subarray per block).
 */
function copyBlocks(src: Float32Array | Int32Array, dst: Float32Array | Int32Array, outer: number, len: number, from: number, srcStride: number, to: number, dstStride: number): void {
  for (let o = 0; o < outer; o++) {
    const s = from + o * srcStride;
    const d = to + o * dstStride;
    if (len >= 64) dst.set(src.subarray(s, s + len), d);
    else for (let j = 0; j < len; j++) dst[d + j] = src[s + j]!;
  }
}

/**
 * The outputs `shapes`, allocated before any view is taken (growing the heap detaches views),
 * then filled by `fill(src, dsts)`.
 */
function withViews(b: WasmBackend, x: TensorInfo, shapes: number[][], fill: (src: Float32Array | Int32Array, dsts: Array<Float32Array | Int32Array>) => void): TensorInfo[] {
  const outs = shapes.map((s) => b.makeOutput(s, x.dtype));
  const src = b.typedArrayFromHeap(x);
  fill(
    src,
    outs.map((o) => b.typedArrayFromHeap(o)),
  );
  return outs;
}

/** Elements of x [d0, …, dr-1] at begin + [0, size) into dst, row-major: one block per leading index. */
function sliceInto(src: Float32Array | Int32Array, dst: Float32Array | Int32Array, shape: number[], begin: number[], size: number[]): void {
  const r = shape.length;
  const strides = shape.map((_, i) => prod(shape.slice(i + 1)));
  // the trailing axes that are taken whole fold into one contiguous block
  let k = r;
  while (k > 0 && begin[k - 1] === 0 && size[k - 1] === shape[k - 1]) k--;
  const block = k === 0 ? prod(shape) : size[k - 1]! * strides[k - 1]!;
  const lead = size.slice(0, Math.max(0, k - 1));
  const count = prod(lead);
  const idx = new Array<number>(lead.length).fill(0);
  for (let n = 0; n < count; n++) {
    let from = k === 0 ? 0 : begin[k - 1]! * strides[k - 1]!;
    for (let i = 0; i < lead.length; i++) from += (begin[i]! + idx[i]!) * strides[i]!;
    copyBlocks(src, dst, 1, block, from, 0, n * block, 0);
    for (let i = lead.length - 1; i >= 0; i--) {
      if (++idx[i]! < lead[i]!) break;
      idx[i] = 0;
    }
  }
}

export function viewSliceKernel(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      if (!handled(x)) return stock(args);
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [b0, s0] = slice_util.parseSliceParams(x as never, begin, size);
      return withViews(args.backend as unknown as WasmBackend, x, [s0], (src, [dst]) => sliceInto(src, dst!, x.shape, b0, s0))[0]!;
    },
  };
}

export function viewUnpackKernel(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as { value: TensorInfo }).value;
      if (!handled(x)) return stock(args);
      const raw = (args.attrs as unknown as { axis: number }).axis;
      const axis = raw < 0 ? raw + x.shape.length : raw;
      const n = x.shape[axis]!;
      const outer = prod(x.shape.slice(0, axis));
      const inner = prod(x.shape.slice(axis + 1));
      const shape = x.shape.filter((_, i) => i !== axis);
      return withViews(args.backend as unknown as WasmBackend, x, Array.from({ length: n }, () => shape), (src, dsts) => {
        dsts.forEach((dst, k) => copyBlocks(src, dst, outer, inner, k * inner, n * inner, 0, inner));
      });
    },
  };
}

export function viewSplitKernel(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'SplitV',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      if (!handled(x)) return stock(args);
      const { numOrSizeSplits, axis: raw } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      const axis = raw < 0 ? raw + x.shape.length : raw;
      const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, axis);
      const outer = prod(x.shape.slice(0, axis));
      const inner = prod(x.shape.slice(axis + 1));
      const along = x.shape[axis]!;
      const shapes = sizes.map((s) => x.shape.map((d, i) => (i === axis ? s : d)));
      return withViews(args.backend as unknown as WasmBackend, x, shapes, (src, dsts) => {
        let start = 0;
        dsts.forEach((dst, k) => {
          copyBlocks(src, dst, outer, sizes[k]! * inner, start * inner, along * inner, 0, sizes[k]! * inner);
          start += sizes[k]!;
        });
      });
    },
  };
}

// aᵀ b summed over every axis but the last, the batch axis included: a [..., K] and b [..., N]
// with the same leading axes give [K, N]. The gradient of a weight in `x @ W` (`@` itself cannot
// sum the batch axis, and an outer product per row would hold batch × K × N values).
import { showShape, type OpDef } from './op.js';
import { elements } from './shapes.js';

export const contract: OpDef = {
  name: 'contract',
  doc: 'Σ over all leading axes of a[…, k] b[…, n]: [K, N].',
  infer([a, b]) {
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2) return { error: 'contract takes two float tensors of rank ≥ 2', code: 'REC4002' };
    if (a.shape.length !== b.shape.length || a.shape.slice(0, -1).join() !== b.shape.slice(0, -1).join()) {
      return { error: `contract: ${showShape(a.shape)} and ${showShape(b.shape)} differ in their leading axes`, code: 'REC4001' };
    }
    return { shape: [a.shape[a.shape.length - 1]!, b.shape[b.shape.length - 1]!], dtype: 'float32' };
  },
  flops: ([a, b]) => 2 * elements(a!) * (b![b!.length - 1] as number),
  tfjs(tf, [a, b]) {
    const k = a!.shape[a!.rank - 1]!;
    const n = b!.shape[b!.rank - 1]!;
    // an explicit transpose, then a plain product: tfjs-wasm's transposed-operand matmul is slow
    return tf.matMul(tf.transpose(tf.reshape(a!, [-1, k])), tf.reshape(b!, [-1, n]));
  },
  onnx(tape, [a, b], _attrs, node) {
    const [k, n] = node.shape as [number, number];
    const a2 = tape.op('Reshape', [a!, tape.constInt64([-1, k], [2])]);
    const b2 = tape.op('Reshape', [b!, tape.constInt64([-1, n], [2])]);
    return tape.op('Gemm', [a2, b2], { transA: 1 });
  },
  vjp(b, [x, y], _out, dy) {
    const dyT = b.add('transpose', [dy], { perm: [1, 0] });
    return [b.add('matmul', [y!, dyT]), b.add('matmul', [x!, dy])];
  },
  examples: [
    { inputs: [{ shape: ['batch', 5], dtype: 'float32' }, { shape: ['batch', 3], dtype: 'float32' }], attrs: {} },
    { inputs: [{ shape: ['batch', 4, 5], dtype: 'float32' }, { shape: ['batch', 4, 3], dtype: 'float32' }], attrs: {} },
  ],
};

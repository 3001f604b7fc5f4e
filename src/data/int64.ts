// int32 ids as the int64 tensors ONNX graphs take. Each id's two 32-bit words are written
// directly (the sign in the high word): `BigInt64Array.from(ids, BigInt)` makes one BigInt per
// id, which cost a tenth of a training step on the reference model (bench/train-throughput.mjs).

/** Whether this machine stores the low 32-bit word of a 64-bit integer first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function int64Of(ids: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(ids.length);
  const words = new Int32Array(out.buffer);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < ids.length; i++) {
    const x = ids[i]! | 0;
    words[2 * i + lo] = x;
    words[2 * i + hi] = x >> 31;
  }
  return out;
}

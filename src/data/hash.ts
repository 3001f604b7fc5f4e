// The stable hash behind `id(hash: N)` features. Public API: a serving client that sends hashed
// ids must compute exactly this.
//
//   hashBucket(value, N) = 1 + (FNV-1a-32(UTF-8 bytes of value) mod N)
//
// FNV-1a 32-bit: h = 0x811c9dc5; for each byte b: h = (h XOR b) × 0x01000193 (mod 2^32).
// Id 0 is padding, so buckets are 1..N. Numbers are hashed as their decimal text ("42").

export function fnv1a32(value: string): number {
  const bytes = new TextEncoder().encode(value);
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function hashBucket(value: string, buckets: number): number {
  return 1 + (fnv1a32(value) % buckets);
}

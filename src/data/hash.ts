// The stable hash behind `id(hash: N)` and hashed `seq` features. PUBLIC API: a serving client
// that sends hashed ids to the ONNX model must compute exactly this (ONNX has no string hash).
//
//   hashBucket(value, N) = 1 + (fnv1a32(value) mod N)          ∈ 1..N  (0 is padding)
//
//   fnv1a32(value): the 32-bit FNV-1a hash of the UTF-8 bytes of `value`:
//     h = 0x811c9dc5 (offset basis)
//     for each byte b:  h = h XOR b;  h = (h × 0x01000193) mod 2^32   (FNV prime 16777619)
//   `mod` is on the unsigned 32-bit value. A lone UTF-16 surrogate is encoded as U+FFFD
//   (EF BF BD), as TextEncoder does. Numbers are hashed as their decimal text (42 → "42").
//
// Reference values: fnv1a32("") = 0x811c9dc5, fnv1a32("a") = 0xe40c292c,
// fnv1a32("foobar") = 0xbf9cf968; hashBucket("a", 10) = 1 + (3826002220 mod 10) = 1.

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

/** FNV-1a 32-bit of the UTF-8 bytes of `value`, as an unsigned integer. */
export function fnv1a32(value: string): number {
  let h = OFFSET;
  const byte = (b: number) => {
    h = Math.imul(h ^ b, PRIME);
  };
  // UTF-8 encoded inline: 30 ids per row × 10^5 rows makes a TextEncoder call per value costly
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c < 0x80) {
      byte(c);
      continue;
    }
    if (c < 0x800) {
      byte(0xc0 | (c >> 6));
      byte(0x80 | (c & 63));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        byte(0xf0 | (c >> 18));
        byte(0x80 | ((c >> 12) & 63));
        byte(0x80 | ((c >> 6) & 63));
        byte(0x80 | (c & 63));
        continue;
      }
      c = 0xfffd; // lone surrogate
    }
    byte(0xe0 | (c >> 12));
    byte(0x80 | ((c >> 6) & 63));
    byte(0x80 | (c & 63));
  }
  return h >>> 0;
}

/** The bucket of `value` among `buckets` (a positive integer): 1 + fnv1a32(value) mod buckets. */
export function hashBucket(value: string, buckets: number): number {
  return 1 + (fnv1a32(value) % buckets);
}

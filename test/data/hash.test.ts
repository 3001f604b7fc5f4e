import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { fnv1a32, hashBucket } from '../../src/data/hash.js';

/** FNV-1a straight from its definition, over TextEncoder's UTF-8 bytes: the reference. */
function reference(s: string): number {
  let h = 0x811c9dc5n;
  for (const b of new TextEncoder().encode(s)) h = ((h ^ BigInt(b)) * 0x01000193n) % 2n ** 32n;
  return Number(h);
}

describe('hashBucket', () => {
  it('is FNV-1a 32 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is 1 + fnv1a32 mod N, worked by hand', () => {
    // 0xe40c292c = 3826002220; mod 10 = 0; mod 1000 = 220
    expect(hashBucket('a', 10)).toBe(1);
    expect(hashBucket('a', 1000)).toBe(221);
    expect(hashBucket('', 7)).toBe(1 + (0x811c9dc5 % 7));
    expect(hashBucket('anything', 1)).toBe(1);
  });

  it('hashes the UTF-8 bytes, as a BigInt reference over TextEncoder does', () => {
    const rng = seedrandom('hash');
    const pool = ['a', 'Z', '0', '|', ' ', 'é', 'ß', '€', '中', '😀', '\u{10FFFF}', '\uD800', '\uDC00', '\u0000', '\u07FF', '\u0800', '\uFFFF'];
    for (let k = 0; k < 500; k++) {
      const s = Array.from({ length: Math.floor(rng() * 12) }, () => pool[Math.floor(rng() * pool.length)]!).join('');
      expect(fnv1a32(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});

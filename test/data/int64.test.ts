import { describe, expect, it } from 'vitest';
import { int64Of } from '../../src/data/int64.js';

describe('int64Of', () => {
  it('widens every int32, negative ones with their sign, as BigInt does', () => {
    const ids = Int32Array.from([0, 1, 7, 10_000, 2_147_483_647, -1, -2_147_483_648, -42]);
    expect([...int64Of(ids)]).toEqual([...ids].map((x) => BigInt(x)));
  });

  it('takes plain number arrays too (hinge pairs)', () => {
    expect([...int64Of([3, 0, 5])]).toEqual([3n, 0n, 5n]);
  });
});

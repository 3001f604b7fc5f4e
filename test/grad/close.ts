// Two arrays agree within `tol` times the largest magnitude of the reference.
import { expect } from 'vitest';

export function maxAbs(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
}

/** max |got − want| / max |want| (0 when both are all zeros). */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
  if (Number.isNaN(d)) return NaN;
  const scale = maxAbs(want);
  return d === 0 ? 0 : d / (scale === 0 ? Number.MIN_VALUE : scale);
}

export function expectRelClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  const e = relError(got, want);
  expect(e, `${what}: relative error ${e} (largest value ${maxAbs(want)})`).toBeLessThanOrEqual(tol);
}

/** Two arrays agree within `tol` times a scale given by the caller (the largest value of a larger whole). */
export function expectCloseAtScale(got: ArrayLike<number>, want: ArrayLike<number>, scale: number, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
  expect(d / scale, `${what}: error ${d}, ${d / scale} of the scale ${scale}`).toBeLessThanOrEqual(tol);
}

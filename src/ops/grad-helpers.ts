// Small pieces the ops' vector-Jacobian products share: shapes as attributes, constants, and the
// sum that undoes broadcasting.
import type { Shape } from '../ir/types.js';
import type { GradBuilder } from './op.js';
import { sameShape } from './shapes.js';
import { sumAxes } from './sum-to.js';

/** A shape as an attribute: the batch axis as -1 (the convention of `input` and `reshape`). */
export function shapeAttr(shape: Shape): number[] {
  return shape.map((d) => (d === 'batch' ? -1 : d));
}

/** A float scalar constant. */
export function scalar(b: GradBuilder, value: number): number {
  return b.add('const', [], { value: [value], shape: [] });
}

/** x · c for a number c. */
export function scale(b: GradBuilder, x: number, c: number): number {
  return b.add('mul', [x, scalar(b, c)]);
}

/**
 * dy summed down to `shape`, the shape of an input that was broadcast to dy's (the batch axis
 * too, for a parameter): nothing when the shapes already agree.
 */
export function sumTo(b: GradBuilder, dy: number, shape: Shape): number {
  return sameShape(b.shape(dy), shape) ? dy : b.add('sum_to', [dy], { shape: shapeAttr(shape), axes: sumAxes(b.shape(dy), shape) });
}

/** The shape with `axis` kept at size 1 (what a reduction with keepdims gives). */
export function keepAxis(shape: Shape, axis: number): Shape {
  return shape.map((d, i) => (i === axis ? 1 : d));
}

/** Σ of every element of x, a scalar (the batch axis too). */
export function sumAll(b: GradBuilder, x: number): number {
  return b.add('sum_to', [x], { shape: [], axes: b.shape(x).map((_, i) => i) });
}

/** x reshaped to the shape of node `like` (both batched, or x already of that shape). */
export function reshapeLike(b: GradBuilder, x: number, like: number): number {
  return sameShape(b.shape(x), b.shape(like)) ? x : b.add('reshape', [x], { shape: shapeAttr(b.shape(like)) });
}

/** x expanded (broadcast) to the shape of `like`, which may hold the batch axis. */
export function expandLike(b: GradBuilder, x: number, like: number): number {
  return sameShape(b.shape(x), b.shape(like)) ? x : b.add('broadcast_like', [x, like]);
}

/**
 * A loss's prediction p in its label's shape (labelledShape: p has y's shape, or that shape and a
 * last axis of 1), and the way back for its gradient.
 */
export function asLabel(b: GradBuilder, p: number, y: number): { p: number; back: (d: number) => number } {
  if (sameShape(b.shape(p), b.shape(y))) return { p, back: (d) => d };
  const axis = b.shape(p).length - 1;
  return { p: b.add('squeeze', [p], { axis }), back: (d) => b.add('unsqueeze', [d], { axis }) };
}

/** The float constant 0, 1, …, n−1 of shape [n] (or `shape`). */
export function iota(b: GradBuilder, n: number, shape: number[] = [n]): number {
  return b.add('const', [], { value: Array.from({ length: n }, (_, i) => i), shape });
}

/**
 * Ids [...] (int32 in 0..n−1, or float32 holding whole numbers) as floats [..., 1]: int ids look
 * up a column 0..n−1 (the IR has no cast; its ops take floats), so that `compare` can test them.
 */
export function idsAsFloat(b: GradBuilder, ids: number, n: number): number {
  if (b.dtype(ids) === 'float32') return b.add('unsqueeze', [ids], { axis: b.shape(ids).length });
  return b.add('gather', [iota(b, n, [n, 1]), ids]);
}

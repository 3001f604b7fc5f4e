// Shape arithmetic shared by the ops' shape rules.
import type { Attrs, Dim, Shape } from '../ir/types.js';
import { showShape, type InferResult, type ShapeIn } from './op.js';

/** Numpy broadcasting; `batch` matches only `batch` or 1. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else return undefined;
  }
  return out;
}

/** Whether two shapes are the same, dimension by dimension. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A negative axis counts from the end. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 0 && a < rank ? a : undefined;
}

export function rankError(what: string, shape: Shape, expected: string): InferResult {
  return { error: `${what} expects ${expected}, found ${showShape(shape)}`, code: 'REC4002' };
}

/** The batch dimension as a number for size arithmetic (1 per sample). */
export function perSample(d: Dim): number {
  return d === 'batch' ? 1 : d;
}

/** The number of elements of a shape per sample. */
export function elements(shape: Shape): number {
  return shape.reduce<number>((n, d) => n * perSample(d), 1);
}

/** Shape → tfjs/ONNX numbers, `batch` as -1 (or a given batch size). */
export function concrete(shape: Shape, batch = -1): number[] {
  return shape.map((d) => (d === 'batch' ? batch : d));
}

// Attribute readers for shape rules: the front end builds attributes, but a shape rule never
// throws on a missing or mistyped one, it reports it (undefined → the op returns an error).

/** An integer attribute, or `dflt` when absent; undefined when present but not an integer. */
export function intAttr(attrs: Attrs, name: string, dflt?: number): number | undefined {
  const v = attrs[name] ?? dflt;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** A list-of-integers attribute; undefined when absent or mistyped. */
export function intsAttr(attrs: Attrs, name: string): number[] | undefined {
  const v = attrs[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x)) ? (v as number[]) : undefined;
}

/** A list-of-numbers attribute; undefined when absent or mistyped. */
export function numbersAttr(attrs: Attrs, name: string): number[] | undefined {
  const v = attrs[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}

/** `[batch, 30, 16], [batch, 8]`: several shapes for an error message. */
export function showShapes(ins: ShapeIn[]): string {
  return ins.map((i) => showShape(i.shape)).join(', ');
}

/**
 * The shape rule of an element-wise loss on a prediction and its label (bce_logits, mse_loss):
 * float p and y of one shape S, or p = [...S, 1] (a task's [batch, 1] output) and y = S. → S.
 */
export function labelledShape(name: string, p: ShapeIn | undefined, y: ShapeIn | undefined): InferResult {
  if (!p || !y) return { error: `${name} takes a prediction and a label`, code: 'REC4002' };
  if (p.dtype !== 'float32' || y.dtype !== 'float32') return { error: `${name} needs float tensors, found ${p.dtype} ${showShape(p.shape)} and ${y.dtype} ${showShape(y.shape)}`, code: 'REC4002' };
  const same = p.shape.join() === y.shape.join();
  const squeezed = p.shape.length === y.shape.length + 1 && p.shape[p.shape.length - 1] === 1 && p.shape.slice(0, -1).join() === y.shape.join();
  if (!same && !squeezed) return { error: `${name}: the prediction ${showShape(p.shape)} must have the label's shape ${showShape(y.shape)}, or that shape and a last axis of 1`, code: 'REC4001' };
  return { shape: y.shape, dtype: 'float32' };
}

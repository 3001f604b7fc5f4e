// The learning-rate schedule: linear warm-up, then constant or cosine decay.
import type { TrainSpec } from '../ir/types.js';

export interface Schedule {
  /** Steps of linear warm-up from lr/warmup to lr. */
  warmupSteps?: number;
  /** After warm-up: keep lr, or decay it along a half cosine to 0 at `totalSteps`. */
  decay?: 'constant' | 'cosine';
  totalSteps?: number;
}

/**
 * A stage's schedule over `totalSteps` optimizer steps. A warm-up given as a fraction of the run
 * is ⌈fraction · totalSteps⌉ steps (train.py's `learning_rate` rounds the same way).
 */
export function scheduleOf(s: Pick<TrainSpec, 'warmupSteps' | 'warmupFraction' | 'lrDecay'>, totalSteps: number): Schedule {
  const warmupSteps = s.warmupSteps ?? (s.warmupFraction !== undefined ? Math.ceil(s.warmupFraction * totalSteps) : undefined);
  return { ...(warmupSteps !== undefined ? { warmupSteps } : {}), decay: s.lrDecay ?? 'constant', totalSteps };
}

/**
 * Learning rate for optimizer step `step` (0-based): base·(step+1)/W during the W warm-up steps,
 * then base (constant) or base·½(1 + cos(π·t)) with t = (step − W)/(total − W) clamped to [0, 1].
 */
export function learningRate(base: number, step: number, s: Schedule = {}): number {
  const w = s.warmupSteps ?? 0;
  if (w > 0 && step < w) return (base * (step + 1)) / w;
  if (s.decay !== 'cosine' || s.totalSteps === undefined) return base;
  const t = Math.min(1, Math.max(0, (step - w) / Math.max(1, s.totalSteps - w)));
  return base * 0.5 * (1 + Math.cos(Math.PI * t));
}

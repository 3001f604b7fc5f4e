// The domains and tasks of the PEPNet settings (both versions): three domains of 70/25/5 % of the
// rows, six tasks of very different positive rates (PEPNet §4), each domain's offset per task, each
// task's logit from the setting's parts, and its labels.
import type { Row } from '../row.js';
import { interceptFor, sigmoid, type Rng } from './random.js';

export const PEPNET_TASKS = ['like', 'follow', 'forward', 'hate', 'click', 'effview'] as const;
export type PepnetTask = (typeof PEPNET_TASKS)[number];
export const PEPNET_RATES: Record<PepnetTask, number> = { like: 0.05, follow: 0.02, forward: 0.015, hate: 0.01, click: 0.3, effview: 0.12 };
export const PEPNET_DOMAINS = ['A', 'B', 'C'] as const;
export const DOMAIN_SHARES = [0.7, 0.25, 0.05];
export const DOMAIN_OFFSETS: Record<string, Record<PepnetTask, number>> = {
  A: { like: 0, follow: 0, forward: 0, hate: 0, click: 0, effview: 0 },
  B: { like: -0.3, follow: 0, forward: 0.2, hate: 0, click: 0.3, effview: 0.2 },
  C: { like: 0.5, follow: 0.5, forward: -0.3, hate: 0.3, click: -0.3, effview: -0.2 },
};

/** The parts of a row's logits: the domain's interaction s, author affinity f, popularity p, scaled age z, the user's biases and the domain's offsets. */
export interface LogitParts {
  s: number;
  f: number;
  p: number;
  z: number;
  bias: Record<PepnetTask, number>;
  offsets: Record<PepnetTask, number>;
}

/** Row i's logit per task, before each task's intercept (the table in pepnet.ts's header). */
export function setTaskLogits(logits: Record<PepnetTask, Float64Array>, i: number, { s, f, p, z, bias: b, offsets: o }: LogitParts): void {
  logits.click[i] = 1.0 * s + 0.5 * p + b.click + o.click;
  logits.effview[i] = 1.2 * s + 0.3 * p + b.effview + o.effview;
  logits.like[i] = 1.5 * s + 0.2 * p + 0.3 * z + b.like + o.like;
  logits.follow[i] = 1.5 * f + 0.5 * s - 0.4 * z + b.follow + o.follow;
  logits.forward[i] = 1.0 * s + 0.8 * p - 0.5 * z + b.forward + o.forward;
  logits.hate[i] = -1.5 * s - 0.3 * p + b.hate + o.hate;
}

/**
 * Each task's intercept, set so its mean probability is its rate, and its labels: Bernoulli draws,
 * after all rows, task by task, so a task's draws do not shift the others'.
 */
export function drawLabels(rng: Rng, rows: Row[], logits: Record<PepnetTask, Float64Array>): Record<PepnetTask, number> {
  const intercepts = {} as Record<PepnetTask, number>;
  for (const t of PEPNET_TASKS) {
    const c = (intercepts[t] = interceptFor(logits[t], PEPNET_RATES[t]));
    const l = logits[t];
    for (let i = 0; i < rows.length; i++) rows[i]![t] = rng() < sigmoid(l[i]! + c) ? 1 : 0;
  }
  return intercepts;
}

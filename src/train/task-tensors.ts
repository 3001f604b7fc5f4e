// The inputs a batch's losses read besides its features (ir/task-inputs.ts): each task's labels,
// for hinge tasks the rows of their (positive, negative) pairs, and for sampled-softmax next_item
// tasks N distinct item ids drawn uniformly from 1 … V−1 (row 0 is padding), seeded by the run's
// seed and the step, so a resumed run draws what the uninterrupted one did.
import type * as tfc from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/preprocess.js';
import seedrandom from 'seedrandom';
import { labelInput, negativesInput, pairInputs } from '../ir/task-inputs.js';
import type { TaskSpec } from '../ir/types.js';
import { hingePairs } from './hinge-pairs.js';

/** `n` distinct ids from 1 … rows − 1, uniformly (a partial Fisher–Yates shuffle). */
export function drawNegatives(rows: number, n: number, seed: string): Int32Array {
  const rng = seedrandom(seed);
  const ids = Int32Array.from({ length: rows - 1 }, (_, i) => i + 1);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, n);
}

export function taskTensors(tf: typeof tfc, tasks: readonly TaskSpec[], batch: Dataset, draw: { seed: number; step: number } = { seed: 0, step: 0 }): Record<string, tfc.Tensor> {
  const out: Record<string, tfc.Tensor> = {};
  for (const t of tasks) {
    if (t.kind === 'next_item') {
      // its targets are its input sequence (semantics/next-item.ts); a sampled softmax its negatives
      if (t.negatives !== undefined) out[negativesInput(t.name)] = tf.tensor1d(drawNegatives(t.classes, t.negatives, `${draw.seed}:${t.name}:${draw.step}`), 'int32');
      continue;
    }
    const labels = batch.labels[t.name]!;
    if (t.loss === 'hinge') {
      const { pos, neg } = hingePairs(labels);
      const [p, n] = pairInputs(t.name);
      out[p] = tf.tensor1d(pos, 'int32');
      out[n] = tf.tensor1d(neg, 'int32');
    } else out[labelInput(t.name)] = tf.tensor1d(labels);
  }
  return out;
}

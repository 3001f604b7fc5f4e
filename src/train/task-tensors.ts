// The inputs a batch's losses read besides its features (ir/task-inputs.ts): each task's labels,
// and for hinge tasks the rows of their (positive, negative) pairs.
import type * as tfc from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/preprocess.js';
import { labelInput, pairInputs } from '../ir/task-inputs.js';
import type { TaskSpec } from '../ir/types.js';
import { hingePairs } from './hinge-pairs.js';

export function taskTensors(tf: typeof tfc, tasks: readonly TaskSpec[], batch: Dataset): Record<string, tfc.Tensor> {
  const out: Record<string, tfc.Tensor> = {};
  for (const t of tasks) {
    if (t.kind === 'next_item') continue; // its targets are its input sequence (semantics/next-item.ts)
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

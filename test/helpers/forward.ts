// Test helper: a graph's outputs from the TensorFlow.js forward pass (the training lowering) on
// rows, encoded by the data loader: the reference a serving-graph pass must not change.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { preprocess } from '../../src/data/preprocess.js';
import type { IRGraph } from '../../src/ir/types.js';
import { buildForward } from '../../src/lower/tfjs/forward.js';
import { batchTensors } from '../../src/train/evaluate.js';
import type { randomRows } from './rows.js';

export function forwardOutputs(g: IRGraph, weights: Record<string, Float32Array>, rows: ReturnType<typeof randomRows>): Record<string, number[]> {
  const { dataset, errors } = preprocess(g, rows.map((row, i) => ({ row, line: i + 1 })), { file: 'random', keyColumns: [], skipBadRows: false });
  expect(errors).toEqual([]);
  return tf.tidy(() => {
    const params = Object.fromEntries(g.params.map((p) => [p.name, tf.tensor(weights[p.name]!, p.shape)]));
    const out = buildForward(tf, g)(params, batchTensors(tf, dataset)).outputs;
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.dataSync())]));
  });
}

// A runner whose predictions are made on TensorFlow.js from its current weights. A MAML stage's
// evaluation adapts each held-out task on its support rows before scoring its query rows
// (maml-step.ts, meta-embed.ts); the ort backend trains such a stage (ort/maml-graph.ts) and
// leaves this adapting evaluation, which runs once an epoch, to the TensorFlow.js runner.
import type * as tfc from '@tensorflow/tfjs-core';
import type { RunnerInit, StageRunner } from './runner.js';
import { tfjsRunner } from './tfjs-runner.js';

export function predictingOnTfjs(tf: typeof tfc, init: RunnerInit, runner: StageRunner): StageRunner {
  return {
    ...runner,
    async predict(ds) {
      const now = tfjsRunner(tf, { ...init, weights: { ...init.weights, ...runner.weights() } });
      try {
        return await now.predict(ds);
      } finally {
        now.dispose();
      }
    },
  };
}

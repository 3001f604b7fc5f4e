// A runner whose predictions are made on TensorFlow.js from its current weights. A model with a
// meta block is evaluated adapted, after every stage: each held-out task adapts on its support
// rows before its query rows are scored (meta-embed.ts); the ort backend trains its stages
// (ort/maml-graph.ts for MAML's) and leaves this evaluation, which runs once an epoch, to the
// TensorFlow.js runner.
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

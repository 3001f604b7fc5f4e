// Training a graph in a test as `recc train` does (cli/train.ts): each stage's rows loaded from its
// data with the stage's seed and split, quiet, in a fresh directory; and onnxruntime-node loaded
// beside the wasm backend, for the ort runner. The ort backend's tests share these.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { split } from '../../src/data/split.js';
import { planOf, stageGraph, type StagePlan } from '../../src/ir/plan.js';
import type { IRGraph } from '../../src/ir/types.js';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { loadData } from '../../src/train/data-source.js';
import { loadOrt, type Ort } from '../../src/train/ort/load.js';
import { train, type StageData, type TrainOptions, type TrainResult } from '../../src/train/train.js';

/** The wasm backend, and onnxruntime-node (a test of the ort backend fails when it cannot load). */
export async function wasmAndOrt(): Promise<Ort> {
  await initBackend('wasm');
  const loaded = await loadOrt();
  if ('error' in loaded) throw new Error(loaded.error);
  return loaded.ort;
}

/** Each stage's rows as `recc train` loads them, `rows` of them. */
export function stageData(g: IRGraph, rows: number): (stage: StagePlan) => Promise<StageData> {
  return async (stage) => {
    const loaded = await loadData(stageGraph(g, stage), { rows, skipBadRows: false, seed: stage.settings.seed });
    expect(loaded.errors).toEqual([]);
    return { dataset: loaded.dataset, split: split(loaded.dataset, stage.settings.split, stage.settings.seed) };
  };
}

/** `train` over `rows` rows of each stage's data; `extra` sets the runner, epochs, resume … */
export async function trainRows(g: IRGraph, rows: number, extra: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const data = stageData(g, rows);
  const first = await data(planOf(g).stages[0]!);
  return train(tf, g, first.dataset, first.split, {
    outDir: mkdtempSync(join(tmpdir(), 'recc-train-')),
    resume: false,
    checkpointEvery: 1000,
    log: () => undefined,
    progress: false,
    dataFor: data,
    ...extra,
  });
}

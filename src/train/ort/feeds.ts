// A batch as onnxruntime feeds: features and support sets (modelInputs), each task's labels, a
// hinge task's pairs and a sampled-softmax next_item task's negatives (ir/task-inputs.ts, drawn as
// the TensorFlow.js step draws them: task-tensors.ts), and the trained parameters; only what the
// session reads. Ids are int64 in the lowered graphs (lowerFunction), int32 in the dataset.
import type * as OrtModule from 'onnxruntime-node';
import { int64Of } from '../../data/int64.js';
import { modelInputs, type Dataset } from '../../data/preprocess.js';
import { labelInput, negativesInput, pairInputs } from '../../ir/task-inputs.js';
import type { TaskSpec } from '../../ir/types.js';
import { hingePairs } from '../hinge-pairs.js';
import { drawNegatives } from '../task-tensors.js';

type Feeds = Record<string, OrtModule.Tensor>;

function tensor(ort: typeof OrtModule, data: Float32Array | Int32Array | number[], shape: number[], ids: boolean): OrtModule.Tensor {
  return ids ? new ort.Tensor('int64', int64Of(data), shape) : new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), shape);
}

/** `draw`: the stage's seed and the optimizer step, which sampled negatives are drawn from. */
export function batchFeeds(
  ort: typeof OrtModule,
  wanted: ReadonlySet<string>,
  tasks: readonly TaskSpec[],
  batch: Dataset,
  params: Record<string, { data: Float32Array; shape: number[] }>,
  draw: { seed: number; step: number } = { seed: 0, step: 0 },
): Feeds {
  const feeds: Feeds = {};
  for (const [k, { data, shape }] of Object.entries(modelInputs(batch))) if (wanted.has(k)) feeds[k] = tensor(ort, data, [batch.n, ...shape], data instanceof Int32Array);
  for (const t of tasks) {
    if (t.kind === 'next_item') {
      if (t.negatives !== undefined && wanted.has(negativesInput(t.name))) feeds[negativesInput(t.name)] = tensor(ort, drawNegatives(t.classes, t.negatives, `${draw.seed}:${t.name}:${draw.step}`), [t.negatives], true);
      continue;
    }
    const labels = batch.labels[t.name];
    if (!labels) continue;
    if (t.loss === 'hinge') {
      const [p, n] = pairInputs(t.name);
      if (!wanted.has(p)) continue;
      const { pos, neg } = hingePairs(labels);
      feeds[p] = tensor(ort, pos, [pos.length], true);
      feeds[n] = tensor(ort, neg, [neg.length], true);
    } else if (wanted.has(labelInput(t.name))) feeds[labelInput(t.name)] = tensor(ort, Float32Array.from(labels), [labels.length], false);
  }
  for (const [name, p] of Object.entries(params)) if (wanted.has(name)) feeds[name] = new ort.Tensor('float32', p.data, p.shape);
  return feeds;
}

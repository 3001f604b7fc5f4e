// What a run leaves in its output directory, rewritten after every epoch and at the end, each
// file atomically: a reader (or a kill) sees the previous version or the new one, never half.
//   model.safetensors  weights named by IR parameter names     model.onnx   the serving graph
//   (a model with a meta block: global.onnx and meta.onnx instead, lower/serving-models.ts)
//   (during a stage before the plan's last: <stage>.onnx, that stage's entry)
//   report.md + loss.svg  metrics per task and group, loss curve   metrics.json  the same metrics
// checkpoint.safetensors and state.json are written by the loop itself (checkpoint.ts).
import { join } from 'node:path';
import { StagedWrites, writeFileAtomic } from '../io/atomic-write.js';
import type { IRGraph } from '../ir/types.js';
import { lowerToOnnx } from '../lower/onnx/lower.js';
import { servingModels } from '../lower/serving-models.js';
import { saveWeights } from './checkpoint.js';
import { lossSvg, reportMarkdown } from './report.js';
import type { EpochEnd } from './train.js';

export const ARTEFACTS = ['model.safetensors', 'model.onnx', 'report.md', 'loss.svg', 'metrics.json'] as const;

/** The files a run of `graph` writes (a LiMAML model: global.onnx and meta.onnx for model.onnx). */
export function artefactFiles(graph: IRGraph): string[] {
  return ARTEFACTS.flatMap((f) => (f === 'model.onnx' && graph.meta ? ['global.onnx', 'meta.onnx'] : [f]));
}

export interface RunInfo {
  version: string;
  source: string;
  backend: string;
  /** Extra report lines (speed, skipped rows). */
  notes?: string[];
}

export function writeArtefacts(dir: string, graph: IRGraph, e: EpochEnd, info: RunInfo): void {
  const step = String(e.state.step);
  const meta = { 'recc.model': graph.model, 'recc.version': info.version, 'recc.step': step, 'recc.epoch': String(e.state.epoch) };
  saveWeights(join(dir, 'model.safetensors'), Object.fromEntries(graph.params.map((p) => [p.name, { shape: p.shape, data: e.weights[p.name]! }])), meta);
  const onnxMeta = { reccVersion: info.version, extra: { 'recc.step': step } };
  if (e.lastStage) {
    // a LiMAML model's global.onnx and meta.onnx go in place together (a failed write changes neither)
    const staged = new StagedWrites();
    for (const m of servingModels(graph, e.weights, onnxMeta)) staged.file(join(dir, m.file), m.onnx);
    staged.commit();
  } else writeFileAtomic(join(dir, `${e.stage.name}.onnx`), lowerToOnnx(graph, e.weights, onnxMeta, e.stage.entry));
  writeFileAtomic(join(dir, 'loss.svg'), lossSvg(e.state.losses));
  const notes = [`backend: ${info.backend}, ${Math.round(e.samplesPerSecond)} samples/s`, ...(info.notes ?? []), ...(e.final ? [] : ['(run in progress: this report is rewritten after every epoch)'])];
  writeFileAtomic(join(dir, 'report.md'), reportMarkdown(graph.model, info.source, e.evaluation, e.state, notes));
  writeFileAtomic(join(dir, 'metrics.json'), `${JSON.stringify({ step: e.state.step, epoch: e.state.epoch, ...e.evaluation, history: e.state.history }, null, 2)}\n`);
}

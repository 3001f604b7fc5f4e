// The ONNX models a spec is served as. One, named after the model, for most specs. A LiMAML model
// (a meta block) serves as two, each lowered from its entry of the IR (ir/passes/limaml.ts):
// `<model>_global` (file global.onnx), the model that runs online and reads the meta embedding as
// an input named after the meta block, and `<model>_meta` (meta.onnx), adapt-and-embed, which
// the daily job runs per task (the meta block's inner steps unrolled). `recc compile -o DIR` and
// `--triton DIR` write every one; `recc train` writes them next to the weights.
import { GLOBAL_ENTRY, META_ENTRY } from '../ir/meta.js';
import { limamlProgram } from '../ir/passes/limaml.js';
import { SUPPORT_PREFIX, SUPPORT_ROWS_MASK } from '../ir/passes/maml.js';
import type { IRGraph } from '../ir/types.js';
import { lowerToOnnx, type OnnxMeta } from './onnx/lower.js';
import { SUPPORT_ROWS_DIM } from './onnx/signature.js';
import type { ServingModel } from './triton/repository.js';

/** A serving model and the file name it is written as outside a Triton repository. */
export interface ServingFile extends ServingModel {
  file: string;
}

/** meta.onnx's inputs: `support.*` (a task's rows, the mask and labels among them) have SUPPORT_ROWS_DIM rows. */
const supportRowsDim = (input: string) => (input.startsWith(SUPPORT_PREFIX) ? SUPPORT_ROWS_DIM : 'batch');

/** `steps`: the meta block's inner steps in meta.onnx (default its `inner { steps }`). */
export function servingModels(graph: IRGraph, weights: Record<string, Float32Array>, meta: OnnxMeta, steps?: number): ServingFile[] {
  const m = graph.meta;
  if (!m) return [{ name: graph.model, file: 'model.onnx', onnx: lowerToOnnx(graph, weights, meta) }];
  const k = steps ?? m.steps;
  const program = limamlProgram(graph, k);
  const rule = {
    'recc.meta_block': m.name,
    'recc.meta_key': m.key,
    'recc.meta_adapt': `${k} SGD step(s) of lr ${m.lr} on the meta block's parameters over a task's rows (${SUPPORT_PREFIX}<feature> raw values like the features, ${SUPPORT_PREFIX}<task>/label the label expression's value, ${SUPPORT_ROWS_MASK} 1 per row and 0 for padding; loss: each task's mean over unmasked rows), then the meta block on the task's latest row (the features without prefix)`,
  };
  return [
    { name: `${graph.model}_global`, file: 'global.onnx', onnx: lowerToOnnx(program, weights, { ...meta, extra: { ...meta.extra, 'recc.meta_block': m.name } }, GLOBAL_ENTRY) },
    // one task a request: its support rows are the first dimension, so requests must not be batched together
    // …and its support rows are not as many as its latest rows: a symbol of their own
    { name: `${graph.model}_meta`, file: 'meta.onnx', onnx: lowerToOnnx(program, weights, { ...meta, extra: { ...meta.extra, ...rule } }, META_ENTRY, supportRowsDim), batched: false },
  ];
}

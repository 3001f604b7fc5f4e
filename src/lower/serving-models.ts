// The ONNX models a spec is served as. Today one, named after the model. This is the seam for
// models that serve as more than one graph: a LiMAML model (not compiled yet) will give two, its
// meta-learned embedding generator and the model that reads its output, each lowered from its
// entry of the IR and named `<model>_<entry>`; `recc compile --triton` writes every one.
import type { IRGraph } from '../ir/types.js';
import { lowerToOnnx, type OnnxMeta } from './onnx/lower.js';
import type { ServingModel } from './triton/repository.js';

export function servingModels(graph: IRGraph, weights: Record<string, Float32Array>, meta: OnnxMeta): ServingModel[] {
  return [{ name: graph.model, onnx: lowerToOnnx(graph, weights, meta) }];
}

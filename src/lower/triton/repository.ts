// A Triton model repository: one directory per serving model, `<model>/config.pbtxt` and
// `<model>/1/model.onnx` (Triton's layout, user_guide/model_repository.md: numbered version
// directories, `model.onnx` the ONNX Runtime backend's default file name).
import { onnxSignature } from '../onnx/signature.js';
import { tritonConfig, type TritonOptions } from './config.js';

/** One ONNX model to serve, named as Triton will know it (its directory). */
export interface ServingModel {
  name: string;
  onnx: Uint8Array;
  /** false: each request runs alone (no batching across requests); default true */
  batched?: boolean;
}

export const TRITON_VERSION = '1';

/** The files of each model's directory, by model name; paths relative to that directory. */
export function tritonRepository(models: ServingModel[], o: TritonOptions, comment: string[] = []): Map<string, Record<string, Uint8Array | string>> {
  const out = new Map<string, Record<string, Uint8Array | string>>();
  for (const m of models) {
    if (out.has(m.name)) throw new Error(`internal: two serving models are named ${m.name}`);
    out.set(m.name, {
      'config.pbtxt': tritonConfig(m.name, onnxSignature(m.onnx), o, comment, m.batched ?? true),
      [`${TRITON_VERSION}/model.onnx`]: m.onnx,
    });
  }
  return out;
}

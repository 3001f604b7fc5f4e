// Reading trained weights for a spec (`recc compile --weights`, `recc eval --weights`): a
// safetensors file of weights or a training checkpoint (whose optimizer slots are skipped),
// checked name by name and shape by shape against the spec's parameters.
import { readFileSync } from 'node:fs';
import type { IRGraph } from '../ir/types.js';
import { checkWeights, decodeSafetensors } from '../io/safetensors.js';
import { nonFiniteTensors } from '../train/checkpoint-check.js';

/** The weights by parameter name, or the error to print (with its code). */
export function readWeights(graph: IRGraph, path: string): Record<string, Float32Array> | { error: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { error: `error[REC6006]: cannot read ${path}: ${(e as Error).message}` };
  }
  const r = decodeSafetensors(bytes);
  if ('error' in r) return { error: `error[REC6006]: ${path}: ${r.error}` };
  const tensors = Object.fromEntries(Object.entries(r.tensors).filter(([k]) => !k.startsWith('optimizer/')));
  const problems = checkWeights(graph.params, tensors);
  if (problems.length > 0) return { error: `error[REC6005]: ${path} does not match the spec's parameters:\n${problems.map((p) => `  ${p}`).join('\n')}` };
  const infinite = nonFiniteTensors(tensors);
  if (infinite.length > 0) return { error: `error[REC6006]: ${path} holds weights that are not finite (a diverged run?):\n${infinite.map((p) => `  ${p}`).join('\n')}` };
  return Object.fromEntries(graph.params.map((p) => [p.name, tensors[p.name]!.data]));
}

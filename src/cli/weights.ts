// Reading trained weights for a spec (`recc compile --weights`, `recc eval --weights`): a
// safetensors file of weights or a training checkpoint (whose optimizer slots are skipped),
// checked name by name and shape by shape against the spec's parameters. Every command that
// takes weights (`--weights`, `train --init`) reads them through readWeightsFile: a regular file
// of at most the weights limit (src/io/file-policy.ts), as data files are read.
import type { IRGraph } from '../ir/types.js';
import { filePolicy, isRefusal, readBytesChecked } from '../io/file-policy.js';
import { checkWeights, decodeSafetensors } from '../io/safetensors.js';
import { nonFiniteTensors } from '../train/checkpoint-check.js';

/** The weights by parameter name, or the error to print (with its code). */
export function readWeights(graph: IRGraph, path: string): Record<string, Float32Array> | { error: string } {
  const bytes = readWeightsFile(path);
  if ('error' in bytes) return bytes;
  const r = decodeSafetensors(bytes);
  if ('error' in r) return { error: `error[REC6006]: ${path}: ${r.error}` };
  const tensors = Object.fromEntries(Object.entries(r.tensors).filter(([k]) => !k.startsWith('optimizer/')));
  const problems = checkWeights(graph.params, tensors);
  if (problems.length > 0) return { error: `error[REC6005]: ${path} does not match the spec's parameters:\n${problems.map((p) => `  ${p}`).join('\n')}` };
  const infinite = nonFiniteTensors(tensors);
  if (infinite.length > 0) return { error: `error[REC6006]: ${path} holds weights that are not finite (a diverged run?):\n${infinite.map((p) => `  ${p}`).join('\n')}` };
  return Object.fromEntries(graph.params.map((p) => [p.name, tensors[p.name]!.data]));
}

/** The bytes of a weights file the user named, or the error to print (with its code). */
export function readWeightsFile(path: string): Uint8Array | { error: string } {
  const r = readBytesChecked(filePolicy(), path, 'weights');
  return isRefusal(r) ? { error: `error[${r.code}]: ${r.error}` } : r.bytes;
}

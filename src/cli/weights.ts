// Reading trained weights for a spec (`recc compile --weights`, `recc eval --weights`): a
// safetensors file of weights or a training checkpoint (whose optimizer slots are skipped),
// checked name by name and shape by shape against the spec's parameters. Every command that
// takes weights (`--weights`, `train --init`) reads them through readWeightsFile: a regular file
// of at most the weights limit (src/io/file-policy.ts), as data files are read, a tensor at a time.
import { closeSync } from 'node:fs';
import type { IRGraph } from '../ir/types.js';
import { filePolicy, isRefusal, openChecked, readCause } from '../io/file-policy.js';
import { checkWeights, type Decoded } from '../io/safetensors.js';
import { readSafetensorsFile } from '../io/safetensors-file.js';
import { nonFiniteTensors } from '../train/checkpoint-check.js';

/** The weights by parameter name, or the error to print (with its code). */
export function readWeights(graph: IRGraph, path: string): Record<string, Float32Array> | { error: string } {
  const r = readWeightsFile(path);
  if ('error' in r) return r;
  const { tensors } = r;
  const problems = checkWeights(graph.params, tensors);
  if (problems.length > 0) return { error: `error[REC6005]: ${path} does not match the spec's parameters:\n${problems.map((p) => `  ${p}`).join('\n')}` };
  const infinite = nonFiniteTensors(tensors);
  if (infinite.length > 0) return { error: `error[REC6006]: ${path} holds weights that are not finite (a diverged run?):\n${infinite.map((p) => `  ${p}`).join('\n')}` };
  return Object.fromEntries(graph.params.map((p) => [p.name, tensors[p.name]!.data]));
}

/**
 * The tensors of a weights file the user named, a checkpoint's optimizer slots left unread, or the
 * error to print (with its code).
 */
export function readWeightsFile(path: string): Decoded | { error: string } {
  const opened = openChecked(filePolicy(), path, 'weights');
  if (isRefusal(opened)) return { error: `error[${opened.code}]: ${opened.error}` };
  try {
    const r = readSafetensorsFile(opened.fd, opened.stats.size, (name) => !name.startsWith('optimizer/'));
    return 'error' in r ? { error: `error[REC6006]: ${path}: ${r.error}` } : r;
  } catch (e) {
    return { error: `error[REC2009]: cannot read \`${path}\`: ${readCause(e)}` };
  } finally {
    closeSync(opened.fd);
  }
}

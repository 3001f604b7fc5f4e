// What the commands that run trained weights on data share (`recc eval`, `recc meta-embed`): the
// weights checked against the spec, a TensorFlow.js backend, and (startInference) the data loaded
// into memory; each failure printed as its one-line message, undefined returned. `recc meta-embed`
// streams its data itself, so it starts with startBackend only.
import type * as tfc from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/preprocess.js';
import type { FilePolicy } from '../io/file-policy.js';
import type { IRGraph } from '../ir/types.js';
import { BackendUnavailableError, initBackend, type BackendName } from '../lower/tfjs/backend.js';
import { formatDataError, loadData } from '../train/data-source.js';
import { readWeights } from './weights.js';

export interface Inference {
  tf: typeof tfc;
  weights: Record<string, Float32Array>;
  data: { dataset: Dataset; source: string; skipped: number };
}

/** The weights of the spec's parameters and a TensorFlow.js backend. */
export async function startBackend(graph: IRGraph, o: { weights: string; backend: BackendName }): Promise<Omit<Inference, 'data'> | undefined> {
  const weights = readWeights(graph, o.weights);
  if ('error' in weights) {
    process.stderr.write(`${weights.error}\n`);
    return undefined;
  }
  let tf;
  try {
    ({ tf } = await initBackend(o.backend));
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return undefined;
  }
  return { tf, weights };
}

export async function startInference(graph: IRGraph, o: { weights: string; backend: BackendName; data?: string; rows?: number; skipBadRows: boolean; files: FilePolicy }): Promise<Inference | undefined> {
  const started = await startBackend(graph, o);
  if (!started) return undefined;
  const loaded = await loadData(graph, { data: o.data, rows: o.rows, skipBadRows: o.skipBadRows, seed: graph.train.seed, files: o.files });
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) process.stderr.write(`${formatDataError(e)}\n`);
    return undefined;
  }
  return { ...started, data: loaded };
}

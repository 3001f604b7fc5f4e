// `recc train --backend`: the TensorFlow.js backends (lower/tfjs/backend.ts), or onnxruntime
// (`ort`, train/ort-runner.ts) with `--threads` intra-op threads, or onnxruntime on CUDA
// (`ort-cuda`). Where onnxruntime-node's native binary cannot load, `ort` trains on wasm after a
// one-line notice; `ort-cuda` without a CUDA execution provider is an error of one line. `auto`
// (the default) is TensorFlow.js on libtensorflow when the user installed tfjs-node(-gpu), else
// onnxruntime (measured equal to wasm on every example and 1.4–7.1× faster,
// bench/ort-vs-wasm.mjs), else wasm, without a notice.
import { BackendUnavailableError, initBackend, type BackendName, type TFModule } from '../lower/tfjs/backend.js';
import { ortRunner } from '../train/ort-runner.js';
import { cudaUnavailable } from '../train/ort/cuda-probe.js';
import { loadOrt } from '../train/ort/load.js';
import type { TrainOptions } from '../train/train.js';

export type TrainBackendName = BackendName | 'ort' | 'ort-cuda';

export interface TrainBackend {
  tf: TFModule;
  /** What the log and the report call it. */
  backend: string;
  runner?: TrainOptions['runner'];
}

/** The backend `name`; `load` is how onnxruntime-node is loaded (a test gives one that fails). */
export async function trainBackend(name: TrainBackendName, threads: number, log: (line: string) => void, load = loadOrt): Promise<TrainBackend | { error: string }> {
  try {
    if (name === 'auto') {
      const tfjs = await initBackend('auto');
      if (tfjs.backend !== 'wasm') return tfjs; // tfjs-node or tfjs-node-gpu, installed on purpose
      const loaded = await load();
      if ('error' in loaded) return tfjs;
      const ort = loaded.ort;
      return { tf: tfjs.tf, backend: `ort (${threads} thread${threads === 1 ? '' : 's'})`, runner: (init) => ortRunner(ort, init, { threads, cuda: false }) };
    }
    if (name !== 'ort' && name !== 'ort-cuda') return await initBackend(name);
    const loaded = await load();
    if ('error' in loaded) {
      if (name === 'ort-cuda') return { error: `--backend ort-cuda: onnxruntime-node cannot load here (${loaded.error})` };
      log(`note: onnxruntime-node cannot load here (${loaded.error}); training on wasm instead`);
      return await initBackend('wasm');
    }
    const cuda = name === 'ort-cuda';
    if (cuda) {
      const why = await cudaUnavailable(loaded.ort);
      if (why) return { error: `--backend ort-cuda: onnxruntime's CUDA execution provider is not available here (${why}); install onnxruntime-node's CUDA binaries, or use --backend ort` };
    }
    // TensorFlow.js stays loaded (wasm) for what is not a training step.
    const { tf } = await initBackend('wasm');
    const ort = loaded.ort;
    return { tf, backend: `${name} (${threads} thread${threads === 1 ? '' : 's'})`, runner: (init) => ortRunner(ort, init, { threads, cuda }) };
  } catch (e) {
    if (e instanceof BackendUnavailableError) return { error: e.message };
    throw e;
  }
}

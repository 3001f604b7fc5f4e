// Choosing the TensorFlow.js backend. tfjs-node(-gpu) download libtensorflow when installed, so
// they are optional peers a user adds; WebAssembly is the default that always installs, then the
// pure-JS cpu backend. The kernels the default backends lack or run slowly are registered here.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { registerProjectKernels } from './kernels/index.js';

export type BackendName = 'auto' | 'gpu' | 'node' | 'wasm' | 'cpu';
export type TFModule = typeof tf;

export class BackendUnavailableError extends Error {}

const INSTALL: Record<'gpu' | 'node', string> = {
  gpu: 'npm install @tensorflow/tfjs-node-gpu   (needs internet to download libtensorflow, and CUDA 11.x with cuDNN)',
  node: 'npm install @tensorflow/tfjs-node   (needs internet to download libtensorflow)',
};

/** undefined when the package loaded, else why not (missing, or present but failing to load). */
async function tryImport(pkg: string): Promise<string | undefined> {
  try {
    await import(pkg);
    return undefined;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'is not installed';
    // Installed but broken, typically libtensorflow (or CUDA) missing or the wrong version.
    return `is installed but failed to load (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

async function useWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Resolve the .wasm files from the installed package so any working directory works.
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(`${dir}/`);
  // Node has no SharedArrayBuffer-based worker pool for tfjs; one thread (runtime-notes.md).
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
}

let active: string | undefined;
let gradients = false;

/**
 * The stock kernels' gradients: tfjs-core does not register them, and its ESM files cannot be
 * imported by Node directly; the umbrella package's CommonJS bundle registers them all in the
 * global registry tfjs-core reads.
 */
function registerStockGradients(): void {
  if (gradients) return;
  gradients = true;
  createRequire(import.meta.url)('@tensorflow/tfjs');
}

/** Select a backend (idempotent) and register the project's kernels on it. */
export async function initBackend(name: BackendName = 'auto'): Promise<{ tf: TFModule; backend: string }> {
  const want =
    name !== 'auto' ? name : (await tryImport('@tensorflow/tfjs-node-gpu')) === undefined ? 'gpu' : (await tryImport('@tensorflow/tfjs-node')) === undefined ? 'node' : 'wasm';
  if (active === want) return { tf, backend: tf.getBackend() };
  // Production mode: no debug checks, and no advice to install tfjs-node printed by the cpu backend
  // (this command already says how to get the node and gpu backends when they are asked for).
  tf.env().set('PROD', true);
  if (want === 'gpu' || want === 'node') {
    const pkg = want === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
    const why = await tryImport(pkg);
    if (why !== undefined) throw new BackendUnavailableError(`the ${want} backend needs ${pkg}, which ${why}; install it with:\n  ${INSTALL[want]}\nor use --backend wasm (always installed)`);
    await tf.setBackend('tensorflow');
  } else if (want === 'wasm') {
    await useWasm();
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  }
  await tf.ready();
  registerStockGradients();
  registerProjectKernels(tf.getBackend());
  active = want;
  return { tf, backend: tf.getBackend() };
}

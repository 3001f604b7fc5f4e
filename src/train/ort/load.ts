// Loading onnxruntime-node, whose native binary may be missing for the platform or fail to load
// (a libc too old, a blocked install). The caller falls back to wasm with a one-line notice.
import type * as OrtModule from 'onnxruntime-node';

export type Ort = typeof OrtModule;

/** The module, or the first line of why it cannot load. */
export async function loadOrt(): Promise<{ ort: Ort } | { error: string }> {
  try {
    const ort = (await import('onnxruntime-node')) as Ort & { default?: Ort };
    // load the native binding now (the first session would), so a broken install is found here
    if (typeof ort.InferenceSession?.create !== 'function') return { error: 'onnxruntime-node has no InferenceSession' };
    return { ort };
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

// Whether onnxruntime's CUDA execution provider loads here: a one-node session asked to use it.
// onnxruntime-node's default packages carry no CUDA provider library; a user installs it with
// onnxruntime's CUDA binaries. Its own log line about the missing library comes from the process
// environment's logger, not the session's: the environment is made fatal-only before the first
// session (it is made once per process; errors still reach the caller as exceptions), so the
// caller says what is wrong in one line.
import pkg from 'onnx-proto';
import type { Ort } from './load.js';

const { onnx } = pkg;

function probeModel(): Uint8Array {
  const info = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } });
  const graph = { name: 'cuda-probe', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [info('x')], output: [info('y')] };
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();
}

/** undefined when a CUDA session can be made, else onnxruntime's reason (its first line). */
export async function cudaUnavailable(ort: Ort): Promise<string | undefined> {
  ort.env.logLevel = 'fatal';
  try {
    const s = await ort.InferenceSession.create(probeModel(), { executionProviders: ['cuda'], logSeverityLevel: 4 });
    await s.release();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}

// A Triton model configuration (config.pbtxt, protobuf text format of Triton's ModelConfig,
// triton-inference-server/common protobuf/model_config.proto) for an ONNX serving model.
//
// Triton's conventions, as its docs (user_guide/model_configuration.md) and core
// (ValidateIOShape in src/model_config_utils.cc) state them:
// - with max_batch_size > 0 the batch dimension is implicit: `dims` lists the others only;
// - a model that must see each request alone (LiMAML's adapt-and-embed: one task a request, its
//   support rows and its latest row on first dimensions of different sizes) has max_batch_size 0,
//   full `dims` with -1 for the variable dimension, and no dynamic batcher, which would otherwise
//   concatenate two tasks' support rows into one task;
// - `dims` must not be empty: an input whose only dimension is the batch ([batch], one id or one
//   number per sample) is `dims: [ 1 ]` with `reshape: { shape: [ ] }`;
// - ONNX float → TYPE_FP32, int64 → TYPE_INT64, string → TYPE_STRING (BYTES on the wire);
// - platform "onnxruntime_onnx" is served by backend "onnxruntime" (both written: they agree).
import type { ElemType, OnnxSignature, TensorSignature } from '../onnx/signature.js';

export interface TritonOptions {
  /** Largest batch Triton forms (≥ 1: every recc graph has a batch dimension). */
  maxBatchSize: number;
  /** How long the dynamic batcher may hold a request to form a larger batch (a uint64). */
  maxQueueDelayMicroseconds: number | bigint;
}

const DATA_TYPE: Record<ElemType, string> = { float32: 'TYPE_FP32', int64: 'TYPE_INT64', string: 'TYPE_STRING' };

/** A string literal of the text format (C-style escapes). */
function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/[\u0000-\u001f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
}

/** One entry of `input` or `output`; `reshape`: the model's shape is [] where `dims` says [ 1 ]. */
function entry(t: TensorSignature, dims: number[], reshape: boolean): string {
  return ['  {', `    name: ${quote(t.name)}`, `    data_type: ${DATA_TYPE[t.elemType]}`, `    dims: [ ${dims.join(', ')} ]`, ...(reshape ? ['    reshape: { shape: [ ] }'] : []), '  }'].join('\n');
}

/** An input or output of a batched model: the batch dimension left out. */
function io(t: TensorSignature): string {
  if (t.dims[0] !== 'batch' || t.dims.slice(1).some((d) => typeof d !== 'number')) throw new Error(`internal: ${t.name} [${t.dims.join(', ')}] has no leading batch dimension`);
  const rest = t.dims.slice(1) as number[];
  return entry(t, rest.length > 0 ? rest : [1], rest.length === 0);
}

/** An input or output of a model Triton does not batch: every dimension, -1 where it varies. */
function unbatchedIo(t: TensorSignature): string {
  return entry(t, t.dims.map((d) => (typeof d === 'number' ? d : -1)), false);
}

/**
 * config.pbtxt for the model `name` with this signature; `comment` lines go on top (`# …`).
 * `batched: false` for a model whose every request must run alone (see above).
 */
export function tritonConfig(name: string, sig: OnnxSignature, o: TritonOptions, comment: string[] = [], batched = true): string {
  // the proto's types: max_batch_size int32, max_queue_delay_microseconds uint64 (as digits: a
  // number past 2^70 would print as `1e+23`, which the text format does not take for an integer)
  if (!Number.isInteger(o.maxBatchSize) || o.maxBatchSize < 1 || o.maxBatchSize > 2 ** 31 - 1) throw new Error(`internal: max_batch_size ${o.maxBatchSize}`);
  const delay = typeof o.maxQueueDelayMicroseconds === 'bigint' ? o.maxQueueDelayMicroseconds : Number.isSafeInteger(o.maxQueueDelayMicroseconds) ? BigInt(o.maxQueueDelayMicroseconds) : -1n;
  if (delay < 0n || delay >= 2n ** 64n) throw new Error(`internal: max_queue_delay_microseconds ${o.maxQueueDelayMicroseconds}`);
  const list = (ts: TensorSignature[]) => ts.map(batched ? io : unbatchedIo).join(',\n');
  return [
    ...comment.map((c) => `# ${c}`),
    `name: ${quote(name)}`,
    'platform: "onnxruntime_onnx"',
    'backend: "onnxruntime"',
    `max_batch_size: ${batched ? o.maxBatchSize : 0}`,
    'input [',
    list(sig.inputs),
    ']',
    'output [',
    list(sig.outputs),
    ']',
    ...(batched ? ['dynamic_batching {', `  max_queue_delay_microseconds: ${delay}`, '}'] : []),
    '',
  ].join('\n');
}

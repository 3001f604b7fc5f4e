// Feeds (src/data/onnx-feeds.ts) as onnxruntime tensors.
import * as ort from 'onnxruntime-node';
import type { FeedArray } from '../data/onnx-feeds.js';

export function ortTensors(feeds: Record<string, FeedArray>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) out[name] = new ort.Tensor(f.type, f.data, f.dims);
  return out;
}

// The op registry: every primitive op of the IR, by name. The parity test walks this table, so
// an op cannot exist in one lowering only.
import { add } from './add.js';
import { batchMean } from './batch-mean.js';
import { bceLogits } from './bce-logits.js';
import { broadcastLike } from './broadcast-like.js';
import { compare } from './compare.js';
import { concat } from './concat.js';
import { constant } from './const.js';
import { contract } from './contract.js';
import { conv1dCausal } from './conv1d-causal.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { flatten } from './flatten.js';
import { gather } from './gather.js';
import { gelu } from './gelu.js';
import { gru } from './gru.js';
import { hingePairs } from './hinge-pairs.js';
import { input } from './input.js';
import { layerNorm } from './layer-norm.js';
import { mask } from './mask.js';
import { maskedMean } from './masked-mean.js';
import { matmul } from './matmul.js';
import { mseLoss } from './mse-loss.js';
import { mul } from './mul.js';
import type { OpDef } from './op.js';
import { pad } from './pad.js';
import { param } from './param.js';
import { pool } from './pool.js';
import { reduce } from './reduce.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { sampledSoftmaxCe } from './sampled-softmax-ce.js';
import { scatterAdd } from './scatter-add.js';
import { sigmoid } from './sigmoid.js';
import { slice } from './slice.js';
import { softmaxCe } from './softmax-ce.js';
import { softmax } from './softmax.js';
import { sqrt } from './sqrt.js';
import { squeeze } from './squeeze.js';
import { stack } from './stack.js';
import { stopGradient } from './stop-gradient.js';
import { sub } from './sub.js';
import { sumTo } from './sum-to.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { unsqueeze } from './unsqueeze.js';

const ALL: OpDef[] = [
  input, param, constant,
  add, sub, mul, div, matmul,
  relu, sigmoid, tanh, exp, softmax,
  concat, stack, reshape, transpose, slice, unsqueeze, flatten,
  gather, mask, pool, reduce,
  stopGradient, layerNorm, gru,
  gelu, conv1dCausal,
  // losses (per sample) and the reductions that make them objectives (scalars)
  bceLogits, mseLoss, softmaxCe, sampledSoftmaxCe, hingePairs,
  batchMean, maskedMean,
  // what gradients are made of (each with a gradient of its own, for second order)
  sumTo, broadcastLike, contract, scatterAdd, pad, squeeze, compare, sqrt,
];

export const OPS: Record<string, OpDef> = Object.fromEntries(ALL.map((op) => [op.name, op]));

export function getOp(name: string): OpDef | undefined {
  return Object.hasOwn(OPS, name) ? OPS[name] : undefined;
}

// The PyTorch lowering of every op: a Python expression over the Python expressions of its
// inputs (emit.ts names each node's value), owned by this backend so ops never import it. Used
// as a float64 evaluator of IR graphs by the gradient checks, and the table `recc export torch`
// starts from. A completeness test walks the op registry against it.
import type { Attrs, IRNode } from '../../ir/types.js';

export type TorchForm = (ins: string[], attrs: Attrs, node: IRNode) => string;

const py = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : JSON.stringify(v));
const list = (xs: string[]) => `[${xs.join(', ')}]`;
const REDUCE = { sum: 'sum', mean: 'mean', max: 'amax' } as const;
const COMPARE = { gt: '>', eq: '==' } as const;

export const TORCH: Record<string, TorchForm> = {
  input: (_i, a) => `X[${py(a.feature)}]`,
  param: (_i, a) => `P[${py(a.name)}]`,
  const: (_i, a) => `torch.tensor(${py(a.value)}, dtype=DTYPE).reshape(${py(a.shape)})`,
  add: ([a, b]) => `(${a} + ${b})`,
  sub: ([a, b]) => `(${a} - ${b})`,
  mul: ([a, b]) => `(${a} * ${b})`,
  div: ([a, b]) => `(${a} / ${b})`,
  matmul: ([a, b]) => `torch.matmul(${a}, ${b})`,
  relu: ([x]) => `torch.relu(${x})`,
  sigmoid: ([x]) => `torch.sigmoid(${x})`,
  tanh: ([x]) => `torch.tanh(${x})`,
  exp: ([x]) => `torch.exp(${x})`,
  sqrt: ([x]) => `torch.sqrt(${x})`,
  softmax: ([x], a) => `torch.softmax(${x}, dim=${py(a.axis ?? -1)})`,
  concat: (ins, a) => `torch.cat(${list(ins)}, dim=${py(a.axis ?? -1)})`,
  stack: (ins, a) => `torch.stack(${list(ins)}, dim=${py(a.axis ?? 1)})`,
  reshape: ([x], a) => `${x}.reshape(${list([`${x}.shape[0]`, ...(a.shape as number[]).slice(1).map(String)])})`,
  flatten: ([x]) => `${x}.reshape(${x}.shape[0], -1)`,
  transpose: ([x], a) => `${x}.permute(${py(a.perm)})`,
  slice: ([x], a) => `${x}.narrow(${py(a.axis)}, ${py(a.start)}, ${Number(a.end) - Number(a.start)})`,
  unsqueeze: ([x], a) => `${x}.unsqueeze(${py(a.axis)})`,
  squeeze: ([x], a) => `${x}.squeeze(${py(a.axis)})`,
  gather: ([table, ids]) => `${table}[${ids}]`,
  mask: ([ids]) => `(${ids} != 0).to(DTYPE)`,
  pool: ([x, m], a) => `pool(${x}, ${m}, ${py(a.mode)}${a.zero_padded ? ', zero_padded=True' : ''})`,
  reduce: ([x], a) => `${x}.${REDUCE[a.mode as keyof typeof REDUCE]}(${py(a.axis)}, keepdim=${py(Boolean(a.keepdims))})`,
  stop_gradient: ([x]) => `${x}.detach()`,
  layer_norm: ([x, g, b], a) => `layer_norm(${x}, ${g}, ${b}, ${py(a.epsilon ?? 1e-5)})`,
  gru: ([x, m, w, u, bw, bu]) => `gru(${x}, ${m}, ${w}, ${u}, ${bw}, ${bu})`,
  sum_to: ([x], a) => `sum_to(${x}, ${py(a.axes)}, ${py(a.shape)})`,
  broadcast_like: ([x, like]) => `torch.broadcast_to(${x}, ${like}.shape)`,
  contract: ([a, b]) => `contract(${a}, ${b})`,
  scatter_add: ([x, ids, like], a) => `scatter_add(${x}, ${ids}, ${like ? `${like}.shape[0]` : py(a.rows)})`,
  pad: ([x], a) => `pad(${x}, ${py(a.axis)}, ${py(a.before)}, ${py(a.after)})`,
  compare: ([a, b], at) => `(${a} ${COMPARE[at.mode as keyof typeof COMPARE]} ${b}).to(DTYPE)`,
  gelu: ([x]) => `F.gelu(${x}, approximate="tanh")`,
  conv1d_causal: ([x, w, b], a) => `conv1d_causal(${x}, ${w}, ${b}, ${py(a.dilation ?? 1)})`,
  // losses per sample, and the reductions that make them objectives
  bce_logits: ([z, y]) => `F.binary_cross_entropy_with_logits(${z}.reshape(${y}.shape), ${y}, reduction="none")`,
  mse_loss: ([p, y]) => `F.mse_loss(${p}.reshape(${y}.shape), ${y}, reduction="none")`,
  softmax_ce: ([z, y]) => `softmax_ce(${z}, ${y})`,
  sampled_softmax_ce: ([h, table, targets, negatives, bias]) => `sampled_softmax_ce(${[h, table, targets, negatives, bias ?? 'None'].join(', ')})`,
  hinge_pairs: ([s, pos, neg]) => `hinge_pairs(${s}, ${pos}, ${neg})`,
  batch_mean: ([x]) => `${x}.mean()`,
  masked_mean: ([x, m]) => `(${x} * ${m}).sum() / ${m}.sum().clamp(min=1)`,
};

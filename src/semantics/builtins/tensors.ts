// Tensor builtins that need more than a plain op surface: pooling that respects sequence masks,
// shape manipulation written the way users think of it (without the batch axis), and the raw
// forms of ops that take their weights as arguments (stdlib wraps them with `param`).
import { T } from '../types.js';
import type { Builtin, BuiltinCtx, TensorValue, Value } from '../values.js';
import { arg } from './builtin.js';

const x1 = [{ name: 'x', type: T.tensor, optional: false }];

function pooling(mode: 'sum' | 'mean' | 'max'): Builtin {
  return {
    name: mode,
    doc: `${mode}(x, axis = 1): ${mode}-pool a sequence over its valid positions (padding masked out), or reduce a plain tensor along \`axis\`.`,
    sig: { name: mode, params: [...x1, { name: 'axis', type: T.int, optional: true }] },
    call(ctx, args) {
      const x = arg(args, 'x', 'tensor')!;
      const axis = arg(args, 'axis', 'int')?.value;
      if (x.mask !== undefined && (axis === undefined || axis === 1) && x.shape.length === 3) {
        const m: TensorValue = { kind: 'tensor', node: x.mask, shape: [x.shape[0]!, x.shape[1]!], dtype: 'float32' };
        return ctx.op('pool', [x, m], { mode }, { mask: null });
      }
      if (x.shape.length < 2) return ctx.error('REC4002', `${mode} needs a tensor with at least 2 axes, found [${x.shape.join(', ')}]`);
      return ctx.op('reduce', [x], { mode, axis: axis ?? 1, keepdims: false }, { mask: null });
    },
  };
}

function withoutBatch(ctx: BuiltinCtx, x: TensorValue, what: string): boolean {
  if (x.shape[0] !== 'batch') {
    ctx.error('REC4003', `${what} expects a batched tensor, found [${x.shape.join(', ')}]`);
    return false;
  }
  return true;
}

export const tensorBuiltins: Builtin[] = [
  pooling('sum'),
  pooling('mean'),
  pooling('max'),
  {
    name: 'mask',
    doc: 'mask(x): the [batch, L] validity mask of a sequence (1 for items, 0 for padding).',
    sig: { name: 'mask', params: x1 },
    call(ctx, args) {
      const x = arg(args, 'x', 'tensor')!;
      if (x.mask === undefined) return ctx.error('REC3001', `mask(x) needs a sequence, found a tensor of shape [${x.shape.join(', ')}] without a mask`, 'sequences come from `seq(...)` features');
      return { kind: 'tensor', node: x.mask, shape: [x.shape[0]!, x.shape[1]!], dtype: 'float32' };
    },
  },
  {
    name: 'stop_gradient',
    doc: 'stop_gradient(x): x in the forward pass; no gradient flows back through it (PEPNet Eq. 7).',
    sig: { name: 'stop_gradient', params: x1 },
    call: (ctx, args) => ctx.op('stop_gradient', [arg(args, 'x', 'tensor')!], {}),
  },
  {
    name: 'reshape',
    doc: 'reshape(x, [d1, d2, …]): a new shape for the non-batch axes.',
    sig: { name: 'reshape', params: [...x1, { name: 'shape', type: T.list(T.int), optional: false }] },
    call(ctx, args) {
      const x = arg(args, 'x', 'tensor')!;
      if (!withoutBatch(ctx, x, 'reshape')) return { kind: 'error' };
      const dims = arg(args, 'shape', 'list')!.items.map((i) => (i.kind === 'int' ? i.value : 0));
      return ctx.op('reshape', [x], { shape: [-1, ...dims] });
    },
  },
  {
    name: 'transpose',
    doc: 'transpose(x, perm): permute axes; perm includes the batch axis, which must stay first.',
    sig: { name: 'transpose', params: [...x1, { name: 'perm', type: T.list(T.int), optional: false }] },
    call(ctx, args) {
      const perm = arg(args, 'perm', 'list')!.items.map((i) => (i.kind === 'int' ? i.value : -1));
      return ctx.op('transpose', [arg(args, 'x', 'tensor')!], { perm });
    },
  },
  {
    name: 'slice',
    doc: 'slice(x, start, end, axis = -1): the items start..end-1 along a non-batch axis.',
    sig: {
      name: 'slice',
      params: [
        ...x1,
        { name: 'start', type: T.int, optional: false },
        { name: 'end', type: T.int, optional: false },
        { name: 'axis', type: T.int, optional: true },
      ],
    },
    call(ctx, args) {
      return ctx.op('slice', [arg(args, 'x', 'tensor')!], {
        start: arg(args, 'start', 'int')!.value,
        end: arg(args, 'end', 'int')!.value,
        axis: arg(args, 'axis', 'int')?.value ?? -1,
      });
    },
  },
  {
    name: 'split',
    doc: 'split(x, sizes, axis = -1): consecutive slices of the given sizes, as a list.',
    sig: {
      name: 'split',
      params: [...x1, { name: 'sizes', type: T.list(T.int), optional: false }, { name: 'axis', type: T.int, optional: true }],
    },
    call(ctx, args) {
      const x = arg(args, 'x', 'tensor')!;
      const axis = arg(args, 'axis', 'int')?.value ?? -1;
      const sizes = arg(args, 'sizes', 'list')!.items.map((i) => (i.kind === 'int' ? i.value : 0));
      const a = axis < 0 ? x.shape.length + axis : axis;
      const total = sizes.reduce((p, q) => p + q, 0);
      if (x.shape[a] !== total) {
        return ctx.error('REC4001', `split sizes [${sizes.join(', ')}] add up to ${total}, but axis ${axis} of [${x.shape.join(', ')}] has ${x.shape[a]}`);
      }
      const items: Value[] = [];
      let start = 0;
      for (const s of sizes) {
        items.push(ctx.op('slice', [x], { start, end: start + s, axis }));
        start += s;
      }
      return { kind: 'list', items };
    },
  },
  {
    name: 'unsqueeze',
    doc: 'unsqueeze(x, axis): insert an axis of size 1.',
    sig: { name: 'unsqueeze', params: [...x1, { name: 'axis', type: T.int, optional: false }] },
    call: (ctx, args) => ctx.op('unsqueeze', [arg(args, 'x', 'tensor')!], { axis: arg(args, 'axis', 'int')!.value }, { mask: null }),
  },
  {
    name: 'flatten',
    doc: 'flatten(x): [batch, d1, d2, …] → [batch, d1·d2·…].',
    sig: { name: 'flatten', params: x1 },
    call: (ctx, args) => ctx.op('flatten', [arg(args, 'x', 'tensor')!], {}, { mask: null }),
  },
  {
    name: 'layer_norm_op',
    doc: 'layer_norm_op(x, gamma, beta, epsilon = 1e-5): layer normalisation over the last axis with given weights.',
    sig: {
      name: 'layer_norm_op',
      params: [
        ...x1,
        { name: 'gamma', type: T.tensor, optional: false },
        { name: 'beta', type: T.tensor, optional: false },
        { name: 'epsilon', type: T.float, optional: true },
      ],
    },
    call(ctx, args) {
      const t = (n: string) => arg(args, n, 'tensor')!;
      return ctx.op('layer_norm', [t('x'), t('gamma'), t('beta')], { epsilon: arg(args, 'epsilon', 'float')?.value ?? 1e-5 });
    },
  },
  {
    name: 'gru_op',
    doc: 'gru_op(x, w, u, bw, bu): run a GRU over a sequence (gates r, z, n) and return the state after its last valid item.',
    sig: {
      name: 'gru_op',
      params: ['x', 'w', 'u', 'bw', 'bu'].map((name) => ({ name, type: T.tensor, optional: false })),
    },
    call(ctx, args) {
      const t = (n: string) => arg(args, n, 'tensor')!;
      const x = t('x');
      if (x.mask === undefined || x.shape.length !== 3) {
        return ctx.error('REC3001', `gru needs a sequence [batch, L, d] with a mask, found [${x.shape.join(', ')}]`);
      }
      const m: TensorValue = { kind: 'tensor', node: x.mask, shape: [x.shape[0]!, x.shape[1]!], dtype: 'float32' };
      return ctx.op('gru', [x, m, t('w'), t('u'), t('bw'), t('bu')], { length: x.shape[1] as number }, { mask: null });
    },
  },
];

// Compile-time helpers on numbers and lists: `range`, `len`, `sqrt`, `dim`.
import { T } from '../types.js';
import type { Builtin } from '../values.js';
import { arg } from './builtin.js';

export const numberBuiltins: Builtin[] = [
  {
    name: 'range',
    doc: 'range(n): the list [0, 1, …, n-1]; range(a, b): [a, a+1, …, b-1].',
    sig: {
      name: 'range',
      params: [
        { name: 'a', type: T.int, optional: false },
        { name: 'b', type: T.int, optional: true },
      ],
    },
    call(ctx, args) {
      const a = arg(args, 'a', 'int')!.value;
      const b = arg(args, 'b', 'int')?.value;
      const [start, end] = b === undefined ? [0, a] : [a, b];
      if (end - start > 10_000) return ctx.error('REC3008', `range of ${end - start} items is too long (at most 10000)`);
      return { kind: 'list', items: Array.from({ length: Math.max(0, end - start) }, (_, i) => ({ kind: 'int' as const, value: start + i })) };
    },
  },
  {
    name: 'len',
    doc: 'len(list): the number of items.',
    sig: { name: 'len', params: [{ name: 'list', type: T.list(T.any), optional: false }] },
    call(_ctx, args) {
      return { kind: 'int', value: arg(args, 'list', 'list')!.items.length };
    },
  },
  {
    name: 'repeat',
    doc: 'repeat(value, n): a list of n copies of value (a tensor, a number, …).',
    sig: {
      name: 'repeat',
      params: [
        { name: 'value', type: T.any, optional: false },
        { name: 'n', type: T.int, optional: false },
      ],
    },
    call(ctx, args) {
      const n = arg(args, 'n', 'int')!.value;
      if (n < 0 || n > 10_000) return ctx.error('REC3008', `repeat count ${n} must be between 0 and 10000`);
      const v = args.values.get('value')!;
      return { kind: 'list', items: Array.from({ length: n }, () => v) };
    },
  },
  {
    name: 'sqrt',
    doc: 'sqrt(x): the square root of a number (compile time).',
    sig: { name: 'sqrt', params: [{ name: 'x', type: T.float, optional: false }] },
    call(ctx, args) {
      const x = arg(args, 'x', 'float')!.value;
      if (x < 0) return ctx.error('REC3008', `sqrt of a negative number (${x})`);
      return { kind: 'float', value: Math.sqrt(x) };
    },
  },
  {
    name: 'dim',
    doc: 'dim(x, axis = -1): the size of a tensor along an axis, as an int (not the batch axis).',
    sig: {
      name: 'dim',
      params: [
        { name: 'x', type: T.tensor, optional: false },
        { name: 'axis', type: T.int, optional: true },
      ],
    },
    call(ctx, args) {
      const x = arg(args, 'x', 'tensor')!;
      const axis = arg(args, 'axis', 'int')?.value ?? -1;
      const a = axis < 0 ? x.shape.length + axis : axis;
      const d = x.shape[a];
      if (d === undefined) return ctx.error('REC4002', `axis ${axis} is out of range for a tensor of shape [${x.shape.join(', ')}]`);
      if (d === 'batch') return ctx.error('REC4003', 'the batch dimension has no size at compile time');
      return { kind: 'int', value: d };
    },
  },
];

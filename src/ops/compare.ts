// 1.0 where a > b (gt) or a = b (eq), else 0.0, with broadcasting: the indicators in the
// gradients of relu and of max. Piecewise constant, so no gradient flows through it.
import { showShape, type OpDef } from './op.js';
import { broadcast, elements } from './shapes.js';

const ONNX = { gt: 'Greater', eq: 'Equal' } as const;

export const compare: OpDef = {
  name: 'compare',
  doc: 'Indicator of a > b or a = b, as 1.0/0.0.',
  infer([a, b], attrs) {
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return { error: 'compare takes two float tensors', code: 'REC4002' };
    if (attrs.mode !== 'gt' && attrs.mode !== 'eq') return { error: `compare: unknown mode \`${String(attrs.mode)}\` (gt or eq)`, code: 'REC3008' };
    const shape = broadcast(a.shape, b.shape);
    if (!shape) return { error: `compare: ${showShape(a.shape)} and ${showShape(b.shape)} do not broadcast`, code: 'REC4001' };
    return { shape, dtype: 'float32' };
  },
  flops: (_ins, out) => elements(out),
  tfjs: (tf, [a, b], attrs) => tf.cast(attrs.mode === 'gt' ? tf.greater(a!, b!) : tf.equal(a!, b!), 'float32'),
  onnx: (tape, [a, b], attrs) => tape.op('Cast', [tape.op(ONNX[attrs.mode as keyof typeof ONNX], [a!, b!])], { to: 1 }),
  vjp: () => [undefined, undefined],
  examples: [
    { inputs: [{ shape: ['batch', 6], dtype: 'float32' }, { shape: [], dtype: 'float32' }], attrs: { mode: 'gt' } },
    { inputs: [{ shape: ['batch', 4, 3], dtype: 'float32' }, { shape: ['batch', 1, 3], dtype: 'float32' }], attrs: { mode: 'eq' }, ranges: [{ min: 0, max: 3, integers: true }, { min: 0, max: 3, integers: true }], note: 'a few whole numbers, so some are equal' },
  ],
};

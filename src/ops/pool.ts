// Masked pooling of a sequence [batch, L, D] with its mask [batch, L] → [batch, D].
// mean divides by max(Σ mask, 1); max takes valid positions only and gives 0 when there is none.
// `zero_padded` (set by the serving pass src/ir/passes/lean-pooling.ts on a mean): the sequence
// is already zero at its padding positions, so the sum skips the product with the mask, which
// only counts the items.
import { scalar, sumTo } from './grad-helpers.js';
import { showShape, type OpDef, type ShapeIn } from './op.js';
import { elements } from './shapes.js';

const NEG = -3.0e38;
const SEQ: ShapeIn[] = [
  { shape: ['batch', 5, 3], dtype: 'float32' },
  { shape: ['batch', 5], dtype: 'float32' },
];

export const pool: OpDef = {
  name: 'pool',
  doc: 'Masked sum, mean or max over a sequence.',
  infer([x, m], attrs) {
    if (!x || !m) return { error: 'pooling needs a sequence [batch, L, d] and its mask [batch, L]', code: 'REC4002' };
    if (x.shape.length !== 3 || m.shape.length !== 2 || x.shape[0] !== m.shape[0] || x.shape[1] !== m.shape[1] || x.dtype !== 'float32' || m.dtype !== 'float32') {
      return { error: `pooling needs a sequence [batch, L, d] and its mask [batch, L], found ${showShape(x.shape)} and mask ${showShape(m.shape)}`, code: 'REC4002' };
    }
    if (!['sum', 'mean', 'max'].includes(String(attrs.mode))) return { error: `unknown pooling \`${String(attrs.mode)}\` (sum, mean or max)`, code: 'REC3008' };
    return { shape: [x.shape[0]!, x.shape[2]!], dtype: 'float32' };
  },
  // one multiply and one add per input element
  flops: ([x]) => 2 * elements(x!),
  tfjs(tf, [x, m], attrs) {
    const m3 = tf.expandDims(m!, 2);
    const d = x!.shape[2]!;
    if (attrs.mode === 'max') {
      const masked = tf.where(tf.tile(tf.greater(m3, 0), [1, 1, d]), x!, tf.fill(x!.shape, NEG));
      const best = tf.max(masked, 1);
      const any = tf.tile(tf.greater(tf.sum(m!, 1, true), 0), [1, d]);
      return tf.where(any, best, tf.zerosLike(best));
    }
    const s = tf.sum(attrs.zero_padded ? x! : tf.mul(x!, m3), 1);
    return attrs.mode === 'sum' ? s : tf.div(s, tf.maximum(tf.sum(m!, 1, true), 1));
  },
  onnx(tape, [x, m], attrs) {
    const ax1 = tape.constInt64([1], [1]);
    const m3 = () => tape.op('Unsqueeze', [m!, tape.constInt64([2], [1])]);
    if (attrs.mode === 'max') {
      const valid = tape.op('Greater', [m3(), tape.constFloat([0], [])]);
      const masked = tape.op('Where', [valid, x!, tape.constFloat([NEG], [])]);
      const mx = tape.op('ReduceMax', [masked], { axes: [1], keepdims: 0 });
      const any = tape.op('Greater', [tape.op('ReduceSum', [m!, ax1], { keepdims: 1 }), tape.constFloat([0], [])]);
      return tape.op('Where', [any, mx, tape.constFloat([0], [])]);
    }
    const s = tape.op('ReduceSum', [attrs.zero_padded ? x! : tape.op('Mul', [x!, m3()]), ax1], { keepdims: 0 });
    if (attrs.mode === 'sum') return s;
    const count = tape.op('Max', [tape.op('ReduceSum', [m!, ax1], { keepdims: 1 }), tape.constFloat([1], [])]);
    return tape.op('Div', [s, count]);
  },
  vjp(g, [x, m], y, dy, attrs) {
    const dy3 = g.add('unsqueeze', [dy], { axis: 1 });
    const m3 = g.add('unsqueeze', [m!], { axis: 2 });
    if (attrs.mode === 'max') {
      // dy to the valid positions that hold the maximum (ties share it, as in TensorFlow.js)
      const hit = g.add('compare', [x!, g.add('unsqueeze', [y], { axis: 1 })], { mode: 'eq' });
      const valid = g.add('compare', [m3, scalar(g, 0)], { mode: 'gt' });
      return [g.add('mul', [g.add('mul', [dy3, hit]), valid]), undefined];
    }
    // every position the sum read: the valid ones, or all of them for a zero-padded mean
    const spread = (d: number) => (attrs.zero_padded ? g.add('broadcast_like', [d, x!]) : g.add('mul', [d, m3]));
    if (attrs.mode === 'sum') return [spread(dy3), undefined];
    // mean: dy / max(Σ m, 1); max(s, 1) = 1 + relu(s − 1)
    const one = scalar(g, 1);
    const count = g.add('add', [one, g.add('relu', [g.add('sub', [sumTo(g, m!, [g.shape(m!)[0]!, 1]), one])])]);
    return [spread(g.add('unsqueeze', [g.add('div', [dy, count])], { axis: 1 })), undefined];
  },
  constantInputs: { 1: 'the mask is 0/1 validity data, not a learned value' },
  examples: [
    ...['sum', 'mean', 'max'].map((mode) => ({ inputs: SEQ, attrs: { mode }, note: 'the mask input is drawn from {0, 1}, with some rows all zero' })),
    { inputs: SEQ, attrs: { mode: 'mean', zero_padded: true }, note: 'the sequence is not multiplied by the mask: both forms sum every position' },
    {
      inputs: SEQ,
      attrs: { mode: 'max' },
      ranges: [{ min: 0, max: 3, integers: true }],
      kinks: true,
      note: 'ties: whole numbers 0–2, so padded positions equal the maximum (0 in an empty row); the mask input as above',
    },
  ],
};

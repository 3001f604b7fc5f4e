// The gradient of an embedding lookup: rows of dy added into a [rows, D] table at their ids
// (ids repeat: their rows add up). Its own gradient is the lookup again.
import { showShape, type OpDef } from './op.js';
import { elements, intAttr } from './shapes.js';

export const scatterAdd: OpDef = {
  name: 'scatter_add',
  doc: 'Rows of x added into a zero [rows, D] table at their ids.',
  infer([x, ids], attrs) {
    const rows = intAttr(attrs, 'rows');
    if (!x || !ids || rows === undefined || rows <= 0) return { error: 'scatter_add takes rows [..., D], int ids [...] and a row count', code: 'REC4002' };
    if (x.dtype !== 'float32' || ids.dtype !== 'int32' || x.shape.length !== ids.shape.length + 1 || ids.shape.some((d, i) => d !== x.shape[i])) {
      return { error: `scatter_add: rows ${x.dtype} ${showShape(x.shape)} do not fit ids ${ids.dtype} ${showShape(ids.shape)}`, code: 'REC4001' };
    }
    return { shape: [rows, x.shape[x.shape.length - 1]!], dtype: 'float32' };
  },
  flops: ([x]) => elements(x!),
  tfjs(tf, [x, ids], attrs) {
    const d = x!.shape[x!.rank - 1]!;
    return tf.unsortedSegmentSum(tf.reshape(x!, [-1, d]), tf.reshape(ids!, [-1]), Number(attrs.rows));
  },
  onnx(tape, [x, ids], _attrs, node) {
    const [rows, d] = node.shape as [number, number];
    const zeros = tape.op('ConstantOfShape', [tape.constInt64([rows, d], [2])]);
    const index = tape.op('Reshape', [ids!, tape.constInt64([-1, 1], [2])]);
    const updates = tape.op('Reshape', [x!, tape.constInt64([-1, d], [2])]);
    return tape.op('ScatterND', [zeros, index, updates], { reduction: 'add' });
  },
  vjp: (b, [, ids], _y, dy) => [b.add('gather', [dy, ids!]), undefined],
  examples: [
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }], attrs: { rows: 11 } },
    { inputs: [{ shape: ['batch', 5, 4], dtype: 'float32' }, { shape: ['batch', 5], dtype: 'int32' }], attrs: { rows: 11 }, note: 'ids repeat' },
  ],
};

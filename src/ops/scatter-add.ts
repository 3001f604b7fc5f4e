// The gradient of an embedding lookup: rows of dy added into a zero [rows, D] table at their ids
// (ids repeat: their rows add up). The row count is the attribute `rows`, or, with a third input
// `like` (a batched table [batch, D] that was gathered from), like's number of rows when the graph
// runs; nothing flows back to `like`. Its own gradient is the lookup again.
import { showShape, type OpDef } from './op.js';
import { elements, intAttr } from './shapes.js';

export const scatterAdd: OpDef = {
  name: 'scatter_add',
  doc: 'Rows of x added into a zero [rows, D] table at their ids.',
  infer([x, ids, like], attrs) {
    const rows = like ? like.shape[0] : intAttr(attrs, 'rows');
    if (!x || !ids || rows === undefined || (typeof rows === 'number' && rows <= 0)) return { error: 'scatter_add takes rows [..., D], int ids [...] and a row count (or a table [batch, D] whose rows it takes)', code: 'REC4002' };
    if (x.dtype !== 'float32' || ids.dtype !== 'int32' || x.shape.length !== ids.shape.length + 1 || ids.shape.some((d, i) => d !== x.shape[i])) {
      return { error: `scatter_add: rows ${x.dtype} ${showShape(x.shape)} do not fit ids ${ids.dtype} ${showShape(ids.shape)}`, code: 'REC4001' };
    }
    const d = x.shape[x.shape.length - 1]!;
    if (like && (like.shape.length !== 2 || like.shape[1] !== d)) return { error: `scatter_add: rows ${showShape(x.shape)} do not fit the table ${showShape(like.shape)}`, code: 'REC4001' };
    return { shape: [rows, d], dtype: 'float32' };
  },
  flops: ([x]) => elements(x!),
  tfjs(tf, [x, ids, like], attrs) {
    const d = x!.shape[x!.rank - 1]!;
    return tf.unsortedSegmentSum(tf.reshape(x!, [-1, d]), tf.reshape(ids!, [-1]), like ? like.shape[0]! : Number(attrs.rows));
  },
  onnx(tape, [x, ids, like], _attrs, node) {
    const d = node.shape[1] as number;
    const shape = like ? tape.op('Shape', [like]) : tape.constInt64([node.shape[0] as number, d], [2]);
    const zeros = tape.op('ConstantOfShape', [shape]);
    const index = tape.op('Reshape', [ids!, tape.constInt64([-1, 1], [2])]);
    const updates = tape.op('Reshape', [x!, tape.constInt64([-1, d], [2])]);
    return tape.op('ScatterND', [zeros, index, updates], { reduction: 'add' });
  },
  vjp: (b, [, ids], _y, dy) => [b.add('gather', [dy, ids!]), undefined, undefined],
  examples: [
    { inputs: [{ shape: ['batch', 4], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }], attrs: { rows: 11 } },
    { inputs: [{ shape: ['batch', 5, 4], dtype: 'float32' }, { shape: ['batch', 5], dtype: 'int32' }], attrs: { rows: 11 }, note: 'ids repeat' },
  ],
};

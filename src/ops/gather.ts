// Embedding lookup: rows of a table [V, D] by ids [batch, …] → [batch, …, D]. The table may also
// be a batched tensor [batch, D] (rows of this batch, by row number: hinge_pairs's gradient).
import { showShape, type OpDef } from './op.js';

export const gather: OpDef = {
  name: 'gather',
  doc: 'Embedding lookup: table rows by id.',
  infer([table, ids]) {
    if (!table || !ids) return { error: 'gather takes a [V, D] table and int ids', code: 'REC4002' };
    if (table.shape.length !== 2 || table.dtype !== 'float32' || table.shape[1] === 'batch' || ids.dtype !== 'int32') {
      return { error: `gather takes a float [V, D] table and int ids, found ${table.dtype} ${showShape(table.shape)} and ${ids.dtype} ${showShape(ids.shape)}`, code: 'REC4002' };
    }
    return { shape: [...ids.shape, table.shape[1]!], dtype: 'float32' };
  },
  flops: () => 0,
  tfjs: (tf, [table, ids]) => tf.gather(table!, ids!),
  onnx: (tape, [table, ids]) => tape.op('Gather', [table!, ids!], { axis: 0 }),
  // dy's rows added into the table's shape at their ids (a batched table's row count is read from
  // it when the graph runs); the ids are ints
  vjp(g, [table, ids], _y, dy) {
    const rows = g.shape(table!)[0]!;
    return [rows === 'batch' ? g.add('scatter_add', [dy, ids!, table!]) : g.add('scatter_add', [dy, ids!], { rows }), undefined];
  },
  examples: [
    { inputs: [{ shape: [11, 4], dtype: 'float32' }, { shape: ['batch'], dtype: 'int32' }], attrs: {} },
    { inputs: [{ shape: [11, 4], dtype: 'float32' }, { shape: ['batch', 5], dtype: 'int32' }], attrs: {} },
  ],
};

// The validity mask of a padded id sequence: 1 where id != 0 (row 0 is padding).
import { showShape, type OpDef } from './op.js';

export const mask: OpDef = {
  name: 'mask',
  doc: 'mask(ids): 1.0 where the id is not padding (0), else 0.0.',
  infer: ([ids]) => (ids && ids.dtype === 'int32' ? { shape: ids.shape, dtype: 'float32' } : { error: `mask takes int ids${ids ? `, found ${ids.dtype} ${showShape(ids.shape)}` : ''}`, code: 'REC4002' }),
  flops: () => 0,
  tfjs: (tf, [ids]) => tf.cast(tf.notEqual(ids!, 0), 'float32'),
  // ids → bool is `id != 0` (ONNX Cast: zero is false, anything else true), then → float: two
  // nodes where Equal → Not → Cast took three
  onnx: (tape, [ids]) => tape.op('Cast', [tape.op('Cast', [ids!], { to: 9 })], { to: 1 }),
  // ids in, an indicator out: nothing to pass back
  vjp: () => [undefined],
  examples: [{ inputs: [{ shape: ['batch', 6], dtype: 'int32' }], attrs: {} }],
};

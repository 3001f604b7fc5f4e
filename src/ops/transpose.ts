// Permute axes; the batch axis stays first.
import { showShape, type OpDef } from './op.js';
import { intsAttr } from './shapes.js';

export const transpose: OpDef = {
  name: 'transpose',
  doc: 'Permute the axes of a tensor (batch stays first).',
  infer([x], attrs) {
    const perm = intsAttr(attrs, 'perm');
    if (!x || !perm) return { error: 'transpose takes one tensor and a permutation', code: 'REC4002' };
    const ok = perm.length === x.shape.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) return { error: `transpose: [${perm.join(', ')}] is not a permutation of the ${x.shape.length} axes of ${showShape(x.shape)}`, code: 'REC4002' };
    if (x.shape[0] === 'batch' && perm[0] !== 0) return { error: 'transpose: the batch axis must stay first', code: 'REC4002' };
    return { shape: perm.map((p) => x.shape[p]!), dtype: x.dtype };
  },
  flops: () => 0,
  tfjs: (tf, [x], attrs) => tf.transpose(x!, attrs.perm as number[]),
  onnx: (tape, [x], attrs) => tape.op('Transpose', [x!], { perm: attrs.perm as number[] }),
  vjp(g, _x, _y, dy, attrs) {
    const perm = attrs.perm as number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [g.add('transpose', [dy], { perm: inverse })];
  },
  examples: [
    { inputs: [{ shape: ['batch', 3, 4], dtype: 'float32' }], attrs: { perm: [0, 2, 1] } },
    { inputs: [{ shape: ['batch', 2, 3, 4], dtype: 'float32' }], attrs: { perm: [0, 2, 3, 1] } },
  ],
};

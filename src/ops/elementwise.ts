// Factories for element-wise ops: one shape rule and FLOP rule for all of them; each op still
// has its own file that names its TensorFlow.js and ONNX forms, and its vjp.
import type { Attrs } from '../ir/types.js';
import type { OpDef, Surface, Tensor, TF, Vjp } from './op.js';
import { showShape } from './op.js';
import { broadcast, elements } from './shapes.js';

export function unaryOp(name: string, doc: string, tfjs: (tf: TF, x: Tensor) => Tensor, onnxType: string, vjp?: Vjp): OpDef {
  const surface: Surface = { name, inputs: ['x'], doc };
  return {
    name,
    doc,
    surface,
    infer: ([x]) => (x && x.dtype === 'float32' ? { shape: x.shape, dtype: 'float32' } : { error: `${name} expects one float tensor${x ? `, found ${x.dtype} ${showShape(x.shape)}` : ''}`, code: 'REC4002' }),
    flops: (_ins, out) => elements(out),
    tfjs: (tf, [x]) => tfjs(tf, x!),
    onnx: (tape, [x]) => tape.op(onnxType, [x!]),
    vjp,
    examples: [
      { inputs: [{ shape: ['batch', 7], dtype: 'float32' }], attrs: {} },
      { inputs: [{ shape: ['batch', 3, 5], dtype: 'float32' }], attrs: {} },
    ],
  };
}

export function binaryOp(name: string, symbol: string, doc: string, tfjs: (tf: TF, a: Tensor, b: Tensor) => Tensor, onnxType: string, vjp?: Vjp): OpDef {
  return {
    name,
    doc,
    infer([a, b]: Parameters<OpDef['infer']>[0], _attrs: Attrs) {
      if (!a || !b) return { error: `${symbol} takes two tensors`, code: 'REC4002' };
      // ids are int32 only until an embedding lookup; arithmetic on them is a mistake
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return { error: `\`${symbol}\` needs float tensors, found ${a.dtype} ${showShape(a.shape)} and ${b.dtype} ${showShape(b.shape)}`, code: 'REC4002' };
      const shape = broadcast(a.shape, b.shape);
      if (!shape) return { error: `cannot apply \`${symbol}\` to shapes ${showShape(a.shape)} and ${showShape(b.shape)}: they do not broadcast`, code: 'REC4001' };
      return { shape, dtype: 'float32' };
    },
    flops: (_ins, out) => elements(out),
    tfjs: (tf, [a, b]) => tfjs(tf, a!, b!),
    onnx: (tape, [a, b]) => tape.op(onnxType, [a!, b!]),
    vjp,
    examples: [
      { inputs: [{ shape: ['batch', 6], dtype: 'float32' }, { shape: ['batch', 6], dtype: 'float32' }], attrs: {} },
      { inputs: [{ shape: ['batch', 4, 6], dtype: 'float32' }, { shape: ['batch', 1, 6], dtype: 'float32' }], attrs: {}, note: 'broadcast over the sequence axis' },
      { inputs: [{ shape: ['batch', 3], dtype: 'float32' }, { shape: [], dtype: 'float32' }], attrs: {}, note: 'a scalar' },
    ],
  };
}

// Items start..end-1 along one non-batch axis (splitting PPNet's gates per task).
import { showShape, type OpDef } from './op.js';
import { intAttr, normAxis } from './shapes.js';

export const slice: OpDef = {
  name: 'slice',
  doc: 'Items start..end-1 along an axis.',
  infer([x], attrs) {
    if (!x) return { error: 'slice takes one tensor', code: 'REC4002' };
    const raw = intAttr(attrs, 'axis');
    const axis = raw === undefined ? undefined : normAxis(raw, x.shape.length);
    if (axis === undefined || axis === 0 || x.shape[axis] === 'batch') return { error: `slice: axis ${String(attrs.axis)} is not a non-batch axis of ${showShape(x.shape)}`, code: 'REC4002' };
    const d = x.shape[axis] as number;
    const start = intAttr(attrs, 'start');
    const end = intAttr(attrs, 'end');
    if (start === undefined || end === undefined || !(0 <= start && start < end && end <= d)) return { error: `slice ${String(attrs.start)}..${String(attrs.end)} is out of range for axis ${attrs.axis} of ${showShape(x.shape)}`, code: 'REC4003' };
    const shape = [...x.shape];
    shape[axis] = end - start;
    return { shape, dtype: x.dtype };
  },
  flops: () => 0,
  tfjs(tf, [x], attrs) {
    const axis = normAxis(Number(attrs.axis), x!.rank)!;
    const begin = x!.shape.map((_, i) => (i === axis ? Number(attrs.start) : 0));
    const size = x!.shape.map((d, i) => (i === axis ? Number(attrs.end) - Number(attrs.start) : d));
    return tf.slice(x!, begin, size);
  },
  onnx: (tape, [x], attrs) =>
    tape.op('Slice', [x!, tape.constInt64([Number(attrs.start)], [1]), tape.constInt64([Number(attrs.end)], [1]), tape.constInt64([Number(attrs.axis)], [1])]),
  // dy in its place, zeros around it
  vjp(g, [x], _y, dy, attrs) {
    const axis = normAxis(Number(attrs.axis), g.shape(x!).length)!;
    const d = g.shape(x!)[axis] as number;
    return [g.add('pad', [dy], { axis, before: Number(attrs.start), after: d - Number(attrs.end) })];
  },
  examples: [
    { inputs: [{ shape: ['batch', 10], dtype: 'float32' }], attrs: { axis: -1, start: 3, end: 7 } },
    { inputs: [{ shape: ['batch', 4, 6], dtype: 'float32' }], attrs: { axis: 1, start: 0, end: 2 } },
  ],
};

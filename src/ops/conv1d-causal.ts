// Causal dilated 1-D convolution over a sequence (NextItNet, PeterRec's backbone): x [batch, L,
// C_in], kernel w [k, C_in, C_out], bias b [C_out], attribute `dilation` d ≥ 1. x is left-padded
// with (k−1)·d zeros and y[t] = b + Σ_j xpad[t + j·d] · w[j], a cross-correlation as in the
// official code (w[k−1] touches the current position, w[0] the one (k−1)·d steps back) → [batch,
// L, C_out]. Position t never sees a later one.
// TensorFlow.js form: k shifted slices of the padded sequence side by side, times w as one
// [k·C_in, C_out] matrix. Not tf.conv1d: its forward takes a dilation on both backends (cpu and
// wasm), but tfjs has no gradient for conv2d with a dilation > 1, and training needs one; slices,
// concat and matmul have gradients, and they nest.
import { sumTo } from './grad-helpers.js';
import { showShape, type OpDef, type ShapeIn } from './op.js';
import { intAttr, perSample } from './shapes.js';

/** The inputs of an example: x [batch, L, c_in], w [k, c_in, c_out], b [c_out]. */
function conv(len: number, k: number, cin: number, cout: number): ShapeIn[] {
  return [
    { shape: ['batch', len, cin], dtype: 'float32' },
    { shape: [k, cin, cout], dtype: 'float32' },
    { shape: [cout], dtype: 'float32' },
  ];
}

export const conv1dCausal: OpDef = {
  name: 'conv1d_causal',
  doc: 'conv1d_causal(x, w, b, dilation): causal dilated 1-D convolution, y[t] = b + Σ_j xpad[t + j·d] · w[j] with (k−1)·d zeros on the left.',
  surface: {
    name: 'conv1d_causal_op',
    inputs: ['x', 'w', 'b'],
    attrs: [{ name: 'dilation', type: 'int', default: 1 }],
    doc: 'conv1d_causal_op(x, w, b, dilation = 1): causal dilated 1-D convolution of a sequence [batch, L, c_in] with a kernel [k, c_in, c_out] and a bias [c_out]; position t sees t, t − d, …, t − (k−1)·d.',
  },
  infer([x, w, b], attrs) {
    if (!x || !w || !b) return { error: 'conv1d_causal takes a sequence [batch, L, c_in], a kernel [k, c_in, c_out] and a bias [c_out]', code: 'REC4002' };
    const d = intAttr(attrs, 'dilation', 1);
    if (d === undefined || d < 1) return { error: `conv1d_causal: the dilation must be a whole number ≥ 1, found ${String(attrs.dilation)}`, code: 'REC3008' };
    if (x.dtype !== 'float32' || x.shape.length !== 3 || x.shape[1] === 'batch') return { error: `conv1d_causal needs a float sequence [batch, L, c_in], found ${x.dtype} ${showShape(x.shape)}`, code: 'REC4002' };
    if (w.dtype !== 'float32' || w.shape.length !== 3 || w.shape.includes('batch') || w.shape[1] !== x.shape[2]) {
      return { error: `conv1d_causal: the kernel must be [k, ${String(x.shape[2])}, c_out] for the sequence ${showShape(x.shape)}, found ${showShape(w.shape)}`, code: 'REC4001' };
    }
    if (b.dtype !== 'float32' || b.shape.length !== 1 || b.shape[0] !== w.shape[2]) return { error: `conv1d_causal: the bias must be [${String(w.shape[2])}] for the kernel ${showShape(w.shape)}, found ${showShape(b.shape)}`, code: 'REC4001' };
    return { shape: [x.shape[0]!, x.shape[1]!, w.shape[2]!], dtype: 'float32' };
  },
  // a multiply-add per position, tap, input and output channel, and the bias
  flops([, w], out) {
    const [k, cin, cout] = w!.map(perSample) as [number, number, number];
    const positions = perSample(out[0]!) * perSample(out[1]!);
    return positions * cout * (2 * k * cin + 1);
  },
  tfjs(tf, [x, w, b], attrs) {
    const [k, cin, cout] = w!.shape as [number, number, number];
    const len = x!.shape[1]!;
    const d = Number(attrs.dilation ?? 1);
    const padded = k > 1 ? tf.pad(x!, [[0, 0], [(k - 1) * d, 0], [0, 0]]) : x!;
    const taps = Array.from({ length: k }, (_, j) => tf.slice(padded, [0, j * d, 0], [-1, len, cin]));
    const cols = k > 1 ? tf.concat(taps, 2) : taps[0]!; // [batch, L, k·c_in], channel j·c_in + c
    const y = tf.matMul(tf.reshape(cols, [-1, k * cin]), tf.reshape(w!, [k * cin, cout]));
    return tf.add(tf.reshape(y, [-1, len, cout]), b!);
  },
  onnx(tape, [x, w, b], attrs) {
    const d = Number(attrs.dilation ?? 1);
    // The left padding (k−1)·d, with k read from the kernel's shape (an op sees values, not
    // shapes), as Pad's pads [0, (k−1)·d, 0, 0, 0, 0] (begins of each axis, then ends).
    const k = tape.op('Shape', [w!], { start: 0, end: 1 });
    const left = tape.op('Mul', [tape.op('Sub', [k, tape.constInt64([1], [1])]), tape.constInt64([d], [1])]);
    const pads = tape.op('Concat', [tape.constInt64([0], [1]), left, tape.constInt64([0, 0, 0, 0], [4])], { axis: 0 });
    const padded = tape.op('Pad', [x!, pads]);
    // ONNX Conv is channels-first, [batch, C, L], with a kernel [C_out, C_in, k]; it is a
    // cross-correlation, as here.
    const xt = tape.op('Transpose', [padded], { perm: [0, 2, 1] });
    const wt = tape.op('Transpose', [w!], { perm: [2, 1, 0] });
    const y = tape.op('Conv', [xt, wt, b!], { dilations: [d], strides: [1] });
    return tape.op('Transpose', [y], { perm: [0, 2, 1] });
  },
  // Tap j reads x shifted right by s_j = (k−1−j)·d: y[t] += x[t − s_j] · w[j]. A tap that reaches
  // no real position (s_j ≥ L) reads only padding and has a zero gradient. Per tap:
  //   ∂w[j] = Σ_{batch, t ≥ s_j} x[t − s_j]ᵀ dy[t]     (contract of the overlapping parts)
  //   ∂x[t] += dy[t + s_j] · w[j]ᵀ                   (zeros after the last L − s_j positions)
  // and ∂b = Σ dy. w[j] is taken through [c_in, k, c_out] (slice works on non-leading axes).
  vjp(b, [x, w], _y, dy, attrs) {
    const d = Number(attrs.dilation ?? 1);
    const [, len, cin] = b.shape(x!) as [string, number, number];
    const [k, , cout] = b.shape(w!) as [number, number, number];
    const wt = b.add('transpose', [w!], { perm: [1, 0, 2] });
    const part = (v: number, start: number, end: number) => (start === 0 && end === len ? v : b.add('slice', [v], { axis: 1, start, end }));
    let dx: number | undefined;
    const dw: number[] = [];
    for (let j = 0; j < k; j++) {
      const shift = (k - 1 - j) * d;
      if (shift >= len) {
        dw.push(b.add('const', [], { value: new Array<number>(cin * cout).fill(0), shape: [cin, cout] }));
        continue;
      }
      const later = part(dy, shift, len);
      dw.push(b.add('contract', [part(x!, 0, len - shift), later]));
      const wj = b.add('squeeze', [b.add('slice', [wt], { axis: 1, start: j, end: j + 1 })], { axis: 1 });
      const back = b.add('matmul', [later, b.add('transpose', [wj], { perm: [1, 0] })]);
      const term = shift === 0 ? back : b.add('pad', [back], { axis: 1, before: 0, after: shift });
      dx = dx === undefined ? term : b.add('add', [dx, term]);
    }
    const dW = b.add('transpose', [b.add('stack', dw, { axis: 1 })], { perm: [1, 0, 2] });
    return [dx, dW, sumTo(b, dy, [cout])];
  },
  examples: [
    { inputs: conv(6, 3, 3, 2), attrs: { dilation: 1 } },
    { inputs: conv(7, 3, 2, 4), attrs: { dilation: 2 } },
    { inputs: conv(5, 3, 3, 2), attrs: { dilation: 4 }, note: 'L = 5 < (k−1)·d = 8: most taps read padding' },
    { inputs: conv(4, 1, 3, 2), attrs: { dilation: 1 }, note: 'k = 1, a dense layer per position' },
    { inputs: conv(6, 2, 2, 2), attrs: { dilation: 3 } },
  ],
};

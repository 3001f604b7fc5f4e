// A GRU over a left-aligned, masked sequence; returns the state after the last valid step
// (CMML's sequential context encoder SE, Eq. 7). Gates r, z, n in the columns of W and U, with
// PyTorch's semantics (linear_before_reset):
//   r = σ(x Wr + bwr + h Ur + bur)   z = σ(x Wz + bwz + h Uz + buz)
//   n = tanh(x Wn + bwn + r ⊙ (h Un + bun))   h' = (1 − z) ⊙ n + z ⊙ h
// A padded step (mask 0) keeps h. Both lowerings unroll the same primitive steps, so they agree
// exactly; L is small (a support set or a short history).
// Its gradient is taken through `decompose`, the same steps as IR ops (src/ir/passes/decompose.ts
// expands it before differentiation): onnxruntime's inference build has no GRU gradient, and the
// unrolled form is differentiable again for free.
import { showShape, type GradBuilder, type OnnxTape, type OpDef, type Tensor } from './op.js';

/** The GRU as IR ops, step by step as the TF.js form computes it (h starts at 0). */
function unrolled(b: GradBuilder, [x, m, w, u, bw, bu]: number[], attrs: Record<string, unknown>): number {
  const h = b.shape(u!)[0] as number;
  const gate = (v: number, k: number) => b.add('slice', [v], { axis: -1, start: k * h, end: (k + 1) * h });
  const gx = b.add('add', [b.add('matmul', [x!, w!]), bw!]);
  let state: number | undefined;
  for (let t = 0; t < Number(attrs.length); t++) {
    const xt = b.add('squeeze', [b.add('slice', [gx], { axis: 1, start: t, end: t + 1 })], { axis: 1 });
    const mt = b.add('slice', [m!], { axis: 1, start: t, end: t + 1 });
    // h = 0 before the first step: h U + bu is bu on every row
    const gh = state === undefined ? b.add('broadcast_like', [bu!, xt]) : b.add('add', [b.add('matmul', [state, u!]), bu!]);
    const r = b.add('sigmoid', [b.add('add', [gate(xt, 0), gate(gh, 0)])]);
    const z = b.add('sigmoid', [b.add('add', [gate(xt, 1), gate(gh, 1)])]);
    const n = b.add('tanh', [b.add('add', [gate(xt, 2), b.add('mul', [r, gate(gh, 2)])])]);
    if (state === undefined) {
      // n + z (0 − n), then 0 + m (next − 0)
      state = b.add('mul', [mt, b.add('sub', [n, b.add('mul', [z, n])])]);
    } else {
      const next = b.add('add', [n, b.add('mul', [z, b.add('sub', [state, n])])]);
      state = b.add('add', [state, b.add('mul', [mt, b.add('sub', [next, state])])]);
    }
  }
  return state!;
}

export const gru: OpDef = {
  name: 'gru',
  doc: 'GRU over a masked sequence; the last valid state.',
  infer([x, m, w, u, bw, bu], attrs) {
    if (!x || !m || !w || !u || !bw || !bu || x.shape.length !== 3) return { error: 'gru takes x [batch, L, d], its mask, W, U, bw, bu', code: 'REC4002' };
    if (m.shape.length !== 2 || m.shape[0] !== x.shape[0] || m.shape[1] !== x.shape[1]) return { error: `gru: the mask ${showShape(m.shape)} does not fit the sequence ${showShape(x.shape)}`, code: 'REC4001' };
    if (attrs.length !== x.shape[1]) return { error: `gru: attribute length ${attrs.length} is not the sequence length ${x.shape[1]}`, code: 'REC4001' };
    const d = x.shape[2] as number;
    const h3 = u.shape[1] as number;
    const h = h3 / 3;
    const ok = w.shape.join() === [d, h3].join() && u.shape.join() === [h, h3].join() && bw.shape.join() === String(h3) && bu.shape.join() === String(h3) && Number.isInteger(h);
    if (!ok) return { error: `gru: weights ${showShape(w.shape)}, ${showShape(u.shape)}, ${showShape(bw.shape)}, ${showShape(bu.shape)} do not fit input ${showShape(x.shape)}`, code: 'REC4001' };
    return { shape: [x.shape[0]!, h], dtype: 'float32' };
  },
  flops([x, , , u]) {
    const l = x![1] as number;
    const d = x![2] as number;
    const h3 = u![1] as number;
    return l * (2 * d * h3 + 2 * (h3 / 3) * h3 + 8 * (h3 / 3));
  },
  tfjs(tf, [x, m, w, u, bw, bu]) {
    const [b, l, d] = [x!.shape[0]!, x!.shape[1]!, x!.shape[2]!];
    const h = u!.shape[0]!;
    // The input projections of all steps in one matmul; per step only the recurrent one. Fewer,
    // larger kernels: a step is ~15 small ops, and op dispatch dominates at these sizes.
    const gx = tf.add(tf.reshape(tf.matMul(tf.reshape(x!, [b * l, d]), w!), [b, l, 3 * h]), bw!);
    const [xr, xz, xn] = tf.split(gx, 3, 2).map((g) => tf.unstack(g, 1));
    const ms = tf.unstack(tf.expandDims(m!, 2), 1);
    let state: Tensor = tf.zeros([b, h]);
    for (let t = 0; t < l; t++) {
      const gh = tf.add(tf.matMul(state, u!), bu!);
      const [hr, hz, hn] = tf.split(gh, 3, 1);
      const r = tf.sigmoid(tf.add(xr![t]!, hr!));
      const z = tf.sigmoid(tf.add(xz![t]!, hz!));
      const n = tf.tanh(tf.add(xn![t]!, tf.mul(r, hn!)));
      // (1 − z) ⊙ n + z ⊙ h, and a padded step (mask 0) keeps h
      const next = tf.add(n, tf.mul(z, tf.sub(state, n)));
      state = tf.add(state, tf.mul(ms[t]!, tf.sub(next, state)));
    }
    return state;
  },
  onnx(tape: OnnxTape, [x, m, w, u, bw, bu], _attrs, node) {
    const h = node.shape[1] as number;
    const steps = Number(node.attrs.length);
    const one = tape.constFloat([1], []);
    const ax1 = tape.constInt64([1], [1]);
    // The state starts at zeros [batch, H] (ConstantOfShape's default value is float 0).
    const batch = tape.op('Slice', [tape.op('Shape', [x!]), tape.constInt64([0], [1]), tape.constInt64([1], [1])]);
    let state = tape.op('ConstantOfShape', [tape.op('Concat', [batch, tape.constInt64([h], [1])], { axis: 0 })]);
    const split = tape.constInt64([h, h, h], [3]);
    for (let t = 0; t < steps; t++) {
      const idx = tape.constInt64([t], []);
      const xt = tape.op('Gather', [x!, idx], { axis: 1 });
      const mt = tape.op('Unsqueeze', [tape.op('Gather', [m!, idx], { axis: 1 }), ax1]);
      const gx = tape.op('Add', [tape.op('MatMul', [xt, w!]), bw!]);
      const gh = tape.op('Add', [tape.op('MatMul', [state, u!]), bu!]);
      const [xr, xz, xn] = tape.opMulti('Split', [gx, split], 3, { axis: 1 });
      const [hr, hz, hn] = tape.opMulti('Split', [gh, split], 3, { axis: 1 });
      const r = tape.op('Sigmoid', [tape.op('Add', [xr!, hr!])]);
      const z = tape.op('Sigmoid', [tape.op('Add', [xz!, hz!])]);
      const n = tape.op('Tanh', [tape.op('Add', [xn!, tape.op('Mul', [r, hn!])])]);
      const next = tape.op('Add', [tape.op('Mul', [tape.op('Sub', [one, z]), n]), tape.op('Mul', [z, state])]);
      state = tape.op('Add', [tape.op('Mul', [mt, next]), tape.op('Mul', [tape.op('Sub', [one, mt]), state])]);
    }
    return state;
  },
  decompose: unrolled,
  examples: [
    {
      inputs: [
        { shape: ['batch', 4, 3], dtype: 'float32' },
        { shape: ['batch', 4], dtype: 'float32' },
        { shape: [3, 6], dtype: 'float32' },
        { shape: [2, 6], dtype: 'float32' },
        { shape: [6], dtype: 'float32' },
        { shape: [6], dtype: 'float32' },
      ],
      attrs: { length: 4 },
      note: 'mask rows are prefixes of ones (left-aligned sequences)',
    },
  ],
};
